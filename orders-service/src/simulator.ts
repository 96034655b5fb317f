import { randomUUID } from 'node:crypto';
import type { Logger, Order } from '@pizzashop/common';
import type { CatalogueStore } from './catalogue-store.js';
import { generateOrder } from './order-generator.js';
import type { OrderPublisher } from './order-publisher.js';
import { RatePacer } from './rate-pacer.js';

export interface SimulatorOptions {
  /** Orders per second; Infinity for as fast as possible. */
  rate: number;
  batchSize: number;
  progressEvery: number;
  /** Stop after this many orders (bounded benchmark mode); unbounded when absent. */
  count?: number;
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

/** Generates orders from the catalogue at a paced rate and publishes them in batches. */
export class Simulator {
  private stopped = false;
  private acknowledged = 0;
  private items = 0;

  constructor(
    private readonly catalogue: CatalogueStore,
    private readonly publisher: OrderPublisher,
    private readonly options: SimulatorOptions,
    private readonly log: Logger,
    private readonly onAcknowledged: (orders: number) => void,
  ) {}

  /** Runs until `stop()` or until `count` orders were acknowledged by Kafka. */
  async run(): Promise<SimulatorResult> {
    await this.publisher.untilConnected();
    const startedAt = Date.now();
    const pacer = new RatePacer(this.options.rate, startedAt);
    const inFlight = new Set<Promise<void>>();
    let generated = 0;
    let nextProgress = this.options.progressEvery;
    while (!this.stopped && generated < (this.options.count ?? Infinity)) {
      const remaining = (this.options.count ?? Infinity) - generated;
      const n = pacer.due(Date.now(), Math.min(this.options.batchSize, remaining));
      if (n === 0) {
        await sleep(Math.max(MIN_TICK_MS, pacer.delayUntilNext(Date.now())));
        continue;
      }
      const now = new Date();
      const orders = Array.from({ length: n }, () => generateOrder(this.catalogue.current, Math.random, now, randomUUID()));
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

  /** Stops generating; `run()` resolves once the batches already generated are acknowledged. */
  stop(): void {
    this.stopped = true;
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
        this.log.warn({ err: (err as Error).message, orders: orders.length }, 'simulator batch not acknowledged, retrying');
        await sleep(RETRY_DELAY_MS);
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
