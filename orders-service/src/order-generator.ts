import { orderTotal, type Order, type OrderItem } from '@pizzashop/common';
import type { CatalogueProduct, Customer } from './catalogue.js';

export interface Catalogue {
  customers: readonly Customer[];
  products: readonly CatalogueProduct[];
}

export const MAX_ITEMS = 10;
export const MAX_QUANTITY = 5;

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
 * A simulated order: a random customer, 1-10 distinct catalogue products, quantity 1-5 each,
 * item price from the catalogue, order price the sum, delivery to the customer's coordinates.
 */
export function generateOrder(catalogue: Catalogue, random: () => number, now: Date, id: string): Order {
  if (catalogue.customers.length === 0 || catalogue.products.length === 0) {
    throw new Error('cannot simulate orders: the catalogue has no customers or no products (check the users and products tables)');
  }
  const customer = catalogue.customers[randomInt(random, 0, catalogue.customers.length - 1)]!;
  const items: OrderItem[] = sample(catalogue.products, randomInt(random, 1, MAX_ITEMS), random).map((p) => ({
    productId: p.id,
    quantity: randomInt(random, 1, MAX_QUANTITY),
    price: p.price,
  }));
  return {
    id,
    createdAt: now.toISOString(),
    userId: customer.id,
    status: 'PLACED_ORDER',
    price: orderTotal(items),
    items,
    deliveryLat: customer.lat,
    deliveryLon: customer.lon,
  };
}
