// The simulated traffic's shape: daily curve with lunch and dinner peaks, weekends, bursts, category
// mix by hour, and a simulated clock.
import { exponential, type Random } from './seeded-random.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Relative order intensity at each hour of the day (00:00..23:00, interpolated linearly between
 * hours): quiet nights, a lunch peak around 13:00 and a higher dinner peak around 20:00.
 */
export const DEFAULT_DAILY_CURVE: readonly number[] = [
  0.25, 0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.4, 0.6, 0.7, 0.9, 1.4, 2.2, 2.4, 1.6, 0.9, 0.8, 1.0, 1.6, 2.4, 2.8, 2.2, 1.2, 0.6,
];

export interface TrafficModelOptions {
  /** Mean orders per second over a week (SIMULATOR_RATE). */
  meanRate: number;
  /** 24 relative weights, one per hour; normalised so the day's mean is 1. */
  dailyCurve: readonly number[];
  /** Saturday and Sunday intensity relative to a weekday (e.g. 1.3). */
  weekendFactor: number;
  /** Expected bursts per simulated day (0: none). */
  burstsPerDay: number;
  /** Intensity multiplier during a burst. */
  burstFactor: number;
  /** Length of a burst in simulated time. */
  burstMs: number;
}

/**
 * Orders per (real) second at a simulated instant: the daily curve (linear between hours, in UTC),
 * the weekday/weekend factor and occasional bursts, scaled so that the mean over a week is
 * `meanRate`. Bursts start as a Poisson process in simulated time drawn from `random`, so a seeded
 * model gives the same bursts. Ask `rateAt` with non-decreasing times (bursts are drawn lazily).
 */
export class TrafficModel {
  private readonly curve: number[];
  private readonly weekday: number;
  private readonly weekend: number;
  private nextBurstAt: number | undefined;
  private burstEndsAt = -Infinity;

  constructor(
    private readonly options: TrafficModelOptions,
    private readonly random: Random,
  ) {
    if (options.dailyCurve.length !== 24 || options.dailyCurve.some((w) => !(w >= 0))) {
      throw new Error('traffic model: the daily curve needs 24 non-negative hourly weights (SIMULATOR_DAILY_CURVE)');
    }
    const mean = options.dailyCurve.reduce((a, b) => a + b, 0) / 24;
    if (!(mean > 0)) throw new Error('traffic model: the daily curve is all zeros (SIMULATOR_DAILY_CURVE)');
    this.curve = options.dailyCurve.map((w) => w / mean);
    this.weekday = 7 / (5 + 2 * options.weekendFactor);
    this.weekend = this.weekday * options.weekendFactor;
  }

  /** The curve's factor at `simTime` (mean 1 over a day), without day factor or bursts. */
  curveAt(simTime: number): number {
    const hour = ((((simTime % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
    const h = Math.floor(hour);
    const frac = hour - h;
    return this.curve[h]! * (1 - frac) + this.curve[(h + 1) % 24]! * frac;
  }

  /** The weekday/weekend factor of `simTime` (UTC days; the week's mean is 1). */
  dayFactor(simTime: number): number {
    const day = new Date(simTime).getUTCDay();
    return day === 0 || day === 6 ? this.weekend : this.weekday;
  }

  /** Whether a burst is under way at `simTime`. */
  inBurst(simTime: number): boolean {
    const { burstsPerDay, burstMs } = this.options;
    if (burstsPerDay <= 0) return false;
    this.nextBurstAt ??= simTime + (exponential(this.random) * DAY_MS) / burstsPerDay;
    while (this.nextBurstAt <= simTime) {
      this.burstEndsAt = this.nextBurstAt + burstMs;
      this.nextBurstAt += burstMs + (exponential(this.random) * DAY_MS) / burstsPerDay;
    }
    return simTime < this.burstEndsAt;
  }

  /** Orders per second at `simTime`. */
  rateAt(simTime: number): number {
    const burst = this.inBurst(simTime) ? this.options.burstFactor : 1;
    return this.options.meanRate * this.curveAt(simTime) * this.dayFactor(simTime) * burst;
  }

  /** The highest rate the model can reach (for thinning). */
  get maxRate(): number {
    return this.options.meanRate * Math.max(...this.curve) * Math.max(this.weekday, this.weekend) * Math.max(1, this.options.burstFactor);
  }
}

/** 1 at `center` hours, falling smoothly (cosine) to 0 at `halfWidth` hours either side. */
function bump(hour: number, center: number, halfWidth: number): number {
  const d = Math.abs(hour - center);
  return d >= halfWidth ? 0 : (1 + Math.cos((Math.PI * d) / halfWidth)) / 2;
}

/**
 * How much more (or less) likely a product of `category` is to be in an order placed at `simTime`
 * (UTC hour): beverages up to 3x as likely around lunch (13:00 +- 3 h), pizzas up to 3x around
 * dinner (20:00 +- 3 h) and a little less at lunch, so category shares move over the day like the
 * order count does, smoothly (no step at a given hour).
 */
export function categoryWeight(category: string | undefined, simTime: number): number {
  const hour = (((simTime % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
  if (category === 'beverages') return 1 + 2 * bump(hour, 13, 3);
  if (category?.startsWith('pizzas')) return 1 + 2 * bump(hour, 20, 3) - 0.4 * bump(hour, 13, 3);
  return 1;
}

/** Maps real time to simulated time: `acceleration` simulated ms per real ms from `simStart`. */
export class SimulatedClock {
  constructor(
    private readonly realStart: number,
    private readonly simStart: number,
    private readonly acceleration: number,
  ) {}

  simTime(realTime: number): number {
    return this.simStart + (realTime - this.realStart) * this.acceleration;
  }
}
