// Unit tests of the detector's readings and baselines and of the AlertBook's open/update/close rules.
import { describe, expect, it } from 'vitest';
import { AlertBook } from '../src/alert-book.js';
import { baselineWindows, readings } from '../src/detector.js';
import { robustScore } from '../src/robust.js';
import type { WindowStats } from '../src/window-stats.js';

/** A window of `orders` orders at 500 each, `beverages` of every 10 units beverages. */
function window(orders: number, beverages = 3, aov = 500): WindowStats {
  return { from: 0, to: 1, orders, revenue: orders * aov, units: { beverages: orders * beverages, pizzas: orders * (10 - beverages) } };
}
const baseline = [100, 96, 104, 99, 101, 95, 107, 98, 102, 100].map((n) => window(n));
const z = (current: WindowStats, metric: string) => readings(current, baseline, { minOrders: 30, detrend: false }).find((r) => r.metric === metric)?.z;

describe('robust z-score', () => {
  it('is (observed - median) / 1.4826 MAD, floored by the noise', () => {
    expect(robustScore(20, [8, 10, 12, 9, 11], 0.1).z).toBeCloseTo(10 / 1.4826, 3);
    expect(robustScore(20, [10, 10, 10, 10, 10], 2).z).toBe(5);
    expect(robustScore(20, [10, 10, 10, 1000, 10], 2).expected).toBe(10);
  });
});

describe('readings', () => {
  it('scores a normal window near 0 and a drop and a spike far out, on orders and revenue', () => {
    expect(Math.abs(z(window(97), 'orders')!)).toBeLessThan(1);
    expect(z(window(0), 'orders')!).toBeLessThan(-8);
    expect(z(window(0), 'revenue')!).toBeLessThan(-6);
    expect(z(window(300), 'orders')!).toBeGreaterThan(8);
  });

  it('scores average order value and category shares, and skips them when too few orders', () => {
    expect(z(window(100, 3, 900), 'averageOrderValue')!).toBeGreaterThan(4);
    expect(Math.abs(z(window(100, 3, 510), 'averageOrderValue')!)).toBeLessThan(1);
    expect(z(window(100, 7), 'categoryShare:beverages')!).toBeGreaterThan(4);
    expect(z(window(100, 7), 'categoryShare:pizzas')!).toBeLessThan(-4);
    expect(z(window(10, 7), 'categoryShare:beverages')).toBeUndefined();
    expect(z(window(0), 'averageOrderValue')).toBeUndefined();
  });
});

describe('readings on a ramp (the daily curve rising into lunch)', () => {
  // 30 trailing windows whose count rises by 2 per window with noise, then the current one continuing the ramp.
  const ramp = Array.from({ length: 30 }, (_, i) => {
    const k = 30 - i;
    return { ...window(200 - 2 * k + ((i * 7) % 5) - 2), from: -k * 10, to: -k * 10 + 10 };
  });
  const current = { ...window(200), from: 0, to: 10 };
  const ordersZ = (detrend: boolean, w = current) => readings(w, ramp, { minOrders: 30, detrend }).find((r) => r.metric === 'orders')!.z;

  it('expects the ramp to continue once detrended (the plain median lags behind it)', () => {
    expect(ordersZ(false)).toBeGreaterThan(1);
    expect(Math.abs(ordersZ(true))).toBeLessThan(1.5);
  });

  it('sees a 30% drop on the ramp that the plain median, its spread inflated by the ramp, misses', () => {
    const drop = { ...window(140), from: 0, to: 10 };
    expect(ordersZ(true, drop)).toBeLessThan(-4);
    expect(ordersZ(false, drop)).toBeGreaterThan(-2);
  });
});

describe('baselineWindows', () => {
  const day = 1000;
  const opts = { dayMs: day, seasonalDays: 7, seasonalMinDays: 3, trailingWindows: 5 };
  it('uses the same time on earlier days when enough of them hold data', () => {
    const plan = baselineWindows(10_000, 10_010, 10_000 - 4 * day, opts);
    expect(plan.kind).toBe('same-time-earlier-days');
    expect(plan.windows).toEqual([1, 2, 3, 4].map((k) => [10_000 - k * day, 10_010 - k * day]));
  });
  it('falls back to trailing windows, only those with data', () => {
    const plan = baselineWindows(10_000, 10_010, 10_000 - 2 * day, opts);
    expect(plan.kind).toBe('trailing-windows');
    expect(plan.windows).toHaveLength(5);
    expect(baselineWindows(10_000, 10_010, 9_975, opts).windows).toEqual([[9_990, 10_000], [9_980, 9_990]]);
    expect(baselineWindows(10_000, 10_010, null, opts).windows).toEqual([]);
    expect(baselineWindows(10_000, 10_010, 9_000, opts, 9_950).windows.slice(0, 2), 'ends where the open anomaly began').toEqual([[9_940, 9_950], [9_930, 9_940]]);
  });
});

describe('AlertBook', () => {
  const options = { zWarning: 4, zCritical: 8, zClose: 2, openAfter: 2, closeAfter: 2 };
  let ids = 0;
  const book = () => new AlertBook(options, () => `00000000-0000-4000-8000-00000000000${++ids}`);
  const r = (zScore: number) => [{ metric: 'orders', observed: 100 + zScore * 10, expected: 100, z: zScore }];
  const win = { from: 0, to: 60_000 };

  it('opens after 2 anomalous evaluations, updates on a severity change, closes after 2 normal ones', () => {
    const b = book();
    expect(b.evaluate(r(-5), 'trailing-windows', win, 1)).toEqual([]);
    const [opened] = b.evaluate(r(-5), 'trailing-windows', win, 2);
    expect(opened).toMatchObject({ metric: 'orders', direction: 'drop', severity: 'warning', status: 'open', expected: 100, observed: 50, closedAt: null, notified: [] });
    expect(b.evaluate(r(-6), 'trailing-windows', win, 3)).toEqual([]);
    expect(b.evaluate(r(-9), 'trailing-windows', win, 4)).toMatchObject([{ id: opened!.id, severity: 'critical' }]);
    expect(b.evaluate(r(-3), 'trailing-windows', win, 5)).toEqual([]);
    expect(b.evaluate(r(0.5), 'trailing-windows', win, 6)).toEqual([]);
    expect(b.evaluate(r(0.5), 'trailing-windows', win, 7)).toMatchObject([{ id: opened!.id, status: 'closed', closedAt: new Date(7).toISOString() }]);
    expect(b.openAlerts).toEqual([]);
  });

  it('does not open on one anomalous evaluation between normal ones', () => {
    const b = book();
    for (const zScore of [0, 5, 0, -5, 1, 6, 0]) expect(b.evaluate(r(zScore), 'trailing-windows', win, 1)).toEqual([]);
  });

  it('keeps a restored open alert under its id instead of opening another', () => {
    const b = book();
    const [opened] = [b.evaluate(r(9), 'trailing-windows', win, 1), b.evaluate(r(9), 'trailing-windows', win, 2)][1]!;
    const restarted = book();
    restarted.restore([opened!]);
    expect(restarted.evaluate(r(9), 'trailing-windows', win, 3)).toEqual([]);
    expect(restarted.evaluate(r(9), 'trailing-windows', win, 4)).toEqual([]);
    restarted.evaluate(r(0), 'trailing-windows', win, 5);
    expect(restarted.evaluate(r(0), 'trailing-windows', win, 6)).toMatchObject([{ id: opened!.id, status: 'closed' }]);
  });
});
