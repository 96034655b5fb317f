// Paces the simulator as a non-homogeneous Poisson process around a rate curve.
import type { OrderPacer } from './rate-pacer.js';
import { exponential, type Random } from './seeded-random.js';

/**
 * Paces a producer as a non-homogeneous Poisson process: arrival times are drawn by thinning from
 * `rateAt(realTime)` (orders per second, at most `maxRate`), so the counts per second vary like real
 * arrivals around the curve instead of being flat. Like RatePacer, arrivals that fell due more than
 * `maxBacklogMs` ago (an outage) are skipped, not sent in a burst afterwards.
 */
export class PoissonPacer implements OrderPacer {
  private readonly pending: number[] = [];
  private next: number;
  private skippedTotal = 0;

  constructor(
    private readonly rateAt: (realTime: number) => number,
    private readonly maxRate: number,
    private readonly random: Random,
    startedAt: number,
    private readonly maxBacklogMs = 1000,
  ) {
    if (!(maxRate > 0) || !Number.isFinite(maxRate)) throw new Error(`poisson pacer: the highest rate must be a positive number, got ${maxRate}`);
    this.next = this.arrivalAfter(startedAt);
  }

  /** The next arrival after `t`, by thinning a process of rate `maxRate`. */
  private arrivalAfter(t: number): number {
    let at = t;
    for (;;) {
      at += (exponential(this.random) * 1000) / this.maxRate;
      if (this.random() * this.maxRate < this.rateAt(at)) return at;
    }
  }

  due(now: number, max: number): number {
    while (this.next <= now) {
      this.pending.push(this.next);
      this.next = this.arrivalAfter(this.next);
    }
    let stale = 0;
    while (stale < this.pending.length && this.pending[stale]! < now - this.maxBacklogMs) stale++;
    if (stale > 0) {
      this.pending.splice(0, stale);
      this.skippedTotal += stale;
    }
    return Math.min(max, this.pending.length);
  }

  delayUntilNext(now: number): number {
    return this.pending.length > 0 ? 0 : Math.max(0, Math.ceil(this.next - now));
  }

  record(count: number): void {
    this.pending.splice(0, count);
  }

  get skipped(): number {
    return this.skippedTotal;
  }
}
