// Unit tests of stalledPartitions: owned partitions whose committed offset stopped moving.
import { describe, expect, it } from 'vitest';
import { stalledPartitions, type PartitionProgress } from '../src/progress-watch.js';

const at = (committed: number, end: number, since: number): PartitionProgress => ({ committed: BigInt(committed), end: BigInt(end), since });

describe('stalledPartitions', () => {
  const progress = new Map([
    [0, at(10, 50, 0)],
    [1, at(50, 50, 0)],
    [2, at(10, 50, 55_000)],
    [3, at(10, 50, 0)],
  ]);
  it('names owned partitions with a backlog whose committed offset has not moved for the stall time', () => {
    expect(stalledPartitions(progress, new Set([0, 1, 2]), 60_000, 30_000)).toEqual([0]);
  });
  it('ignores caught-up partitions, recent progress and partitions another instance owns', () => {
    expect(stalledPartitions(progress, new Set([1, 2]), 60_000, 30_000)).toEqual([]);
    expect(stalledPartitions(progress, new Set([0, 3]), 20_000, 30_000)).toEqual([]);
  });
});
