import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Product } from '@pizzashop/common';
import { buildOrder, type SyntheticOrder } from '../../pizzashop-api/bench/synthetic-orders.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Debian's chromium, installed with apt-get when missing (needs root and the Debian mirrors; takes minutes). */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  console.error(`[dashboard e2e] ${CHROMIUM} missing: apt-get install chromium`);
  execSync('apt-get update && apt-get install -y chromium', {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 20 * 60_000,
  });
  if (!existsSync(CHROMIUM)) throw new Error(`dashboard e2e: apt-get finished but ${CHROMIUM} is still missing; install Debian's "chromium" package by hand`);
}

/** Catalogue products (ids, names, categories, prices and image paths of docker/mysql/init/10-products.sql): six categories. */
const product = (id: string, name: string, category: string, price: number): Product => ({
  id,
  name,
  description: 'dashboard e2e',
  category,
  image: `/images/products/${id}.jpg`,
  price,
});
export const PRODUCTS: Product[] = [
  product('1', 'Margherita', 'pizzas-veg', 239),
  product('16', 'Chicken Dominator', 'pizzas-non-veg', 599),
  product('61', 'Cold Coffee', 'beverages', 149),
  product('46', 'Spaghetti Bolognese', 'pasta', 319),
  product('31', 'Potato Wedges', 'sides', 99),
  product('73', 'Tiramisu Cup', 'desserts', 199),
  product('15', 'Pepperoni', 'pizzas-non-veg', 449),
  product('2', 'Farmhouse', 'pizzas-veg', 399),
  product('60', 'Iced Tea Peach', 'beverages', 99),
  product('72', 'Gulab Jamun', 'desserts', 79),
];
/** Relative popularity of PRODUCTS, so the top 5 is a clear ranking. */
const WEIGHTS = [10, 8, 7, 6, 5, 4, 3, 3, 2, 2];

/** Small deterministic PRNG (mulberry32), so a failing run can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(random: () => number): Product {
  const total = WEIGHTS.reduce((a, b) => a + b, 0);
  let r = random() * total;
  for (let i = 0; i < PRODUCTS.length; i++) {
    r -= WEIGHTS[i]!;
    if (r < 0) return PRODUCTS[i]!;
  }
  return PRODUCTS[0]!;
}

/** One order of 1-3 distinct products, 1-3 of each, placed at `at`. */
export function randomOrder(random: () => number, at: number, userId: number): SyntheticOrder {
  const lines = new Map<string, { product: Product; quantity: number }>();
  const count = 1 + Math.floor(random() * 3);
  while (lines.size < count) {
    const p = pick(random);
    lines.set(p.id, { product: p, quantity: 1 + Math.floor(random() * 3) });
  }
  return buildOrder(crypto.randomUUID(), at, userId, [...lines.values()]);
}

/** `count` orders spread evenly over [from, to), with a little jitter. */
export function ordersBetween(random: () => number, from: number, to: number, count: number): SyntheticOrder[] {
  const step = (to - from) / count;
  return Array.from({ length: count }, (_, i) => randomOrder(random, Math.floor(from + i * step + random() * step * 0.8), 1 + Math.floor(random() * 1000)));
}
