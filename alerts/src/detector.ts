import type { Alert } from '@pizzashop/common';
import { median, robustScore } from './robust.js';
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
}

/**
 * Robust z-scores of the current window's orders, revenue, average order value and category
 * shares against the baseline windows (median/MAD). Each metric's spread is floored by its
 * sampling noise at the baseline's level: sqrt(n) for the order count (Poisson), about
 * 1.3 x mean / sqrt(n) for revenue (a compound sum), 0.8 x mean / sqrt(n) for the average order
 * value, and a binomial sqrt(p(1-p)/n) x 1.5 for a share (items cluster by order).
 */
export function readings(current: WindowStats, baseline: readonly WindowStats[], options: DetectorOptions): Reading[] {
  const expectedOrders = median(baseline.map((w) => w.orders));
  const n = Math.max(1, expectedOrders);
  const out: Reading[] = [];
  const push = (metric: string, observed: number, values: number[], floor: number) => {
    if (values.length === 0) return;
    const score = robustScore(observed, values, floor);
    out.push({ metric, observed, expected: score.expected, z: score.z });
  };
  push('orders', current.orders, baseline.map((w) => w.orders), Math.sqrt(n));
  const expectedRevenue = median(baseline.map((w) => w.revenue));
  push('revenue', current.revenue, baseline.map((w) => w.revenue), (1.3 * expectedRevenue) / Math.sqrt(n));
  if (expectedOrders < options.minOrders || current.orders < options.minOrders / 2) return out;
  const aovs = baseline.filter((w) => w.orders > 0).map((w) => w.revenue / w.orders);
  push('averageOrderValue', current.revenue / current.orders, aovs, (0.8 * median(aovs)) / Math.sqrt(current.orders));
  const currentUnits = totalUnits(current);
  if (currentUnits === 0) return out;
  const categories = new Set(baseline.flatMap((w) => Object.keys(w.units)));
  for (const category of [...categories].sort()) {
    const shares = baseline.filter((w) => totalUnits(w) > 0).map((w) => (w.units[category] ?? 0) / totalUnits(w));
    const p = median(shares);
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
