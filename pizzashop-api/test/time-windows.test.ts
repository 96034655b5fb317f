// Tests the time windows: "now" windows in ago()/now(), compared periods and minute buckets.
import { describe, expect, it } from 'vitest';
import { comparedPeriods, formatMinute, minuteBuckets } from '../src/time-windows.js';

const text = (range: { from: { text: string }; to: { text: string } }) => [range.from.text, range.to.text];

describe('time windows', () => {
  it('writes "now" windows with Pinot ago()/now() so the SQL text repeats and the cache can share it', () => {
    const { current, previous } = comparedPeriods('15m', undefined);
    expect(text(current)).toEqual(["ago('PT15M')", 'now()']);
    expect(text(previous)).toEqual(["ago('PT30M')", "ago('PT15M')"]);
    expect(text(comparedPeriods('1h', undefined).current)).toEqual(["ago('PT60M')", 'now()']);
  });

  it('places the previous period right before the current one when the end is given', () => {
    const { current, previous } = comparedPeriods('5m', 1_000_000);
    expect(text(current)).toEqual(['700000', '1000000']);
    expect(text(previous)).toEqual(['400000', '700000']);
    expect(current.minutes, 'not whole minutes: no tsMinute range').toBeUndefined();
    const at = Date.UTC(2026, 10, 25, 10);
    expect(comparedPeriods('5m', at).previous.minutes).toEqual({ from: at / 60_000 - 10, to: at / 60_000 - 5 });
  });

  it('yields exactly `minutes` buckets ending with the minute that contains the end', () => {
    const end = Date.UTC(2026, 10, 25, 13, 37, 30);
    const { starts, range } = minuteBuckets(3, end, 0);
    expect(starts.map(formatMinute)).toEqual(['2026-11-25 13:35:00', '2026-11-25 13:36:00', '2026-11-25 13:37:00']);
    expect(text(range)).toEqual([String(Date.UTC(2026, 10, 25, 13, 35)), String(end)]);
    expect(minuteBuckets(2, Date.UTC(2026, 10, 25, 13, 37), 0).starts.map(formatMinute)).toEqual(['2026-11-25 13:35:00', '2026-11-25 13:36:00']);
    const live = minuteBuckets(60, undefined, end);
    expect(live.starts.map(formatMinute).at(-1)).toBe('2026-11-25 13:37:00');
    expect(text(live.range)).toEqual(["ago('PT60M')", 'now()']);
    expect(live.range.minutes).toBeUndefined();
  });
});
