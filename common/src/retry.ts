// retryUntilDone: runs a task until it resolves, with a growing pause after each failure.
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Pause after the n-th failure: min(maxDelayMs, stepMs x n). */
  stepMs: number;
  maxDelayMs?: number;
  /** Asked before every attempt; false ends the retries and the result is undefined. */
  keepGoing?: () => boolean;
  /** Told about every failure, with the pause before the next attempt (e.g. to log what to fix). */
  onFailure: (err: unknown, retryInMs: number, attempt: number) => void;
}

/** Runs `task` until it resolves, pausing a little longer after each failure. */
export async function retryUntilDone<T>(task: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T | undefined> {
  for (let attempt = 1; o.keepGoing?.() ?? true; attempt++) {
    try {
      return await task(attempt);
    } catch (err) {
      const retryInMs = Math.min(o.maxDelayMs ?? 10_000, o.stepMs * attempt);
      o.onFailure(err, retryInMs, attempt);
      await sleep(retryInMs);
    }
  }
  return undefined;
}
