/**
 * Latency percentiles for benches: a latency can never be negative (the bench fails if one is), and
 * samples that never arrived count as slower than any measured one instead of being left out.
 */
import { PizzashopError } from '@pizzashop/common';

/** A negative latency: the bench's clock or accounting is wrong. */
export class NegativeLatencyError extends PizzashopError {
  constructor(message: string) {
    super(message, { kind: 'internal' });
  }
}

/** A percentile, or null with the reason it cannot be stated. */
export type Percentile = { ms: number; reason?: undefined } | { ms: null; reason: string };

export interface LatencySummary {
  /** Samples measured (arrived). */
  samples: number;
  /** Samples that never arrived within the bench's wait. */
  missing: number;
  p50: Percentile;
  p95: Percentile;
  p99: Percentile;
  /** Largest measured latency (null without samples). */
  maxMs: number | null;
}

/** Throws NegativeLatencyError naming `what` if any latency is negative or not a number. */
export function assertLatencies(values: readonly number[], what: string): void {
  const bad = values.find((v) => !(v >= 0));
  if (bad !== undefined) {
    throw new NegativeLatencyError(`${what}: latency ${bad} ms is negative or not a number; the bench's clock or its accounting is wrong, so none of its figures can be trusted`);
  }
}

/**
 * p50/p95/p99 over `values` plus `missing` samples that never arrived (ranked after every measured
 * one): a percentile whose rank falls among the missing is not stated, with the reason.
 * Nearest-rank definition: the p-th percentile of n samples is the ceil(p/100 * n)-th smallest.
 */
export function summariseLatencies(values: readonly number[], what: string, missing = 0): LatencySummary {
  assertLatencies(values, what);
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length + missing;
  const at = (p: number): Percentile => {
    if (n === 0) return { ms: null, reason: `no ${what} sample` };
    const rank = Math.max(1, Math.ceil((p / 100) * n));
    if (rank > sorted.length) return { ms: null, reason: `${missing} of ${n} ${what} samples never arrived, so the p${p} is beyond the wait` };
    return { ms: sorted[rank - 1] as number };
  };
  return { samples: sorted.length, missing, p50: at(50), p95: at(95), p99: at(99), maxMs: sorted.at(-1) ?? null };
}

/** Milliseconds on a clock that never goes backwards (wall-clock steps do not affect latencies). */
export function monotonicMs(): number {
  return performance.timeOrigin + performance.now();
}
