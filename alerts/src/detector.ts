// Scores the last window against its baseline windows: one reading (observed, expected, z) per metric.
import type { Alert } from '@pizzashop/common';
import { carriedToNow, median, robustScore } from './robust.js';
import { totalUnits, type WindowStats } from './window-stats.js';

export type BaselineKind = Alert['baseline'];

/** One metric of the current window against its baseline. */
export interface Reading {
  metric: string;
  observed: number;
  expected: number;
  z: number;
}

export interface DetectorOptions {
  /** Below this many expected (or half as many observed) orders, average order value and category shares are not judged. */
  minOrders: number;
  /**
   * Carry each baseline value to the current window along the baseline's robust (Theil-Sen) trend
   * first: trailing windows lag a rising or falling daily curve, and without it the lunch ramp
   * alone would read as a spike. Not for same-time-of-day baselines (already at this hour).
   */
  detrend: boolean;
}

/**
 * Robust z-scores of the current window's orders, revenue, average order value and category
 * shares against the baseline windows (median/MAD). Each metric's spread is floored by its
 * sampling noise at the baseline's level: sqrt(n) for the order count (Poisson), about
 * 1.3 x mean / sqrt(n) for revenue (a compound sum), 0.8 x mean / sqrt(n) for the average order
 * value, and a binomial sqrt(p(1-p)/n) x 1.5 for a share (items cluster by order).
 */
export function readings(current: WindowStats, baseline: readonly WindowStats[], options: DetectorOptions): Reading[] {
  const width = Math.max(1, current.to - current.from);
  /** Each baseline window's metric value (skipping windows where it is undefined), carried to now. */
  const values = (value: (w: WindowStats) => number | undefined) =>
    carriedToNow(
      baseline.flatMap((w) => {
        const y = value(w);
        return y === undefined ? [] : [{ x: (w.from - current.from) / width, y }];
      }),
      options.detrend,
    );
  const orderCounts = values((w) => w.orders);
  const expectedOrders = median(orderCounts);
  const n = Math.max(1, expectedOrders);
  const out: Reading[] = [];
  const push = (metric: string, observed: number, baselineValues: number[], floor: number) => {
    if (baselineValues.length === 0) return;
    const score = robustScore(observed, baselineValues, floor);
    out.push({ metric, observed, expected: score.expected, z: score.z });
  };
  push('orders', current.orders, orderCounts, Math.sqrt(n));
  const revenues = values((w) => w.revenue);
  push('revenue', current.revenue, revenues, (1.3 * Math.max(0, median(revenues))) / Math.sqrt(n));
  if (expectedOrders < options.minOrders || current.orders < options.minOrders / 2) return out;
  const aovs = values((w) => (w.orders > 0 ? w.revenue / w.orders : undefined));
  push('averageOrderValue', current.revenue / current.orders, aovs, (0.8 * median(aovs)) / Math.sqrt(current.orders));
  const currentUnits = totalUnits(current);
  if (currentUnits === 0) return out;
  const categories = new Set(baseline.flatMap((w) => Object.keys(w.units)));
  for (const category of [...categories].sort()) {
    const shares = values((w) => (totalUnits(w) > 0 ? (w.units[category] ?? 0) / totalUnits(w) : undefined));
    const p = Math.min(1, Math.max(0, median(shares)));
    push(`categoryShare:${category}`, (current.units[category] ?? 0) / currentUnits, shares, 1.5 * Math.sqrt(Math.max(p * (1 - p), 0.01) / current.orders));
  }
  return out;
}

/**
 * The baseline windows for [from, to): the same time on earlier days when enough of them hold
 * data, else the trailing windows. Trailing windows end at `anchor` when given (the start of an
 * anomaly still open), so an outage or a burst does not become its own baseline.
 */
export function baselineWindows(
  from: number,
  to: number,
  oldest: number | null,
  options: { dayMs: number; seasonalDays: number; seasonalMinDays: number; trailingWindows: number },
  anchor = from,
): { kind: BaselineKind; windows: [number, number][] } {
  const held = (start: number) => oldest !== null && start >= oldest;
  const seasonal: [number, number][] = [];
  for (let k = 1; k <= options.seasonalDays; k++) if (held(from - k * options.dayMs)) seasonal.push([from - k * options.dayMs, to - k * options.dayMs]);
  if (seasonal.length >= options.seasonalMinDays) return { kind: 'same-time-earlier-days', windows: seasonal };
  const width = to - from;
  const end = Math.min(from, anchor);
  const trailing: [number, number][] = [];
  for (let k = 1; k <= options.trailingWindows; k++) if (held(end - k * width)) trailing.push([end - k * width, end - (k - 1) * width]);
  return { kind: 'trailing-windows', windows: trailing };
}
