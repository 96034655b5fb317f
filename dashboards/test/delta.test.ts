// Unit tests of computeDelta and describeDelta.
import { describe, expect, it } from 'vitest';
import { computeDelta, describeDelta } from '../src/web/delta.js';
import { formatCount, formatRupees } from '../src/web/format.js';
import { kpisOf } from '../src/web/kpis.js';

describe('computeDelta', () => {
  it('compares current with previous', () => {
    expect(computeDelta(968, 958)).toEqual({ direction: 'up', absolute: 10, ratio: 10 / 958 });
    expect(computeDelta(90, 100)).toEqual({ direction: 'down', absolute: -10, ratio: -0.1 });
    expect(computeDelta(5, 5)).toEqual({ direction: 'flat', absolute: 0, ratio: 0 });
  });

  it('has no ratio when the previous window was empty', () => {
    expect(computeDelta(12, 0)).toEqual({ direction: 'up', absolute: 12, ratio: null });
    expect(computeDelta(0, 0)).toEqual({ direction: 'flat', absolute: 0, ratio: null });
  });

  it('treats float noise as no change', () => {
    expect(computeDelta(0.1 + 0.2, 0.3)?.direction).toBe('flat');
    expect(computeDelta(4456.561983471074, 4456.56)?.direction).toBe('flat');
    expect(computeDelta(1039.67, 1039.66)).toEqual({ direction: 'up', absolute: 0.01, ratio: 0.01 / 1039.66 });
  });

  it('is null when a side has no value', () => {
    expect(computeDelta(null, 3)).toBeNull();
    expect(computeDelta(3, null)).toBeNull();
    expect(computeDelta(Number.NaN, 3)).toBeNull();
  });
});

describe('describeDelta', () => {
  it('gives sign, colour tone, arrow and value', () => {
    expect(describeDelta(computeDelta(968, 958), formatCount, 'the minute before')).toEqual({
      tone: 'positive',
      arrow: '▲',
      text: '+1% (+10)',
      label: 'up 1%, +10, against the minute before',
    });
    expect(describeDelta(computeDelta(4281751, 4313950), formatRupees, 'the hour before')).toEqual({
      tone: 'negative',
      arrow: '▼',
      text: '-0.7% (-₹32,199)',
      label: 'down 0.7%, -₹32,199, against the hour before',
    });
  });

  it('says "none before", "no change" and "no comparison"', () => {
    expect(describeDelta(computeDelta(1200, 0), formatRupees, 'x').text).toBe('+₹1,200 (none before)');
    expect(describeDelta(computeDelta(7, 7), formatCount, 'x')).toMatchObject({ tone: 'neutral', text: 'no change' });
    expect(describeDelta(null, formatCount, 'x')).toMatchObject({ tone: 'neutral', text: 'no comparison' });
  });
});

describe('kpisOf', () => {
  it('derives orders, revenue and average order value with their changes', () => {
    const kpis = kpisOf({
      totalOrders: 17665,
      currentTimePeriod: { orders: 968, totalPrice: 4313950 },
      previousTimePeriod: { orders: 958, totalPrice: 4281751 },
      window: '5m',
      freshnessMs: 1500,
    });
    expect(kpis.map((k) => [k.key, k.text, k.delta.text, k.delta.tone])).toEqual([
      ['orders', '968', '+1% (+10)', 'positive'],
      ['revenue', '₹43,13,950', '+0.8% (+₹32,199)', 'positive'],
      ['averageOrderValue', '₹4,456.56', '-0.3% (-₹12.91)', 'negative'],
    ]);
    expect(kpis[2]!.value).toBeCloseTo(4456.5599, 3);
    expect(kpis[0]!.delta.label).toContain('the 5 minutes before');
  });

  it('shows no average for a window without orders', () => {
    const [, , aov] = kpisOf({
      totalOrders: 0,
      currentTimePeriod: { orders: 0, totalPrice: 0 },
      previousTimePeriod: { orders: 0, totalPrice: 0 },
      window: '1m',
      freshnessMs: null,
    });
    expect(aov).toMatchObject({ value: null, text: '—', delta: { text: 'no comparison' } });
  });
});
