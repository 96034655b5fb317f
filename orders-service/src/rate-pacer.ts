/**
 * Paces a producer at `ratePerSecond` without drift: how many orders are due is computed from
 * the time since start, so a slow send is caught up on by the next batch instead of lowering the
 * rate. `Infinity` means "as fast as possible".
 */
export class RatePacer {
  private sent = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly startedAt: number,
  ) {}

  /** Orders due now, at most `max`. */
  due(now: number, max: number): number {
    if (this.ratePerSecond === Infinity) return max;
    const total = Math.floor(((now - this.startedAt) * this.ratePerSecond) / 1000);
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
}
