/** What the simulator asks of a pacer: how many orders are due, when the next is, what was sent or skipped. */
export interface OrderPacer {
  /** Orders due now, at most `max`. */
  due(now: number, max: number): number;
  /** Milliseconds until the next order is due (0 when one is due now). */
  delayUntilNext(now: number): number;
  record(count: number): void;
  /** Orders skipped so far because they fell due more than the backlog limit ago. */
  readonly skipped: number;
}

/**
 * Paces a producer at `ratePerSecond` without drift: how many orders are due is computed from
 * the time since start, so a slow send is caught up on by the next batch instead of lowering the
 * rate. At most `maxBacklogMs` worth of orders is caught up on: what fell due before that (an
 * outage) is skipped, not sent in a burst afterwards. `Infinity` means "as fast as possible".
 */
export class RatePacer implements OrderPacer {
  private sent = 0;
  private skippedTotal = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly startedAt: number,
    private readonly maxBacklogMs = 1000,
  ) {}

  /** Orders due now, at most `max`. */
  due(now: number, max: number): number {
    if (this.ratePerSecond === Infinity) return max;
    const total = Math.floor(((now - this.startedAt) * this.ratePerSecond) / 1000);
    const maxBacklog = Math.max(1, Math.floor((this.maxBacklogMs * this.ratePerSecond) / 1000));
    if (total - this.sent > maxBacklog) {
      this.skippedTotal += total - this.sent - maxBacklog;
      this.sent = total - maxBacklog;
    }
    return Math.max(0, Math.min(max, total - this.sent));
  }

  /** Milliseconds until the next order is due (0 when one is due now). */
  delayUntilNext(now: number): number {
    if (this.ratePerSecond === Infinity) return 0;
    const nextAt = this.startedAt + ((this.sent + 1) * 1000) / this.ratePerSecond;
    return Math.max(0, Math.ceil(nextAt - now));
  }

  record(count: number): void {
    this.sent += count;
  }

  /** Orders skipped so far because they fell due more than `maxBacklogMs` ago. */
  get skipped(): number {
    return this.skippedTotal;
  }
}
