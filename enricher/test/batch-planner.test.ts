// Unit tests of the batch planner: planOrders, planRelease and outputMessages.
import { deadLetterSchema, enrichedOrderItemSchema, type Product } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_KEY, parseCheckpoint } from '../src/checkpoint.js';
import { outputMessages, planOrders, planRelease, REASON_BUFFER_FULL, REASON_UNKNOWN_PRODUCT, type OrdersBatch } from '../src/batch-planner.js';
import type { ProductAt } from '../src/join.js';
import { REASON_MALFORMED_JSON, REASON_SCHEMA_INVALID } from '../src/order-decoder.js';
import { ProductsHistory } from '../src/products-history.js';
import { waitingItemSchema } from '../src/waiting-item.js';
import { WaitingItems } from '../src/waiting-items.js';
import { eventAt, json, key, order, row } from './fixtures.js';

const now = new Date('2026-11-25T13:40:00.000Z');
const topics = { enriched: 'items', deadLetters: 'dl', waiting: 'wait' };

function history(): ProductsHistory {
  const h = new ProductsHistory(7 * 24 * 3600 * 1000);
  h.applyChange(key(1), eventAt('r', null, row(1, { price: 10 }), Date.parse('2026-11-20T00:00:00.000Z')));
  h.applyChange(key(2), eventAt('r', null, row(2, { price: 20 }), Date.parse('2026-11-20T00:00:00.000Z')));
  // product 2 got dearer after the order was placed (13:37:00.123)
  h.applyChange(key(2), eventAt('u', row(2), row(2, { price: 25 }), Date.parse('2026-11-25T13:38:00.000Z')));
  return h;
}
const at = (h: ProductsHistory): ProductAt => (id, time) => h.at(id, time);

function batch(values: (Buffer | null)[], firstOffset = 10, partition = 1): OrdersBatch {
  const messages = values.map((value, i) => ({ offset: String(firstOffset + i), key: null, value }));
  return { topic: 'orders', partition, messages, lastOffset: String(firstOffset + values.length - 1) };
}
const ctx = (overrides: Partial<Parameters<typeof planOrders>[1]> = {}) => ({
  productAt: at(history()),
  from: 0n,
  waitingRoom: 100,
  maxWaitingItems: 100,
  now,
  ...overrides,
});

describe('planOrders', () => {
  it('joins each item with the product version valid when the order was placed, parks the unknown, commits after the batch', () => {
    const plan = planOrders(batch([json(order)]), ctx());
    expect(plan.ordersIn).toBe(1);
    expect(plan.next).toBe(11n);
    const items = plan.enriched.map((e) => enrichedOrderItemSchema.parse(JSON.parse(e.value)));
    expect(items.map((i) => [i.itemIndex, i.product.id, i.product.price])).toEqual([
      [0, '1', 10],
      [1, '2', 20],
    ]);
    expect(plan.parked.map((w) => [w.itemIndex, w.orderItem.productId, w.sourcePartition, w.sourceOffset])).toEqual([[2, '99', 1, '10']]);
    expect(plan.deadLetters).toEqual([]);
  });

  it('gives the same records when the same batch is replayed later (the join depends on the order, not on now)', () => {
    const h = history();
    const first = planOrders(batch([json(order)]), ctx({ productAt: at(h) }));
    h.applyChange(key(1), eventAt('u', row(1), row(1, { price: 99 }), Date.parse('2026-11-25T15:00:00.000Z')));
    const replay = planOrders(batch([json(order)]), ctx({ productAt: at(h), now: new Date('2026-11-26T00:00:00.000Z') }));
    expect(replay.enriched).toEqual(first.enriched);
  });

  it('dead-letters malformed and invalid orders with their source, and goes on', () => {
    const plan = planOrders(batch([Buffer.from('{'), json({ ...order, userId: 'x' }), null, json(order)]), ctx());
    expect(plan.deadLetters.map((d) => [d.reason, d.offset])).toEqual([
      [REASON_MALFORMED_JSON, '10'],
      [REASON_SCHEMA_INVALID, '11'],
      [REASON_SCHEMA_INVALID, '12'],
    ]);
    expect(plan.ordersIn).toBe(1);
    expect(plan.enriched).toHaveLength(2);
    expect(plan.next).toBe(14n);
  });

  it('skips orders below the committed position', () => {
    const plan = planOrders(batch([json(order), json(order), json(order)]), ctx({ from: 12n }));
    expect(plan.skipped).toBe(2);
    expect(plan.ordersIn).toBe(1);
    expect(plan.next).toBe(13n);
    const all = planOrders(batch([json(order)]), ctx({ from: 50n }));
    expect([all.skipped, all.ordersIn, all.next]).toEqual([1, 0, 50n]);
  });

  it('commits past control records that end the batch', () => {
    const b = { ...batch([json(order)]), lastOffset: '12' };
    expect(planOrders(b, ctx()).next).toBe(13n);
  });

  it('dead-letters unknown items at once when the waiting buffer is full', () => {
    const plan = planOrders(batch([json(order), json(order)]), ctx({ waitingRoom: 1 }));
    expect(plan.parked).toHaveLength(1);
    expect(plan.deadLetters.map((d) => d.reason)).toEqual([REASON_BUFFER_FULL]);
  });
});

describe('planRelease', () => {
  it('enriches items whose product arrived (as of their order time) and dead-letters expired ones, tombstoning both', () => {
    const parked = planOrders(batch([json(order)]), ctx()).parked;
    const expired = { ...parked[0]!, itemIndex: 7, waitingSince: '2026-11-25T13:00:00.000Z' };
    const buffer = new WaitingItems();
    buffer.add([...parked, expired]);
    const h = history();
    const product99: Product = { id: '99', name: 'Late', description: 'd', category: 'c', image: 'i', price: 9 };
    h.applyChange(key(99), eventAt('c', null, { ...row(99), ...product99, id: 99 }, Date.parse('2026-11-25T13:39:00.000Z')));
    const releasable = buffer.releasable(1, at(h), now, 60_000, 100);
    expect(releasable.ready).toHaveLength(2);
    const onlyExpired = buffer.releasable(1, () => undefined, now, 60_000, 100);
    const output = planRelease(onlyExpired, { productAt: at(h), sourceTopic: 'orders', timeoutMs: 60_000, now });
    expect(output.deadLetters.map((d) => [d.reason, d.offset])).toEqual([[REASON_UNKNOWN_PRODUCT, '10']]);
    expect(output.released).toEqual([expired]);
    const released = planRelease(releasable, { productAt: at(h), sourceTopic: 'orders', timeoutMs: 60_000, now });
    const items = released.enriched.map((e) => enrichedOrderItemSchema.parse(JSON.parse(e.value)));
    expect(items.map((i) => [i.product.price, i.firstOfCategory])).toEqual([
      [9, 1],
      [9, 1],
    ]);
  });
});

describe('outputMessages', () => {
  it('puts each kind on its topic: contract-valid dead letters, waiting items in their order\'s partition, tombstones for released ones', () => {
    const plan = planOrders(batch([Buffer.from('{'), json(order)]), ctx());
    const messages = outputMessages({ ...plan, released: plan.parked }, topics, 1_000_000);
    expect(messages.map((m) => [m.topic, m.messages.length])).toEqual([
      ['items', 2],
      ['dl', 1],
      ['wait', 2],
    ]);
    expect(deadLetterSchema.parse(JSON.parse(String(messages[1]!.messages[0]!.value)))).toMatchObject({ reason: REASON_MALFORMED_JSON });
    const [park, tombstone] = messages[2]!.messages;
    expect(waitingItemSchema.parse(JSON.parse(String(park!.value)))).toEqual(plan.parked[0]);
    expect([park!.partition, tombstone!.partition, tombstone!.value, tombstone!.key]).toEqual([1, 1, null, park!.key]);
  });

  it("writes a batch's checkpoint to the waiting topic's partition of its orders partition, and a release none", () => {
    const plan = planOrders(batch([json(order)]), ctx());
    const waiting = outputMessages(plan, topics, 1_000_000, { partition: 1, offset: 11n }).find((m) => m.topic === 'wait')!.messages;
    const checkpoint = waiting.at(-1)!;
    expect([checkpoint.key, checkpoint.partition, parseCheckpoint(Buffer.from(String(checkpoint.value)))]).toEqual([CHECKPOINT_KEY, 1, 11n]);
    expect(outputMessages(plan, topics, 1_000_000).flatMap((m) => m.messages).some((m) => m.key === CHECKPOINT_KEY)).toBe(false);
  });

  it('shrinks a dead letter to what the dead-letter topic accepts', () => {
    const big = Buffer.from(`{"x":"${'a'.repeat(5000)}`);
    const plan = planOrders(batch([big]), ctx());
    const [dl] = outputMessages(plan, topics, 2000).find((m) => m.topic === 'dl')!.messages;
    expect(Buffer.byteLength(String(dl!.value))).toBeLessThanOrEqual(2000);
  });
});
