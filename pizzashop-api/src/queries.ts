import { sql, type SqlFragment } from '@pizzashop/common';
import type { SqlRange } from './time-windows.js';

/**
 * Every Pinot statement the API runs. Values arrive already validated (UUIDs, allow-listed windows,
 * bounded integers) and are still rendered as literals by `sql`, never concatenated. Checked
 * against Pinot 0.11.0 (v1 engine): FILTER clauses, ago()/now(), DISTINCTCOUNT, ToEpochMinutes,
 * GROUP BY on expressions. Results are read by position, so aliases only serve readability; an alias must not
 * repeat a column name (Pinot 0.11 substitutes it inside ORDER BY: `SUM(quantity) AS quantity`
 * fails with "sum not found").
 */

/**
 * [totalOrders, newestTs]: all orders Pinot holds and the newest order time not in the future (for
 * freshness: a row stamped ahead of the clock would otherwise report "0 ms behind" until then).
 * Pinot's own now(), so the statement stays the same and the shared-query cache keeps working.
 */
export function tableStatsQuery(): SqlFragment {
  return sql`SELECT COUNT(*) AS totalOrders, MAX(ts) FILTER (WHERE ts <= now()) AS newestTs FROM orders`;
}

/** [currentOrders, currentTotal, previousOrders, previousTotal] for two adjacent periods. */
export function periodsQuery(current: SqlRange, previous: SqlRange): SqlFragment {
  return sql`
    SELECT COUNT(*) FILTER (WHERE ts >= ${current.from}) AS currentOrders,
           SUM(price) FILTER (WHERE ts >= ${current.from}) AS currentTotal,
           COUNT(*) FILTER (WHERE ts < ${current.from}) AS previousOrders,
           SUM(price) FILTER (WHERE ts < ${current.from}) AS previousTotal
    FROM orders
    WHERE ts >= ${previous.from} AND ts < ${current.to}`;
}

/** Rows [product, image, distinct orders, quantity, category], most ordered first. */
export function popularItemsQuery(range: SqlRange, limit: number): SqlFragment {
  return sql`
    SELECT productName, image, DISTINCTCOUNT(orderId) AS orderCount, SUM(quantity) AS units, category
    FROM order_items_enriched
    WHERE ts >= ${range.from} AND ts < ${range.to}
    GROUP BY productName, image, category
    ORDER BY DISTINCTCOUNT(orderId) DESC, SUM(quantity) DESC, productName
    LIMIT ${limit}`;
}

/** Rows [category, distinct orders, quantity], most ordered first. */
export function popularCategoriesQuery(range: SqlRange, limit: number): SqlFragment {
  return sql`
    SELECT category, DISTINCTCOUNT(orderId) AS orderCount, SUM(quantity) AS units
    FROM order_items_enriched
    WHERE ts >= ${range.from} AND ts < ${range.to}
    GROUP BY category
    ORDER BY DISTINCTCOUNT(orderId) DESC, SUM(quantity) DESC, category
    LIMIT ${limit}`;
}

/** Rows [epoch minute, orders, revenue] for the newest `maxMinutes` minutes that have orders, newest first. */
export function ordersPerMinuteQuery(range: SqlRange, maxMinutes: number): SqlFragment {
  return sql`
    SELECT ToEpochMinutes(ts) AS minute, COUNT(*) AS orderCount, SUM(price) AS revenue
    FROM orders
    WHERE ts >= ${range.from} AND ts < ${range.to}
    GROUP BY ToEpochMinutes(ts)
    ORDER BY ToEpochMinutes(ts) DESC
    LIMIT ${maxMinutes}`;
}

/** One row [id, createdAt, userId, status, price, deliveryLat, deliveryLon, items JSON] or none. */
export function orderQuery(orderId: string): SqlFragment {
  return sql`
    SELECT id, createdAt, userId, status, price, deliveryLat, deliveryLon, items
    FROM orders
    WHERE id = ${orderId}
    LIMIT 1`;
}

/** Rows [productId, productName, category, image, productPrice] of the order's enriched items. */
export function orderProductsQuery(orderId: string): SqlFragment {
  return sql`
    SELECT productId, productName, category, image, productPrice
    FROM order_items_enriched
    WHERE orderId = ${orderId}
    LIMIT 1000`;
}
