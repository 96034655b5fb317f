// The time windows the analytics queries use: trailing and compared periods as SQL ranges, and minute
// buckets.
import { sql, type SqlFragment } from '@pizzashop/common';
import { MINUTE_MS, WINDOWS, type WindowName } from '@pizzashop/common/api-contracts';

export { MINUTE_MS };

/** Half-open interval [from, to) as two SQL expressions of epoch milliseconds. */
export interface SqlRange {
  from: SqlFragment;
  to: SqlFragment;
}

/*
 * Windows ending at "now" are written with Pinot's own ago()/now(), which the broker folds into
 * literals when it compiles the query. The SQL text then stays identical from one request to the
 * next, so the shared-query cache can serve a room full of dashboards with one Pinot call. A
 * window ending at an explicit `at` uses literal epoch milliseconds instead.
 */
const now = () => sql`now()`;
const minutesAgo = (minutes: number) => sql`ago(${`PT${minutes}M`})`;
const epochMs = (ms: number) => sql`${ms}`;

/** The current period (ending at `at`, default now) and the one of the same length just before it. */
export function comparedPeriods(window: WindowName, at: number | undefined): { current: SqlRange; previous: SqlRange } {
  const length = WINDOWS[window];
  if (at === undefined) {
    const minutes = length / MINUTE_MS;
    return { current: { from: minutesAgo(minutes), to: now() }, previous: { from: minutesAgo(2 * minutes), to: minutesAgo(minutes) } };
  }
  return { current: { from: epochMs(at - length), to: epochMs(at) }, previous: { from: epochMs(at - 2 * length), to: epochMs(at - length) } };
}

export function trailingWindow(window: WindowName, at: number | undefined): SqlRange {
  return comparedPeriods(window, at).current;
}

/**
 * `minutes` one-minute buckets ending with the minute that contains `(at ?? now) - 1 ms`, and a
 * range that covers them all (for "now" it may start inside an older minute, whose row is dropped).
 */
export function minuteBuckets(minutes: number, at: number | undefined, nowMs: number): { starts: number[]; range: SqlRange } {
  const end = at ?? nowMs;
  const last = Math.floor((end - 1) / MINUTE_MS) * MINUTE_MS;
  const starts = Array.from({ length: minutes }, (_, i) => last - (minutes - 1 - i) * MINUTE_MS);
  const range = at === undefined ? { from: minutesAgo(minutes), to: now() } : { from: epochMs(starts[0] as number), to: epochMs(at) };
  return { starts, range };
}

/** "YYYY-MM-DD HH:mm:00" in UTC, the reference app's per-minute timestamp format. */
export function formatMinute(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ') + ':00';
}
