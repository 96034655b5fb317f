// The Pinot SQL of the analytics endpoints (overview, popular, orders per minute, order detail, table stats).
import { identifier, sql, type SqlFragment } from '@pizzashop/common';
import { MINUTE_MS, type PartialMinute, type SqlRange } from './time-windows.js';

/**
 * Every Pinot statement the API runs. Values arrive already validated (UUIDs, allow-listed windows,
 * bounded integers) and are still rendered as literals by `sql`, never concatenated. Checked
 * against Pinot 0.11.0 (v1 engine): ago()/now(), GROUP BY on expressions. Results are read by
 * position, so aliases only serve readability; an alias must not repeat a column name (Pinot 0.11 substitutes it inside ORDER BY: `SUM(quantity) AS quantity`
 * fails with "sum not found").
 */

/** The tables the statements read (PINOT_ORDERS_TABLE, PINOT_ORDER_ITEMS_TABLE, PINOT_ORDER_ITEMS_BY_MINUTE_TABLE). */
export interface PinotTables {
  orders: SqlFragment;
  orderItems: SqlFragment;
  orderItemsByMinute: SqlFragment;
}

/** The configured table names as checked identifiers. */
export function pinotTables(names: { PINOT_ORDERS_TABLE: string; PINOT_ORDER_ITEMS_TABLE: string; PINOT_ORDER_ITEMS_BY_MINUTE_TABLE: string }): PinotTables {
  return {
    orders: identifier(names.PINOT_ORDERS_TABLE),
    orderItems: identifier(names.PINOT_ORDER_ITEMS_TABLE),
    orderItemsByMinute: identifier(names.PINOT_ORDER_ITEMS_BY_MINUTE_TABLE),
  };
}

/**
 * The WHERE condition of a time range: on the minute column `tsMinute` when the range has whole-minute
 * edges, on `ts` otherwise. Pinot uses a segment's star-tree index only when every filtered column is
 * one of its dimensions, or the filter holds for the whole segment (it then drops it). `ts` is no
 * dimension, so a `ts` range makes Pinot scan the rows of the segment holding the window's start;
 * `tsMinute` is the first dimension of the orders star-tree, so the star-tree answers every
 * committed segment the range touches. Consuming segments have no star-tree and are scanned either way.
 */
export function timeFilter(range: SqlRange): SqlFragment {
  return range.minutes ? sql`tsMinute >= ${range.minutes.from} AND tsMinute < ${range.minutes.to}` : sql`ts >= ${range.from} AND ts < ${range.to}`;
}

/**
 * [totalOrders, newestTs]: the orders Pinot holds up to now and the newest order time (for
 * freshness: a row stamped ahead of the clock would otherwise report "0 ms behind" until then).
 * A plain WHERE rather than a FILTER clause: `ts <= now()` is true for every committed segment, so
 * Pinot answers those from segment metadata and the dictionary and scans only the consuming
 * segments (a FILTER aggregation scans every row of the table). Pinot's own now(), so the statement
 * stays the same and the shared-query cache keeps working.
 */
export function tableStatsQuery(tables: PinotTables): SqlFragment {
  return sql`SELECT COUNT(*) AS totalOrders, MAX(ts) AS newestTs FROM ${tables.orders} WHERE ts <= now()`;
}

/**
 * [orders, total price] in one period. Overview asks once per period rather than with FILTER
 * clauses: a plain aggregation over a time range is answered from the star-tree index (see timeFilter).
 */
export function periodQuery(tables: PinotTables, period: SqlRange): SqlFragment {
  return sql`
    SELECT COUNT(*) AS periodOrders, SUM(price) AS periodTotal
    FROM ${tables.orders}
    WHERE ${timeFilter(period)}`;
}

/**
 * More groups than any catalogue has products: the popular statements return every product of
 * their range and the API adds up and ranks them (popular-ranking.ts), so no LIMIT may cut one off.
 */
export const ALL_GROUPS = 10_000;

/**
 * Rows [product, image, category, order lines, units, category orders] per product over whole
 * minutes [from, to) of the per-minute rollup `order_items_by_minute`, which Pinot aggregates at
 * ingestion (one row per minute, product and stream partition instead of one per item). An order has
 * one line per product (POST /orders refuses a second line of a product), so a product's lines are
 * its orders; `categoryOrders` sums the enricher's `firstOfCategory`, one per order and category, so
 * per category it is the distinct orders containing it, exactly.
 */
export function popularByMinuteQuery(tables: PinotTables, minutes: { from: number; to: number }): SqlFragment {
  return sql`
    SELECT productName, image, category, SUM(lines) AS lineCount, SUM(units) AS unitCount, SUM(categoryOrders) AS categoryOrderCount
    FROM ${tables.orderItemsByMinute}
    WHERE tsMinute >= ${minutes.from} AND tsMinute < ${minutes.to}
    GROUP BY productName, image, category
    LIMIT ${ALL_GROUPS}`;
}

/**
 * The rows of a window's partial first minute. `tsMinute` has an inverted index, so a consuming
 * segment reads that minute's rows only and checks `ts` on those (a `ts` range alone would read `ts`
 * of every row it holds: consuming segments are not sorted); the `ts` bounds let the broker's time
 * pruner skip every committed segment outside the minute (it knows only `ts`).
 */
function partialMinuteFilter(part: PartialMinute): SqlFragment {
  return sql`tsMinute = ${part.minute} AND ts >= ${part.from} AND ts < ${(part.minute + 1) * MINUTE_MS}`;
}

/**
 * The same rows as popularByMinuteQuery for a window's partial first minute, from the items table
 * (the rollup holds whole minutes only): each item carries the enricher's `firstOfCategory`.
 */
export function popularPartialMinuteQuery(tables: PinotTables, part: PartialMinute): SqlFragment {
  return sql`
    SELECT productName, image, category, COUNT(*) AS lineCount, SUM(quantity) AS unitCount, SUM(firstOfCategory) AS categoryOrderCount
    FROM ${tables.orderItems}
    WHERE ${partialMinuteFilter(part)}
    GROUP BY productName, image, category
    LIMIT ${ALL_GROUPS}`;
}

/** Rows [epoch minute, orders, revenue] for the newest `maxMinutes` minutes that have orders, newest first. */
export function ordersPerMinuteQuery(tables: PinotTables, range: SqlRange, maxMinutes: number): SqlFragment {
  return sql`
    SELECT tsMinute, COUNT(*) AS orderCount, SUM(price) AS revenue
    FROM ${tables.orders}
    WHERE ${timeFilter(range)}
    GROUP BY tsMinute
    ORDER BY tsMinute DESC
    LIMIT ${maxMinutes}`;
}

/** One row [id, createdAt, userId, status, price, deliveryLat, deliveryLon, items JSON] or none. */
export function orderQuery(tables: PinotTables, orderId: string): SqlFragment {
  return sql`
    SELECT id, createdAt, userId, status, price, deliveryLat, deliveryLon, items
    FROM ${tables.orders}
    WHERE id = ${orderId}
    LIMIT 1`;
}

/** Rows [productId, productName, category, image, productPrice] of the order's enriched items. */
export function orderProductsQuery(tables: PinotTables, orderId: string): SqlFragment {
  return sql`
    SELECT productId, productName, category, image, productPrice
    FROM ${tables.orderItems}
    WHERE orderId = ${orderId}
    LIMIT 1000`;
}
