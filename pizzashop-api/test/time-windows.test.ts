import { describe, expect, it } from 'vitest';
import { comparedPeriods, formatMinute, minuteBuckets, windowEnd } from '../src/time-windows.js';

describe('time windows', () => {
  it('ends "now" windows at the current whole second so concurrent requests build identical SQL', () => {
    expect(windowEnd(undefined, 1_000_999)).toBe(1_000_000);
    expect(windowEnd(5, 1_000_999)).toBe(5);
  });

  it('places the previous period right before the current one', () => {
    expect(comparedPeriods('5m', 1_000_000)).toEqual({
      current: { from: 700_000, to: 1_000_000 },
      previous: { from: 400_000, to: 700_000 },
    });
  });

  it('yields exactly `minutes` buckets ending with the minute that contains the end', () => {
    const end = Date.UTC(2026, 10, 25, 13, 37, 30);
    const { starts, range } = minuteBuckets(3, end);
    expect(starts.map(formatMinute)).toEqual(['2026-11-25 13:35:00', '2026-11-25 13:36:00', '2026-11-25 13:37:00']);
    expect(range).toEqual({ from: Date.UTC(2026, 10, 25, 13, 35), to: end });
    expect(minuteBuckets(2, Date.UTC(2026, 10, 25, 13, 37)).starts.map(formatMinute)).toEqual(['2026-11-25 13:35:00', '2026-11-25 13:36:00']);
  });
});
