import type { Product } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { enrichWaitingItem, joinOrder } from '../src/join.js';
import { order } from './fixtures.js';

const product = (id: string, name = `Product ${id}`): Product => ({
  id,
  name,
  description: 'd',
  category: 'c',
  image: `/i/${id}.jpg`,
  price: 1,
});
const now = new Date('2026-11-25T13:40:00.000Z');

describe('joinOrder', () => {
  it('emits one enriched item per known product, in item order, with the product as it is now', () => {
    const known = new Map([
      ['1', product('1')],
      ['2', product('2')],
      ['99', product('99')],
    ]);
    const { enriched, waiting } = joinOrder(order, (id) => known.get(id), { partition: 1, offset: '7' }, now);
    expect(waiting).toEqual([]);
    expect(enriched).toHaveLength(3);
    expect(enriched[1]).toEqual({ orderId: order.id, createdAt: order.createdAt, itemIndex: 1, product: product('2'), orderItem: order.items[1] });
  });

  it('parks items whose product is unknown, with their source and index', () => {
    const known = new Map([['1', product('1')]]);
    const { enriched, waiting } = joinOrder(order, (id) => known.get(id), { partition: 1, offset: '7' }, now);
    expect(enriched.map((e) => e.product.id)).toEqual(['1']);
    expect(waiting).toEqual([
      { orderId: order.id, createdAt: order.createdAt, itemIndex: 1, orderItem: order.items[1], sourcePartition: 1, sourceOffset: '7', waitingSince: now.toISOString() },
      { orderId: order.id, createdAt: order.createdAt, itemIndex: 2, orderItem: order.items[2], sourcePartition: 1, sourceOffset: '7', waitingSince: now.toISOString() },
    ]);
    expect(enrichWaitingItem(waiting[0]!, product('2', 'late'))).toEqual({
      orderId: order.id,
      createdAt: order.createdAt,
      itemIndex: 1,
      product: product('2', 'late'),
      orderItem: order.items[1],
    });
  });
});
