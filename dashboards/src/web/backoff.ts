/** When to try the live stream again after it failed `attempt` times in a row. */
export interface BackoffPolicy {
  /** Delay before the first retry. */
  initialMs: number;
  /** Upper bound of any delay, so a page recovers within this long after the API is back. */
  maxMs: number;
  /** Growth per failed attempt. */
  factor: number;
  /** Random spread as a fraction of the delay (0.2 = ±20%), so many pages do not retry in step. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 10_000, factor: 2, jitter: 0.2 };

/**
 * Exponential backoff with jitter: attempt 1 waits about `initialMs`, each further attempt `factor`
 * times longer, never more than `maxMs`. `random` returns [0, 1) (Math.random; tests pass a fixed one).
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** exponent);
  const spread = base * policy.jitter * (2 * random() - 1);
  return Math.round(Math.max(0, Math.min(policy.maxMs, base + spread)));
}
