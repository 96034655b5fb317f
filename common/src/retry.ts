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

/**
 * Pauses between attempts to start a new Kafka consumer after kafkajs gave up on one (no group
 * coordinator while the broker restarts): 1 s more per attempt, at most 5 s, so a consumer is back
 * within seconds of the broker however long it was away (an attempt costs one connect and join).
 */
export const CONSUMER_RESTART_PAUSES = { stepMs: 1000, maxDelayMs: 5000 } as const;

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
