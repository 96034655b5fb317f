import { sql, sqlList, type PinotClient } from '@pizzashop/common';
import type { PlacedOrder } from './workload.js';

export interface PinotCounts {
  /** Distinct acknowledged orders found in `orders`. */
  orders: number;
  /** Rows in `orders` beyond the first per order id. */
  orderDuplicates: number;
  /** Acknowledged (order, product) items expected in `order_items_enriched`. */
  itemsExpected: number;
  /** Distinct expected items found. */
  items: number;
  /** Rows in `order_items_enriched` beyond the first per (order, product). */
  itemDuplicates: number;
}

const CHUNK = 300;

/**
 * What Pinot holds of the given orders: per order id in `orders` and per (order id, product id) in
 * `order_items_enriched` (the workload never repeats a product within an order), queried by id.
 */
export async function pinotCounts(pinot: PinotClient, placed: readonly PlacedOrder[]): Promise<PinotCounts> {
  const counts: PinotCounts = { orders: 0, orderDuplicates: 0, itemsExpected: 0, items: 0, itemDuplicates: 0 };
  for (let i = 0; i < placed.length; i += CHUNK) {
    const chunk = placed.slice(i, i + CHUNK);
    const ids = sqlList(chunk.map((o) => o.id));
    const expectedItems = new Set(chunk.flatMap((o) => o.items.map((item) => `${o.id}/${item.productId}`)));
    counts.itemsExpected += expectedItems.size;
    const orders = await pinot.query(sql`SELECT id, COUNT(*) FROM orders WHERE id IN ${ids} GROUP BY id LIMIT 100000`, { name: 'drill-orders' });
    for (const [, n] of orders.rows) {
      counts.orders++;
      counts.orderDuplicates += Number(n) - 1;
    }
    const items = await pinot.query(
      sql`SELECT orderId, productId, COUNT(*) FROM order_items_enriched WHERE orderId IN ${ids} GROUP BY orderId, productId LIMIT 100000`,
      { name: 'drill-items' },
    );
    for (const [orderId, productId, n] of items.rows) {
      if (!expectedItems.has(`${String(orderId)}/${String(productId)}`)) continue;
      counts.items++;
      counts.itemDuplicates += Number(n) - 1;
    }
  }
  return counts;
}

/** Every order and every item present (duplicates are judged separately). */
export function allPresent(c: PinotCounts, ordersExpected: number): boolean {
  return c.orders === ordersExpected && c.items === c.itemsExpected;
}
