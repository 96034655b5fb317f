// Unit tests of joinOrder: items joined with known products, unknown ones left waiting.
import { enrichedOrderItemSchema, type Product } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { enrichWaitingItem, joinOrder, type ProductAt } from '../src/join.js';
import { order, version } from './fixtures.js';

const product = (id: string, name = `Product ${id}`): Product => ({
  id,
  name,
  description: 'd "quoted"',
  category: 'c',
  image: `/i/${id}.jpg`,
  price: 1.5,
});
const now = new Date('2026-11-25T13:40:00.000Z');
const known = (...ids: string[]): ProductAt => {
  const versions = new Map(ids.map((id) => [id, version(product(id))]));
  return (id) => versions.get(id);
};

describe('joinOrder', () => {
  it('emits one enriched record per known product, in item order, keyed by order id, valid against the contract', () => {
    const { enriched, waiting } = joinOrder(order, known('1', '2', '99'), { partition: 1, offset: '7' }, now);
    expect(waiting).toEqual([]);
    expect(enriched.map((e) => e.key)).toEqual([order.id, order.id, order.id]);
    const values = enriched.map((e) => enrichedOrderItemSchema.parse(JSON.parse(e.value)));
    expect(values[1]).toEqual({ orderId: order.id, createdAt: order.createdAt, itemIndex: 1, product: product('2'), orderItem: order.items[1] });
    expect(values.map((v) => v.itemIndex)).toEqual([0, 1, 2]);
  });

  it('asks for the version valid at the order time', () => {
    const asked: [string, number][] = [];
    joinOrder(order, (id, time) => (asked.push([id, time]), undefined), { partition: 0, offset: '1' }, now);
    expect(asked).toEqual(order.items.map((i) => [i.productId, Date.parse(order.createdAt)]));
  });

  it('parks items whose product is unknown at that time, with their source and index', () => {
    const { enriched, waiting } = joinOrder(order, known('1'), { partition: 1, offset: '7' }, now);
    expect(enriched.map((e) => (JSON.parse(e.value) as { product: Product }).product.id)).toEqual(['1']);
    expect(waiting).toEqual([
      { orderId: order.id, createdAt: order.createdAt, itemIndex: 1, orderItem: order.items[1], sourcePartition: 1, sourceOffset: '7', waitingSince: now.toISOString() },
      { orderId: order.id, createdAt: order.createdAt, itemIndex: 2, orderItem: order.items[2], sourcePartition: 1, sourceOffset: '7', waitingSince: now.toISOString() },
    ]);
    const released = enrichWaitingItem(waiting[0]!, version(product('2', 'late')));
    expect(released.key).toBe(order.id);
    expect(enrichedOrderItemSchema.parse(JSON.parse(released.value))).toEqual({
      orderId: order.id,
      createdAt: order.createdAt,
      itemIndex: 1,
      product: product('2', 'late'),
      orderItem: order.items[1],
    });
  });
});
