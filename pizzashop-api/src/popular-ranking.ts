// Popular's answer from the rows of its Pinot statements: sums per product and per category, ranked.
import type { Popular } from '@pizzashop/common/api-contracts';

/** One product's counts in one part of the window. `categoryOrders`: orders counted for its category there. */
export interface ProductCounts {
  product: string;
  image: string;
  category: string;
  orders: number;
  quantity: number;
  categoryOrders: number;
}

type Ranked = { orders: number; quantity: number };

/** Most orders first, then most units, then by name: the order the SQL's ORDER BY used to give. */
function byPopularity<T extends Ranked>(name: (row: T) => string): (a: T, b: T) => number {
  return (a, b) => b.orders - a.orders || b.quantity - a.quantity || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0);
}

/**
 * Adds up the parts of the window per product (product, image and category together, as Pinot
 * groups them) and per category, and keeps the `limit` most popular of each.
 */
export function rankPopular(products: ProductCounts[], limit: number): Popular {
  const items = new Map<string, Popular['items'][number]>();
  const categories = new Map<string, Popular['categories'][number]>();
  for (const row of products) {
    const key = JSON.stringify([row.product, row.image, row.category]);
    const item = items.get(key) ?? { product: row.product, image: row.image, category: row.category, orders: 0, quantity: 0 };
    item.orders += row.orders;
    item.quantity += row.quantity;
    items.set(key, item);
    const totals = categories.get(row.category) ?? { category: row.category, orders: 0, quantity: 0 };
    totals.orders += row.categoryOrders;
    totals.quantity += row.quantity;
    categories.set(row.category, totals);
  }
  return {
    items: [...items.values()].sort(byPopularity((i) => i.product)).slice(0, limit),
    categories: [...categories.values()].sort(byPopularity((c) => c.category)).slice(0, limit),
  };
}
