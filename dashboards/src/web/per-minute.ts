// Turns the API's per-minute rows into chart series (epoch seconds and values) for orders or revenue.
import type { OrdersPerMinute } from './schemas.js';

/** One chart's data: epoch seconds (uPlot's x unit) and values, oldest first, plus a few facts for the summary. */
export interface Series {
  xs: number[];
  ys: number[];
  total: number;
  peak: { x: number; y: number } | null;
  latest: number | null;
}

/** "2026-11-25 13:37:00" (UTC, as the API sends minutes) -> epoch seconds. */
export function minuteToEpochSeconds(timestamp: string): number {
  return Date.parse(`${timestamp.replace(' ', 'T')}Z`) / 1000;
}

/** The series of one measure (orders or revenue) from the API's per-minute rows. */
export function seriesOf(rows: OrdersPerMinute, measure: 'orders' | 'revenue'): Series {
  const xs = rows.map((r) => minuteToEpochSeconds(r.timestamp));
  const ys = rows.map((r) => r[measure]);
  let peak: Series['peak'] = null;
  ys.forEach((y, i) => {
    if (y > 0 && (peak === null || y > peak.y)) peak = { x: xs[i]!, y };
  });
  return { xs, ys, total: ys.reduce((a, b) => a + b, 0), peak, latest: ys.at(-1) ?? null };
}
