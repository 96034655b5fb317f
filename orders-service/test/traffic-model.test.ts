// Tests the traffic model: daily peaks, weekly mean, bursts and the Poisson arrivals it drives.
import { describe, expect, it } from 'vitest';
import { generateOrderRequest } from '../src/order-generator.js';
import { PoissonPacer } from '../src/poisson-pacer.js';
import { seededRandom } from '../src/seeded-random.js';
import { categoryWeight, DEFAULT_DAILY_CURVE, SimulatedClock, TrafficModel, type TrafficModelOptions } from '../src/traffic-model.js';

const HOUR = 3_600_000;
/** A Wednesday, 00:00 UTC. */
const WEDNESDAY = Date.parse('2026-12-02T00:00:00Z');
const SATURDAY = Date.parse('2026-12-05T00:00:00Z');
const options: TrafficModelOptions = { meanRate: 10, dailyCurve: DEFAULT_DAILY_CURVE, weekendFactor: 1.3, burstsPerDay: 0, burstFactor: 3, burstMs: 10 * 60_000 };

/** Arrivals per second over `seconds` seconds of a pacer driven at `rate(t)` from a seed. */
function countsPerSecond(rate: (t: number) => number, maxRate: number, seed: number, seconds: number): number[] {
  const pacer = new PoissonPacer(rate, maxRate, seededRandom(seed), 0, Infinity);
  const counts: number[] = [];
  for (let s = 1; s <= seconds; s++) {
    const n = pacer.due(s * 1000, Number.MAX_SAFE_INTEGER);
    pacer.record(n);
    counts.push(n);
  }
  return counts;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => mean(xs.map((x) => (x - mean(xs)) ** 2));

describe('TrafficModel', () => {
  it('has quiet nights and lunch and dinner peaks, with a mean of SIMULATOR_RATE over a week', () => {
    const model = new TrafficModel(options, seededRandom(1));
    const at = (hour: number) => model.rateAt(WEDNESDAY + hour * HOUR);
    expect(at(13)).toBeGreaterThan(2 * at(16));
    expect(at(20)).toBeGreaterThan(2 * at(16));
    expect(at(20)).toBeGreaterThan(at(13));
    expect(at(4)).toBeLessThan(at(13) / 10);
    expect(model.rateAt(SATURDAY + 13 * HOUR) / model.rateAt(WEDNESDAY + 13 * HOUR)).toBeCloseTo(1.3, 6);
    let sum = 0;
    const steps = 7 * 24 * 60;
    for (let m = 0; m < steps; m++) sum += model.rateAt(WEDNESDAY + m * 60_000);
    expect(sum / steps).toBeCloseTo(10, 1);
  });

  it('raises the rate by the burst factor during bursts, as often as configured', () => {
    const model = new TrafficModel({ ...options, dailyCurve: Array(24).fill(1), weekendFactor: 1, burstsPerDay: 24, burstMs: 5 * 60_000 }, seededRandom(7));
    let bursting = 0;
    let starts = 0;
    let before = false;
    const rates = new Set<number>();
    const minutes = 20 * 24 * 60;
    for (let m = 0; m < minutes; m++) {
      const rate = model.rateAt(WEDNESDAY + m * 60_000);
      rates.add(Math.round(rate * 1e6) / 1e6);
      const now = rate > 10;
      if (now) bursting++;
      if (now && !before) starts++;
      before = now;
    }
    expect([...rates].sort((a, b) => a - b)).toEqual([10, 30]);
    expect(starts / 20).toBeGreaterThan(24 * 0.8);
    expect(starts / 20).toBeLessThan(24 * 1.2);
    expect(bursting).toBeGreaterThan(starts * 4);
  });

  it('refuses a curve without 24 weights', () => {
    expect(() => new TrafficModel({ ...options, dailyCurve: [1, 2, 3] }, seededRandom(1))).toThrow(/24 non-negative/);
  });
});

describe('PoissonPacer', () => {
  it('draws Poisson counts: mean within 3% of the rate and variance close to the mean for a seed', () => {
    const counts = countsPerSecond(() => 50, 50, 42, 2000);
    expect(Math.abs(mean(counts) - 50)).toBeLessThan(1.5);
    // A Poisson count has variance = mean; a flat pacer would have ~0.
    expect(variance(counts) / mean(counts)).toBeGreaterThan(0.85);
    expect(variance(counts) / mean(counts)).toBeLessThan(1.15);
  });

  it('follows a varying rate by thinning', () => {
    const counts = countsPerSecond((t) => (t < 500_000 ? 10 : 40), 40, 3, 1000);
    expect(mean(counts.slice(0, 490))).toBeCloseTo(10, 0);
    expect(mean(counts.slice(510))).toBeGreaterThan(38);
    expect(mean(counts.slice(510))).toBeLessThan(42);
  });

  it('replays the same arrivals for the same seed, other arrivals for another', () => {
    const a = countsPerSecond(() => 20, 20, 11, 200);
    expect(countsPerSecond(() => 20, 20, 11, 200)).toEqual(a);
    expect(countsPerSecond(() => 20, 20, 12, 200)).not.toEqual(a);
  });

  it('skips what fell due more than the backlog limit ago', () => {
    const pacer = new PoissonPacer(() => 100, 100, seededRandom(5), 0, 1000);
    const n = pacer.due(10_000, Number.MAX_SAFE_INTEGER);
    expect(n).toBeGreaterThan(70);
    expect(n).toBeLessThan(130);
    expect(pacer.skipped).toBeGreaterThan(800);
  });
});

describe('SimulatedClock', () => {
  it('plays `acceleration` simulated ms per real ms from the start time', () => {
    const clock = new SimulatedClock(1000, WEDNESDAY, 60);
    expect(clock.simTime(1000 + 60_000)).toBe(WEDNESDAY + HOUR);
  });
});

describe('order contents by time of day', () => {
  const categories = ['beverages', 'pizzas-veg', 'pizzas-non-veg', 'sides', 'desserts', 'pasta'];
  const catalogue = {
    customers: [{ id: 1, lat: 12.97, lon: 77.59 }],
    products: Array.from({ length: 60 }, (_, i) => ({ id: String(i + 1), price: 100, category: categories[i % categories.length]! })),
  };
  const byId = new Map(catalogue.products.map((p) => [p.id, p.category]));

  function shares(simTime: number): Record<string, number> {
    const random = seededRandom(9);
    const units: Record<string, number> = {};
    let total = 0;
    for (let i = 0; i < 3000; i++) {
      const order = generateOrderRequest(catalogue, random, { maxItems: 4, maxQuantity: 1 }, (p) => categoryWeight(p.category, simTime));
      for (const item of order.items) {
        const category = byId.get(String(item.productId))!;
        units[category] = (units[category] ?? 0) + 1;
        total++;
      }
    }
    return Object.fromEntries(Object.entries(units).map(([c, n]) => [c, n / total]));
  }

  it('puts more beverages in lunch orders and more pizzas in dinner orders', () => {
    const lunch = shares(WEDNESDAY + 12.5 * HOUR);
    const dinner = shares(WEDNESDAY + 20 * HOUR);
    expect(lunch.beverages!).toBeGreaterThan(1.8 * dinner.beverages!);
    expect(dinner['pizzas-veg']! + dinner['pizzas-non-veg']!).toBeGreaterThan(1.8 * (lunch['pizzas-veg']! + lunch['pizzas-non-veg']!));
  });
});
