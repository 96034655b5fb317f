// Unit tests of the hand-written order check (canonicalOrder): it must agree with the zod schema.
import { describe, expect, it } from 'vitest';
import { canonicalOrder, orderSchema, type Order } from '../src/index.js';

const order: Order = {
  id: '0b6f3c1e-8a47-4c1d-9d6a-2f8e5b7c9a10',
  createdAt: '2026-11-25T13:37:00.123Z',
  userId: 416,
  status: 'PLACED_ORDER',
  price: 2 * 101 + 3 * 102 + 1 * 999,
  items: [
    { productId: '1', quantity: 2, price: 101 },
    { productId: '2', quantity: 3, price: 102 },
    { productId: '99', quantity: 1, price: 999 },
  ],
  deliveryLat: 12.98,
  deliveryLon: 77.71,
};

/** Variations around a valid order: the hand-written check must agree with zod wherever it decides. */
function variants(): unknown[] {
  const base = order as unknown as Record<string, unknown>;
  const item0 = order.items[0]!;
  const withItem = (patch: Record<string, unknown>) => ({ ...base, items: [{ ...item0, ...patch }, ...order.items.slice(1)] });
  return [
    base,
    { ...base, extra: { nested: true } },
    { ...base, id: base.id!.toString().toUpperCase() },
    { ...base, id: 'not-a-uuid' },
    { ...base, id: 7 },
    { ...base, createdAt: '2026-11-25T13:37:00Z' },
    { ...base, createdAt: '2026-02-30T13:37:00.123Z' },
    { ...base, createdAt: '2026-11-25 13:37:00.123Z' },
    { ...base, createdAt: '2026-11-25T13:37:00.123+00:00' },
    { ...base, userId: -1 },
    { ...base, userId: 1.5 },
    { ...base, userId: 2 ** 60 },
    { ...base, status: '' },
    { ...base, status: undefined },
    { ...base, status: 3 },
    { ...base, price: -0.01 },
    { ...base, price: (base.price as number) + 0.004 },
    { ...base, price: (base.price as number) + 0.006 },
    { ...base, price: '1' },
    { ...base, items: [] },
    { ...base, items: 'x' },
    { ...base, items: [null] },
    withItem({ productId: ' 1' }),
    withItem({ productId: '' }),
    withItem({ productId: 1 }),
    withItem({ productId: -1 }),
    withItem({ quantity: 0 }),
    withItem({ quantity: 1.5 }),
    withItem({ price: -1 }),
    withItem({ extra: 1 }),
    { ...base, deliveryLat: 90.0001 },
    { ...base, deliveryLat: -90 },
    { ...base, deliveryLon: 180 },
    { ...base, deliveryLon: -180.5 },
    { ...base, deliveryLon: undefined },
    null,
    [],
    'order',
  ];
}

describe('canonicalOrder', () => {
  it('returns exactly what orderSchema returns, and never accepts what it refuses', () => {
    let decided = 0;
    for (const v of variants()) {
      const wire = v === undefined ? v : (JSON.parse(JSON.stringify(v)) as unknown);
      const fast = canonicalOrder(wire);
      const zod = orderSchema.safeParse(wire);
      if (fast === undefined) continue;
      decided++;
      expect(zod.success, JSON.stringify(v)).toBe(true);
      expect(fast).toEqual(zod.data);
    }
    expect(decided).toBeGreaterThan(5);
  });
});
