// Unit tests of retryUntilDone.
import { describe, expect, it } from 'vitest';
import { retryUntilDone } from '../src/retry.js';

describe('retryUntilDone', () => {
  it('retries a failing task with growing, capped pauses until it resolves', async () => {
    const pauses: number[] = [];
    const result = await retryUntilDone(
      async (attempt) => {
        if (attempt < 4) throw new Error(`fail ${attempt}`);
        return attempt;
      },
      { stepMs: 2, maxDelayMs: 5, onFailure: (_err, retryInMs) => pauses.push(retryInMs) },
    );
    expect(result).toBe(4);
    expect(pauses).toEqual([2, 4, 5]);
  });

  it('stops, resolving undefined, once keepGoing says no', async () => {
    let attempts = 0;
    const result = await retryUntilDone(
      async () => {
        attempts++;
        throw new Error('down');
      },
      { stepMs: 1, keepGoing: () => attempts < 2, onFailure: () => undefined },
    );
    expect(result).toBeUndefined();
    expect(attempts).toBe(2);
  });
});
