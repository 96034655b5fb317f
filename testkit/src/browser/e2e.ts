// Support for the dashboard's browser tests: the Chromium to drive, where screenshots go, and seeded
// synthetic orders.
import { join } from 'node:path';
import type { Product } from '@pizzashop/common';
import { buildOrder, type SyntheticOrder } from '../synthetic-orders.js';
import { repoRoot } from '../services.js';
import { isExecutableFile } from '@pizzashop/local-stack';
import { chromiumPath, DEBIAN_PACKAGE } from './chromium.js';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/**
 * The browser to drive. `npm test` installs it before the test runner starts (scripts/ensure-test-deps.ts):
 * a test worker never runs an installer, it fails at once with the fix.
 */
export function chromiumExecutable(): string {
  const path = chromiumPath();
  if (!isExecutableFile(path)) {
    throw new Error(
      `dashboard e2e: no Chromium at ${path}. Fix: npx tsx scripts/ensure-test-deps.ts (installs Debian's "${DEBIAN_PACKAGE}" package; npm test runs it first), or set CHROMIUM_PATH`,
    );
  }
  return path;
}

/**
 * Where the screenshots go: a gitignored folder, so a test run never rewrites committed files;
 * UPDATE_SCREENSHOTS=1 refreshes the ones in docs/ that the READMEs show.
 */
export function screenshotDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.UPDATE_SCREENSHOTS === '1' ? join(repoRoot, 'docs') : join(repoRoot, '.test-output', 'screenshots');
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
