// Unit tests of backoffDelay: doubling to the cap, jitter, custom policies.
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../src/web/backoff.js';

const middle = () => 0.5;

describe('backoffDelay', () => {
  it('doubles from 1 s up to the 10 s cap', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map((a) => backoffDelay(a, DEFAULT_BACKOFF, middle))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('spreads retries by ±20% and never exceeds the cap', () => {
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(800);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0.999999)).toBe(1200);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(3200);
    expect(backoffDelay(9, DEFAULT_BACKOFF, () => 0.999999)).toBe(10_000);
    expect(backoffDelay(9, DEFAULT_BACKOFF, () => 0)).toBe(8000);
  });

  it('treats attempt 0 or less like the first', () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, middle)).toBe(1000);
    expect(backoffDelay(-3, DEFAULT_BACKOFF, middle)).toBe(1000);
  });

  it('follows a custom policy', () => {
    const policy = { initialMs: 250, maxMs: 60_000, factor: 3, jitter: 0 };
    expect([1, 2, 3, 4, 8, 9].map((a) => backoffDelay(a, policy))).toEqual([250, 750, 2250, 6750, 60_000, 60_000]);
  });
});
