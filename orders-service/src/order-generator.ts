// Generates the simulator's order requests from the catalogue: random customer, products and
// quantities within the ingest bounds.
import type { ValidOrderInput } from '@pizzashop/common';
import type { CatalogueProduct, Customer } from './catalogue.js';

/** What the simulator orders from: the catalogue's products and the customers it delivers to. */
export interface Catalogue {
  customers: readonly Customer[];
  products: readonly CatalogueProduct[];
}

export interface GeneratorBounds {
  /** Most distinct products per order. */
  maxItems: number;
  /** Most units per item. */
  maxQuantity: number;
}

/** The simulator's shape of orders, within any ingest rules at least this generous. */
export const SIMULATOR_BOUNDS: GeneratorBounds = { maxItems: 10, maxQuantity: 5 };

/** A random integer in [min, max] from a [0,1) random source. */
function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** `count` distinct elements (all of them if fewer), by a partial Fisher-Yates shuffle. */
function sample<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = randomInt(random, i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}

/**
 * `count` distinct products drawn with probability proportional to `weight` (Efraimidis-Spirakis:
 * the largest keys u^(1/w)); a product of weight 0 is never drawn.
 */
function weightedSample(items: readonly CatalogueProduct[], count: number, random: () => number, weight: (p: CatalogueProduct) => number): CatalogueProduct[] {
  return items
    .map((item) => ({ item, key: weight(item) > 0 ? Math.pow(random(), 1 / weight(item)) : -1 }))
    .filter((k) => k.key >= 0)
    .sort((a, b) => b.key - a.key)
    .slice(0, count)
    .map((k) => k.item);
}

/**
 * What a simulated customer asks for, like a client of POST /orders: a random customer, 1 to
 * `maxItems` distinct catalogue products, 1 to `maxQuantity` units each, delivered to the
 * customer's coordinates. No prices: the order is priced by `priceOrder`, as HTTP orders are.
 * With `weight`, products are drawn in proportion to it (the time-of-day mix of categories).
 */
export function generateOrderRequest(
  catalogue: Catalogue,
  random: () => number,
  bounds: GeneratorBounds = SIMULATOR_BOUNDS,
  weight?: (product: CatalogueProduct) => number,
): ValidOrderInput {
  if (catalogue.customers.length === 0 || catalogue.products.length === 0) {
    throw new Error('cannot simulate orders: the catalogue has no customers in the service area or no products (check the users and products tables and ORDERS_SERVICE_AREA)');
  }
  const customer = catalogue.customers[randomInt(random, 0, catalogue.customers.length - 1)]!;
  const count = randomInt(random, 1, bounds.maxItems);
  const products = weight ? weightedSample(catalogue.products, count, random, weight) : sample(catalogue.products, count, random);
  const items = products.map((p) => ({
    productId: p.id,
    quantity: randomInt(random, 1, bounds.maxQuantity),
  }));
  return { userId: customer.id, status: 'PLACED_ORDER', items, deliveryLat: customer.lat, deliveryLon: customer.lon };
}
