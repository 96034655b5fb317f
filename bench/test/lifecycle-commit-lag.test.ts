// Unit test of the lifecycle bench's delivery-service commit lag and transactions between two metric scrapes.
import { describe, expect, it } from 'vitest';
import { commitLagBetween, transactionsBetween, type DeliveryCounts } from '../lifecycle/report.js';

const lag = (counts: number[], sum: number) => ({ buckets: [0.1, 0.5, 1, Infinity].map((le, i) => ({ le, count: counts[i]! })), sum });

describe('lifecycle bench: the delivery-service commit lag of a stage', () => {
  it('takes the changes between two scrapes: mean from the sums, p95 as the upper bound of its bucket', () => {
    const before = lag([10, 10, 10, 10], 1);
    const after = lag([10, 60, 105, 110], 41);
    expect(commitLagBetween(before, after)).toEqual({ changes: 100, meanMs: 400, p95UpToMs: 1000 });
  });

  it('says when the p95 is beyond the last finite bound, and when nothing was committed', () => {
    expect(commitLagBetween(lag([0, 0, 0, 0], 0), lag([0, 0, 90, 100], 80)).p95UpToMs).toBeNull();
    expect(commitLagBetween(lag([5, 5, 5, 5], 1), lag([5, 5, 5, 5], 1))).toEqual({ changes: 0, meanMs: null, p95UpToMs: null });
  });
});

describe('lifecycle bench: the delivery-service transactions of a stage', () => {
  const counts = (count: number, seconds: number): DeliveryCounts => ({ statuses: 0, delivered: 0, lag: lag([0, 0, 0, 0], 0), transactions: { count, seconds }, cpuSeconds: 0 });

  it('gives transactions per second of the stage and their mean time', () => {
    expect(transactionsBetween(counts(10, 1), counts(50, 9), 20)).toEqual({ perSecond: 2, meanMs: 200 });
  });

  it('has no mean time without a transaction', () => {
    expect(transactionsBetween(counts(10, 1), counts(10, 1), 20)).toEqual({ perSecond: 0, meanMs: null });
  });
});
