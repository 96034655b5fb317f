// Unit tests of joinOrder: items joined with known products, unknown ones left waiting, and each
// line's firstOfCategory.
import { enrichedOrderItemSchema, type Order, type Product } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { enrichWaitingItem, joinOrder, type ProductAt } from '../src/join.js';
import { waitingItemSchema, type WaitingItem } from '../src/waiting-item.js';
import { order, version } from './fixtures.js';

const product = (id: string, name = `Product ${id}`, category = 'c'): Product => ({
  id,
  name,
  description: 'd "quoted"',
  category,
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
    expect(values[1]).toEqual({ orderId: order.id, createdAt: order.createdAt, itemIndex: 1, product: product('2'), orderItem: order.items[1], firstOfCategory: 0 });
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
    const source = { sourcePartition: 1, sourceOffset: '7', waitingSince: now.toISOString() };
    expect(waiting).toEqual([
      { orderId: order.id, createdAt: order.createdAt, itemIndex: 1, orderItem: order.items[1], earlierProductIds: ['1'], laterKnownProductIds: [], ...source },
      { orderId: order.id, createdAt: order.createdAt, itemIndex: 2, orderItem: order.items[2], earlierProductIds: ['1', '2'], laterKnownProductIds: [], ...source },
    ]);
    const released = enrichWaitingItem(waiting[0]!, version(product('2', 'late')), known('1'));
    expect(released.key).toBe(order.id);
    expect(enrichedOrderItemSchema.parse(JSON.parse(released.value))).toEqual({
      orderId: order.id,
      createdAt: order.createdAt,
      itemIndex: 1,
      product: product('2', 'late'),
      orderItem: order.items[1],
      firstOfCategory: 0,
    });
  });

  it('writes the enriched record as one JSON object with firstOfCategory last', () => {
    const { enriched } = joinOrder({ ...order, items: [order.items[0]!], price: 202 }, known('1'), { partition: 1, offset: '7' }, now);
    expect(enriched.map((e) => e.value)).toEqual([
      `{"orderId":"${order.id}","createdAt":"${order.createdAt}","itemIndex":0,"product":${JSON.stringify(product('1'))},` +
        `"orderItem":{"productId":"1","quantity":2,"price":101},"firstOfCategory":1}`,
    ]);
  });
});

describe('firstOfCategory', () => {
  const categories = { p1: 'pizza', d1: 'drink', p2: 'pizza', s1: 'side', d2: 'drink' };
  const catalogue = new Map(Object.entries(categories).map(([id, category]) => [id, version(product(id, id, category))]));
  const knownOnly = (...ids: string[]): ProductAt => (id) => (ids.includes(id) ? catalogue.get(id) : undefined);
  const ids = Object.keys(categories);
  const mixed: Order = { ...order, items: ids.map((productId) => ({ productId, quantity: 1, price: 1 })), price: ids.length };
  const flags = (records: { value: string }[]) => records.map((r) => enrichedOrderItemSchema.parse(JSON.parse(r.value)).firstOfCategory);
  const source = { partition: 0, offset: '3' };

  it('is 1 on the first line of each category and 0 on the others', () => {
    expect(flags(joinOrder(mixed, knownOnly(...ids), source, now).enriched)).toEqual([1, 1, 0, 1, 0]);
  });

  it('is 0 on a released line when a known line of the order shares its category, earlier or later, and 1 otherwise', () => {
    const { enriched, waiting } = joinOrder(mixed, knownOnly('d1', 'p2'), source, now);
    expect(flags(enriched)).toEqual([1, 1]);
    expect(waiting.map((w) => [w.itemIndex, w.earlierProductIds, w.laterKnownProductIds])).toEqual([
      [0, [], ['d1', 'p2']],
      [3, ['p1', 'd1', 'p2'], []],
      [4, ['p1', 'd1', 'p2', 's1'], []],
    ]);
    const all = knownOnly(...ids);
    expect(flags(waiting.map((w) => enrichWaitingItem(w, all(w.orderItem.productId, 0)!, all)))).toEqual([0, 1, 0]);
  });

  it('is 0 on a waiting line once an earlier waiting line of its category is known; 1 on both when the later is released first (the known limit)', () => {
    const [p1, p2] = joinOrder(mixed, knownOnly('d1', 's1', 'd2'), source, now).waiting as [WaitingItem, WaitingItem];
    const release = (item: WaitingItem, productAt: ProductAt) => flags([enrichWaitingItem(item, productAt(item.orderItem.productId, 0)!, productAt)])[0];
    expect([release(p1, knownOnly(...ids)), release(p2, knownOnly(...ids))]).toEqual([1, 0]);
    expect([release(p2, knownOnly('p2', 'd1', 's1', 'd2')), release(p1, knownOnly(...ids))]).toEqual([1, 1]);
  });

  it('parses a waiting item stored before the lines were recorded, as having none (released with 1)', () => {
    const { earlierProductIds: _e, laterKnownProductIds: _l, ...old } = joinOrder(mixed, knownOnly(), source, now).waiting[2]!;
    const parsed = waitingItemSchema.parse(JSON.parse(JSON.stringify(old)));
    expect([parsed.earlierProductIds, parsed.laterKnownProductIds]).toEqual([[], []]);
    expect(flags([enrichWaitingItem(parsed, catalogue.get('p2')!, knownOnly(...ids))])).toEqual([1]);
  });
});
