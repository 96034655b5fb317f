// Counts acknowledged orders and items found in Pinot, and their duplicates, for the drills.
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

/** Rows per order id and per item key (`orderId/productId`) of the placed orders only. */
export interface PinotRows {
  orders: Map<string, number>;
  items: Map<string, number>;
}

const CHUNK = 300;

export const itemKey = (orderId: string, productId: string) => `${orderId}/${productId}`;

/** The (order, product) keys the placed orders must produce (the workload never repeats a product within an order). */
export function expectedItemKeys(placed: readonly PlacedOrder[]): Set<string> {
  return new Set(placed.flatMap((o) => o.items.map((item) => itemKey(o.id, item.productId))));
}

/** What Pinot holds of the given orders, row counts per order id and per (order, product), queried by id. */
export async function pinotRows(pinot: PinotClient, placed: readonly PlacedOrder[]): Promise<PinotRows> {
  const rows: PinotRows = { orders: new Map(), items: new Map() };
  for (let i = 0; i < placed.length; i += CHUNK) {
    const chunk = placed.slice(i, i + CHUNK);
    const ids = sqlList(chunk.map((o) => o.id));
    const expected = expectedItemKeys(chunk);
    const orders = await pinot.query(sql`SELECT id, COUNT(*) FROM orders WHERE id IN ${ids} GROUP BY id LIMIT 100000`, { name: 'drill-orders' });
    for (const [id, n] of orders.rows) rows.orders.set(String(id), Number(n));
    const items = await pinot.query(
      sql`SELECT orderId, productId, COUNT(*) FROM order_items_enriched WHERE orderId IN ${ids} GROUP BY orderId, productId LIMIT 100000`,
      { name: 'drill-items' },
    );
    for (const [orderId, productId, n] of items.rows) {
      const key = itemKey(String(orderId), String(productId));
      if (expected.has(key)) rows.items.set(key, Number(n));
    }
  }
  return rows;
}

/** Totals of `rows` against the placed orders. */
export function countRows(rows: PinotRows, placed: readonly PlacedOrder[]): PinotCounts {
  const excess = (m: Map<string, number>) => [...m.values()].reduce((sum, n) => sum + n - 1, 0);
  return {
    orders: rows.orders.size,
    orderDuplicates: excess(rows.orders),
    itemsExpected: expectedItemKeys(placed).size,
    items: rows.items.size,
    itemDuplicates: excess(rows.items),
  };
}

/** What Pinot holds of the given orders: per order id in `orders` and per (order id, product id) in `order_items_enriched`. */
export async function pinotCounts(pinot: PinotClient, placed: readonly PlacedOrder[]): Promise<PinotCounts> {
  return countRows(await pinotRows(pinot, placed), placed);
}

/** Every order and every item present (duplicates are judged separately). */
export function allPresent(c: PinotCounts, ordersExpected: number): boolean {
  return c.orders === ordersExpected && c.items === c.itemsExpected;
}
