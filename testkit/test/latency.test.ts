// Tests the bench latency percentiles: nearest rank, missing samples and negative latencies.
import { describe, expect, it } from 'vitest';
import { assertLatencies, NegativeLatencyError, summariseLatencies } from '../src/bench/latency.js';

describe('bench latency percentiles', () => {
  it('uses the nearest rank over every sample', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    const s = summariseLatencies(values, 'x');
    expect([s.p50.ms, s.p95.ms, s.p99.ms, s.maxMs]).toEqual([50, 95, 99, 100]);
  });

  it('ranks samples that never arrived after every measured one and does not state a percentile that falls among them', () => {
    const s = summariseLatencies(Array.from({ length: 98 }, () => 10), 'orders', 2);
    expect(s.p95.ms).toBe(10);
    expect(s.p99).toEqual({ ms: null, reason: '2 of 100 orders samples never arrived, so the p99 is beyond the wait' });
    expect(s.missing).toBe(2);
  });

  it('states nothing without samples, with the reason', () => {
    expect(summariseLatencies([], 'api').p50).toEqual({ ms: null, reason: 'no api sample' });
  });

  it('fails on a negative latency instead of reporting it', () => {
    expect(() => summariseLatencies([12, -996, 40], 'api freshness')).toThrow(NegativeLatencyError);
    expect(() => assertLatencies([Number.NaN], 'x')).toThrow(/negative or not a number/);
    expect(() => assertLatencies([0, 1], 'x')).not.toThrow();
  });
});
