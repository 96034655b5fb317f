import { WINDOWS, type WindowName } from './schemas.js';

export const MINUTE_MS = 60_000;

/** Half-open interval [from, to) in epoch milliseconds. */
export interface TimeRange {
  from: number;
  to: number;
}

/**
 * The end of "now" windows: the current whole second. Requests within the same second build
 * identical SQL, which is what lets the shared-query cache serve them with one Pinot call.
 */
export function windowEnd(at: number | undefined, now: number = Date.now()): number {
  return at ?? Math.floor(now / 1000) * 1000;
}

/** The current period ending at `end` and the one of the same length just before it. */
export function comparedPeriods(window: WindowName, end: number): { current: TimeRange; previous: TimeRange } {
  const length = WINDOWS[window];
  return { current: { from: end - length, to: end }, previous: { from: end - 2 * length, to: end - length } };
}

export function trailingWindow(window: WindowName, end: number): TimeRange {
  return { from: end - WINDOWS[window], to: end };
}

/** `minutes` one-minute buckets ending with the minute that contains `end - 1 ms`; returns their starts and the covered range. */
export function minuteBuckets(minutes: number, end: number): { starts: number[]; range: TimeRange } {
  const last = Math.floor((end - 1) / MINUTE_MS) * MINUTE_MS;
  const starts = Array.from({ length: minutes }, (_, i) => last - (minutes - 1 - i) * MINUTE_MS);
  return { starts, range: { from: starts[0] as number, to: end } };
}

/** "YYYY-MM-DD HH:mm:00" in UTC, the reference app's per-minute timestamp format. */
export function formatMinute(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ') + ':00';
}
