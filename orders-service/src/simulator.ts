// The order simulator: generates, prices and publishes orders at a flat rate or along the daily
// traffic model.
import { randomUUID } from 'node:crypto';
import type { Logger, Order } from '@pizzashop/common';
import type { CatalogueProduct } from './catalogue.js';
import type { CatalogueSnapshot, CatalogueStore } from './catalogue-store.js';
import { generateOrderRequest, SIMULATOR_BOUNDS, type Catalogue, type GeneratorBounds } from './order-generator.js';
import type { OrderPublisher } from './order-publisher.js';
import { priceOrder } from './pricing.js';
import { PoissonPacer } from './poisson-pacer.js';
import { RatePacer, type OrderPacer } from './rate-pacer.js';
import type { Random } from './seeded-random.js';
import { categoryWeight, type SimulatedClock, type TrafficModel } from './traffic-model.js';
import { inServiceArea, type ServiceArea } from './service-area.js';

/**
 * The shape of the simulated traffic: `flat` paces exactly `rate` orders per second (benchmarks);
 * `daily` draws Poisson arrivals around the model's daily curve at the clock's simulated time, and
 * mixes order contents by the simulated time of day.
 */
export type Traffic = { profile: 'flat' } | { profile: 'daily'; model: TrafficModel; clock: SimulatedClock };

export interface SimulatorOptions {
  /** Orders per second of the flat profile (Infinity for as fast as possible); the daily profile's model has its own mean. */
  rate: number;
  traffic: Traffic;
  /** Source of every random choice of the simulator but order ids (seeded: reproducible runs). */
  random: Random;
  batchSize: number;
  progressEvery: number;
  /** Stop after this many orders (bounded benchmark mode); unbounded when absent. */
  count?: number;
  serviceArea: ServiceArea;
  /** Item and quantity bounds of the ingest rules: the simulator stays within them. */
  bounds: GeneratorBounds;
}

export interface SimulatorResult {
  orders: number;
  items: number;
  elapsedMs: number;
  ordersPerSecond: number;
}

const MAX_SENDS_IN_FLIGHT = 2;
const RETRY_DELAY_MS = 1000;
/**
 * Shortest wait between sends: at high rates orders are gathered for this long into one send
 * instead of one send per order (sends of the idempotent producer are serialised per broker).
 */
const MIN_TICK_MS = 10;

/**
 * Generates orders at a paced rate and publishes them in batches. Each order is what a customer
 * asks for (`generateOrderRequest`), priced by `priceOrder` like an HTTP order. While Kafka is
 * unavailable nothing is generated, and what fell due meanwhile is skipped (no burst afterwards).
 */
export class Simulator {
  private stopped = false;
  private acknowledged = 0;
  private items = 0;
  private orderable: { snapshot: CatalogueSnapshot; catalogue: Catalogue } | undefined;

  constructor(
    private readonly store: CatalogueStore,
    private readonly publisher: OrderPublisher,
    private readonly options: SimulatorOptions,
    private readonly log: Logger,
    private readonly onAcknowledged: (orders: number) => void,
    private readonly onSkipped: (orders: number) => void,
  ) {}

  /** Runs until `stop()` or until `count` orders were acknowledged by Kafka. */
  async run(): Promise<SimulatorResult> {
    await this.publisher.untilConnected();
    const startedAt = Date.now();
    const pacer = this.pacer(startedAt);
    const inFlight = new Set<Promise<void>>();
    let generated = 0;
    let skipped = 0;
    let nextProgress = this.options.progressEvery;
    while (!this.stopped && generated < (this.options.count ?? Infinity)) {
      if (!this.publisher.available) {
        await sleep(MIN_TICK_MS * 10);
        continue;
      }
      const remaining = (this.options.count ?? Infinity) - generated;
      const n = pacer.due(Date.now(), Math.min(this.options.batchSize, remaining));
      if (pacer.skipped > skipped) {
        this.log.warn({ skipped: pacer.skipped - skipped }, 'simulator skipped the orders due while Kafka was unavailable (no burst)');
        this.onSkipped(pacer.skipped - skipped);
        skipped = pacer.skipped;
      }
      if (n === 0) {
        await sleep(Math.max(MIN_TICK_MS, pacer.delayUntilNext(Date.now())));
        continue;
      }
      const orders = this.generate(n, new Date().toISOString());
      pacer.record(n);
      generated += n;
      const send = this.publishUntilAcknowledged(orders).then(() => {
        inFlight.delete(send);
        if (this.acknowledged >= nextProgress) {
          nextProgress += this.options.progressEvery;
          const seconds = (Date.now() - startedAt) / 1000;
          this.log.info({ orders: this.acknowledged, ordersPerSecond: Math.round(this.acknowledged / seconds) }, 'simulator progress');
        }
      });
      inFlight.add(send);
      if (inFlight.size >= MAX_SENDS_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const elapsedMs = Date.now() - startedAt;
    return {
      orders: this.acknowledged,
      items: this.items,
      elapsedMs,
      ordersPerSecond: Math.round((this.acknowledged * 1000) / Math.max(1, elapsedMs)),
    };
  }

  private pacer(startedAt: number): OrderPacer {
    const { traffic, rate, random } = this.options;
    if (traffic.profile === 'flat' || rate === Infinity) return new RatePacer(rate, startedAt);
    return new PoissonPacer((t) => traffic.model.rateAt(traffic.clock.simTime(t)), traffic.model.maxRate, random, startedAt);
  }

  /** Stops generating; `run()` resolves once the batches already generated are acknowledged. */
  stop(): void {
    this.stopped = true;
  }

  /** `n` orders priced from one catalogue snapshot; a refusal here is a bug in the generator. */
  private generate(n: number, createdAt: string): Order[] {
    const snapshot = this.store.current;
    const catalogue = this.catalogueOf(snapshot);
    const { traffic, random, bounds } = this.options;
    const simTime = traffic.profile === 'daily' ? traffic.clock.simTime(Date.parse(createdAt)) : undefined;
    const weight = simTime === undefined ? undefined : (p: CatalogueProduct) => categoryWeight(p.category, simTime);
    return Array.from({ length: n }, () => {
      const priced = priceOrder(generateOrderRequest(catalogue, random, bounds, weight), snapshot, this.options.serviceArea, randomUUID(), createdAt);
      if (!priced.ok) throw new Error(`simulator generated an order the pricing refuses: ${JSON.stringify(priced.problems)}`);
      return priced.order;
    });
  }

  /** Products and the customers inside the service area, computed once per catalogue snapshot. */
  private catalogueOf(snapshot: CatalogueSnapshot): Catalogue {
    if (this.orderable?.snapshot !== snapshot) {
      const customers = [...snapshot.customers.values()].filter((c) => inServiceArea(this.options.serviceArea, c));
      this.orderable = { snapshot, catalogue: { customers, products: [...snapshot.products.values()] } };
    }
    return this.orderable.catalogue;
  }

  private async publishUntilAcknowledged(orders: Order[]): Promise<void> {
    for (;;) {
      try {
        await this.publisher.publish(orders);
        this.acknowledged += orders.length;
        this.items += orders.reduce((sum, o) => sum + o.items.length, 0);
        this.onAcknowledged(orders.length);
        return;
      } catch (err) {
        this.log.warn({ err, orders: orders.length }, 'simulator batch not acknowledged, retrying');
        await sleep(RETRY_DELAY_MS);
      }
    }
  }
}

/** The simulator's bounds within the configured ingest rules. */
export function simulatorBounds(rules: { maxItems: number; maxQuantity: number }): GeneratorBounds {
  return { maxItems: Math.min(SIMULATOR_BOUNDS.maxItems, rules.maxItems), maxQuantity: Math.min(SIMULATOR_BOUNDS.maxQuantity, rules.maxQuantity) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
