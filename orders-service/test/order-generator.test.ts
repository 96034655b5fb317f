import { orderSchema } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { generateOrder, MAX_ITEMS, MAX_QUANTITY } from '../src/order-generator.js';

/** Deterministic [0,1) source (mulberry32). */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const catalogue = {
  customers: [
    { id: 1, lat: 12.97, lon: 77.59 },
    { id: 2, lat: 13.02, lon: 77.55 },
  ],
  products: Array.from({ length: 20 }, (_, i) => ({ id: String(i + 1), price: 100 + i * 10 })),
};
const now = new Date('2026-11-25T13:37:00.123Z');
const id = '0b6f3c1e-8a47-4c1d-9d6a-2f8e5b7c9a10';

describe('generateOrder', () => {
  it('produces contract-valid orders within the item and quantity bounds', () => {
    const random = seeded(42);
    const itemCounts = new Set<number>();
    for (let n = 0; n < 500; n++) {
      const order = generateOrder(catalogue, random, now, id);
      expect(orderSchema.parse(order)).toEqual(order);
      expect(order.items.length).toBeGreaterThanOrEqual(1);
      expect(order.items.length).toBeLessThanOrEqual(MAX_ITEMS);
      itemCounts.add(order.items.length);
      expect(new Set(order.items.map((i) => i.productId)).size).toBe(order.items.length);
      for (const item of order.items) {
        expect(item.quantity).toBeGreaterThanOrEqual(1);
        expect(item.quantity).toBeLessThanOrEqual(MAX_QUANTITY);
        expect(item.price).toBe(catalogue.products.find((p) => p.id === item.productId)!.price);
      }
      const customer = catalogue.customers.find((c) => c.id === order.userId)!;
      expect([order.deliveryLat, order.deliveryLon]).toEqual([customer.lat, customer.lon]);
    }
    expect([...itemCounts].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('uses the given time in toISOString form', () => {
    expect(generateOrder(catalogue, seeded(1), now, id).createdAt).toBe('2026-11-25T13:37:00.123Z');
  });

  it('never orders more distinct products than the catalogue has', () => {
    const small = { ...catalogue, products: catalogue.products.slice(0, 2) };
    const random = seeded(7);
    for (let n = 0; n < 200; n++) expect(generateOrder(small, random, now, id).items.length).toBeLessThanOrEqual(2);
  });

  it('explains an empty catalogue', () => {
    expect(() => generateOrder({ customers: [], products: [] }, Math.random, now, id)).toThrow(/no customers or no products/);
  });
});
