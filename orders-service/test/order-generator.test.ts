// Tests the simulator's order path: generated requests are valid POST /orders input within the bounds,
// priced from the catalogue.
import { orderInputSchema, orderSchema } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import type { CatalogueSnapshot } from '../src/catalogue-store.js';
import { generateOrderRequest, SIMULATOR_BOUNDS } from '../src/order-generator.js';
import { priceOrder } from '../src/pricing.js';
import { simulatorBounds } from '../src/simulator.js';
import { SERVICE_AREA } from './ingest-app.js';

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
const snapshot: CatalogueSnapshot = {
  products: new Map(catalogue.products.map((p) => [p.id, p])),
  customers: new Map(catalogue.customers.map((c) => [c.id, c])),
  loadedAt: new Date(),
};
const createdAt = '2026-11-25T13:37:00.123Z';
const id = '0b6f3c1e-8a47-4c1d-9d6a-2f8e5b7c9a10';

describe('generateOrderRequest + priceOrder (the simulator path)', () => {
  it('asks for what a client would (no prices, valid POST /orders input) and is priced from the catalogue', () => {
    const random = seeded(42);
    const itemCounts = new Set<number>();
    for (let n = 0; n < 500; n++) {
      const request = generateOrderRequest(catalogue, random);
      expect(orderInputSchema.parse(request)).toEqual(request);
      expect(request.items.every((i) => i.price === undefined)).toBe(true);
      const priced = priceOrder(request, snapshot, SERVICE_AREA, id, createdAt);
      if (!priced.ok) throw new Error(JSON.stringify(priced.problems));
      const order = priced.order;
      expect(orderSchema.parse(order)).toEqual(order);
      expect(order.items.length).toBeLessThanOrEqual(SIMULATOR_BOUNDS.maxItems);
      itemCounts.add(order.items.length);
      expect(new Set(order.items.map((i) => i.productId)).size).toBe(order.items.length);
      for (const item of order.items) {
        expect(item.quantity).toBeGreaterThanOrEqual(1);
        expect(item.quantity).toBeLessThanOrEqual(SIMULATOR_BOUNDS.maxQuantity);
        expect(item.price).toBe(catalogue.products.find((p) => p.id === item.productId)!.price);
      }
      const customer = catalogue.customers.find((c) => c.id === order.userId)!;
      expect([order.deliveryLat, order.deliveryLon]).toEqual([customer.lat, customer.lon]);
    }
    expect([...itemCounts].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('stays within tighter ingest bounds', () => {
    const bounds = simulatorBounds({ maxItems: 3, maxQuantity: 2 });
    const random = seeded(3);
    for (let n = 0; n < 200; n++) {
      const request = generateOrderRequest(catalogue, random, bounds);
      expect(request.items.length).toBeLessThanOrEqual(3);
      expect(Math.max(...request.items.map((i) => i.quantity))).toBeLessThanOrEqual(2);
    }
  });

  it('never orders more distinct products than the catalogue has', () => {
    const small = { ...catalogue, products: catalogue.products.slice(0, 2) };
    const random = seeded(7);
    for (let n = 0; n < 200; n++) expect(generateOrderRequest(small, random).items.length).toBeLessThanOrEqual(2);
  });

  it('explains an empty catalogue', () => {
    expect(() => generateOrderRequest({ customers: [], products: [] }, Math.random)).toThrow(/no customers in the service area or no products/);
  });
});
