// Shared enricher test fixtures: product rows, Debezium change events and a sample order.
import type { Order, Product } from '@pizzashop/common';
import type { KnownVersion } from '../src/products-history.js';

export const row = (id: number, overrides: Record<string, unknown> = {}) => ({
  id,
  name: `Product ${id}`,
  description: `Description ${id}`,
  category: 'pizzas-veg',
  price: 100 + id,
  image: `/images/products/${id}.jpg`,
  created_at: '2026-11-25T13:37:00Z',
  updated_at: '2026-11-25T13:37:00Z',
  ...overrides,
});

export const json = (value: unknown) => Buffer.from(JSON.stringify(value));
export const key = (id: number) => json({ id });
export const event = (op: 'c' | 'u' | 'd' | 'r', before: unknown, after: unknown) =>
  json({ before, after, op, source: { db: 'pizzashop', table: 'products' }, ts_ms: 1 });

export const order: Order = {
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

/** A product version valid from the beginning (what most join tests need). */
export const version = (product: Product, validFrom = 0): KnownVersion => ({ validFrom, product, json: JSON.stringify(product) });

/** A Debezium change event whose source.ts_ms is `ts` (ms). */
export const eventAt = (op: 'c' | 'u' | 'd' | 'r', before: unknown, after: unknown, ts: number) =>
  json({ before, after, op, source: { db: 'pizzashop', table: 'products', ts_ms: ts }, ts_ms: ts + 5 });
