// The time windows the analytics queries use: trailing and compared periods as SQL ranges, and minute
// buckets.
import { sql, type SqlFragment } from '@pizzashop/common';
import { MINUTE_MS, WINDOWS, type WindowName } from '@pizzashop/common/api-contracts';

export { MINUTE_MS };

/**
 * Half-open interval [from, to) as two SQL expressions of epoch milliseconds, plus the same interval
 * in epoch minutes when both edges are whole minutes (every window ending at an explicit `at`: the
 * API rounds `at` down to the minute). Queries then filter on the minute column `tsMinute`, a
 * star-tree dimension, instead of `ts`; [from, to) in ms and [from, to) in minutes select the same rows.
 */
export interface SqlRange {
  from: SqlFragment;
  to: SqlFragment;
  minutes?: { from: number; to: number };
}

/*
 * Windows ending at "now" are written with Pinot's own ago()/now(), which the broker folds into
 * literals when it compiles the query. The SQL text then stays identical from one request to the
 * next, so the shared-query cache can serve a room full of dashboards with one Pinot call. Their
 * edges fall inside a minute, so they filter on `ts`. A window ending at an explicit `at` uses
 * literal epoch milliseconds instead, and its epoch minutes.
 */
const now = () => sql`now()`;
const minutesAgo = (minutes: number) => sql`ago(${`PT${minutes}M`})`;
const epochMs = (ms: number) => sql`${ms}`;

/** [fromMs, toMs) as literals, with its epoch minutes when both edges are whole minutes. */
function literalRange(fromMs: number, toMs: number): SqlRange {
  const range = { from: epochMs(fromMs), to: epochMs(toMs) };
  return fromMs % MINUTE_MS === 0 && toMs % MINUTE_MS === 0 ? { ...range, minutes: { from: fromMs / MINUTE_MS, to: toMs / MINUTE_MS } } : range;
}

/** The current period (ending at `at`, default now) and the one of the same length just before it. */
export function comparedPeriods(window: WindowName, at: number | undefined): { current: SqlRange; previous: SqlRange } {
  const length = WINDOWS[window];
  if (at === undefined) {
    const minutes = length / MINUTE_MS;
    return { current: { from: minutesAgo(minutes), to: now() }, previous: { from: minutesAgo(2 * minutes), to: minutesAgo(minutes) } };
  }
  return { current: literalRange(at - length, at), previous: literalRange(at - 2 * length, at - length) };
}

/** The part of a window ending now that lies in its first, partial minute: rows of `minute` from `from` on. */
export interface PartialMinute {
  minute: number;
  from: SqlFragment;
}

/**
 * The ranges popular reads for a window: its whole minutes from the per-minute rollup and, for a
 * window ending now that starts inside a minute, that first partial minute from the items table:
 * [now - length, now) = [now - length, m) + [m, now), m being the first whole minute after the start.
 * The rollup's minutes run to the end of the current minute: an order stamped later in that minute
 * (the orders-service accepts up to ORDERS_CREATED_AT_MAX_AHEAD_MS ahead) counts, later minutes do not. The partial minute is written with ago() and the minute literals
 * change once a minute, so the shared-query cache keeps serving a room of dashboards with one Pinot
 * call per tick.
 */
export function popularRanges(window: WindowName, at: number | undefined, nowMs: number): { minutes: { from: number; to: number }; partialMinute?: PartialMinute } {
  const length = WINDOWS[window];
  if (at !== undefined) return { minutes: { from: Math.ceil((at - length) / MINUTE_MS), to: Math.ceil(at / MINUTE_MS) } };
  const start = nowMs - length;
  const firstWhole = Math.ceil(start / MINUTE_MS);
  const minutes = { from: firstWhole, to: Math.floor(nowMs / MINUTE_MS) + 1 };
  return start % MINUTE_MS === 0 ? { minutes } : { minutes, partialMinute: { minute: firstWhole - 1, from: minutesAgo(length / MINUTE_MS) } };
}

/**
 * `minutes` one-minute buckets ending with the minute that contains `(at ?? now) - 1 ms`, and a
 * range that covers them all (for "now" it may start inside an older minute, whose row is dropped).
 */
export function minuteBuckets(minutes: number, at: number | undefined, nowMs: number): { starts: number[]; range: SqlRange } {
  const end = at ?? nowMs;
  const last = Math.floor((end - 1) / MINUTE_MS) * MINUTE_MS;
  const starts = Array.from({ length: minutes }, (_, i) => last - (minutes - 1 - i) * MINUTE_MS);
  const range = at === undefined ? { from: minutesAgo(minutes), to: now() } : literalRange(starts[0] as number, at);
  return { starts, range };
}

/** "YYYY-MM-DD HH:mm:00" in UTC, the reference app's per-minute timestamp format. */
export function formatMinute(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ') + ':00';
}
