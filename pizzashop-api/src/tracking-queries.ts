// The Pinot SQL of the order tracking endpoints, over the order_statuses and delivery_statuses upsert tables.
import { identifier, sql, type SqlFragment } from '@pizzashop/common';

/**
 * The Pinot statements over the order lifecycle's upsert tables. Without an option a query sees the
 * latest row per order id (current status, latest courier position); `OPTION(skipUpsert=true)`
 * sees every row ever ingested: the status history and the courier's track.
 */
export interface TrackingTables {
  statuses: SqlFragment;
  deliveries: SqlFragment;
}

export function trackingTables(names: { PINOT_ORDER_STATUSES_TABLE: string; PINOT_DELIVERY_STATUSES_TABLE: string }): TrackingTables {
  return { statuses: identifier(names.PINOT_ORDER_STATUSES_TABLE), deliveries: identifier(names.PINOT_DELIVERY_STATUSES_TABLE) };
}

/** One row [status, ts]: the order's current status (upsert view). */
export function currentStatusQuery(t: TrackingTables, id: string): SqlFragment {
  return sql`SELECT status, ts FROM ${t.statuses} WHERE id = ${id} LIMIT 1`;
}

/** Rows [status, ts], oldest first: every status the order went through. */
export function statusHistoryQuery(t: TrackingTables, id: string): SqlFragment {
  return sql`SELECT status, ts FROM ${t.statuses} WHERE id = ${id} ORDER BY ts LIMIT 100 OPTION(skipUpsert=true)`;
}

/** Rows [lat, lon, ts, status], oldest first: the courier's track (every position published). */
export function trackQuery(t: TrackingTables, id: string, limit: number): SqlFragment {
  return sql`SELECT lat, lon, ts, status FROM ${t.deliveries} WHERE id = ${id} ORDER BY ts LIMIT ${limit} OPTION(skipUpsert=true)`;
}

/** Rows [id, status, ts]: every status change in [from, now), newest first, at most `limit`. */
export function recentChangesQuery(t: TrackingTables, from: number, limit: number): SqlFragment {
  return sql`SELECT id, status, ts FROM ${t.statuses} WHERE ts >= ${from} ORDER BY ts DESC LIMIT ${limit} OPTION(skipUpsert=true)`;
}

/** Rows [id, status, ts]: orders whose current status is `status` (any but DELIVERED when absent) since before `before`, longest first. */
export function stuckQuery(t: TrackingTables, status: string | undefined, before: number, limit: number): SqlFragment {
  const which = status === undefined ? sql`status <> 'DELIVERED'` : sql`status = ${status}`;
  return sql`SELECT id, status, ts FROM ${t.statuses} WHERE ${which} AND ts < ${before} ORDER BY ts LIMIT ${limit}`;
}

/**
 * Rows [id, lat, lon, ts]: couriers in transit within `meters` of (lat, lon). Written as
 * `ST_Distance(location, <literal point>) < x`, the form Pinot 0.11 answers with the H3 index on
 * `location` (the literal is folded at compile time); the stats show it (numEntriesScannedInFilter).
 */
export function activeDeliveriesQuery(t: TrackingTables, lat: number, lon: number, meters: number, limit: number): SqlFragment {
  return sql`
    SELECT id, lat, lon, ts FROM ${t.deliveries}
    WHERE ST_Distance(location, ST_Point(${lon}, ${lat}, 1)) < ${meters} AND status = 'IN_TRANSIT'
    ORDER BY ts DESC
    LIMIT ${limit}`;
}
