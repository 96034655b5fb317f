// Moves each order through its statuses and drives its courier. Every change is committed in one
// Kafka transaction together with the service's own state record for the order (compacted topic,
// keyed by order id) and, for new orders, the consumed `orders` offsets: after a crash the state
// topic says exactly where each order was, so nothing is published twice and nothing is lost.
import {
  buildDeadLetter,
  deadLetterRecords,
  openTransactionalProducer,
  orderSchema,
  sendJsonToTopics,
  TopicFollower,
  type DeliveryStatusEvent,
  type JsonRecord,
  type Logger,
  type OrderStatusEvent,
} from '@pizzashop/common';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { DeliveryConfig } from './config.js';
import { advance, courierAt, placed, stateValueSchema, type InFlight, type LifecycleSettings, type StateValue } from './lifecycle.js';
import type { DeliveryMetrics } from './metrics.js';

export const COMPONENT = 'delivery-service';

interface Outgoing {
  statuses: OrderStatusEvent[];
  positions: DeliveryStatusEvent[];
  states: [string, StateValue][];
  deadLetters: JsonRecord[];
}

const empty = (): Outgoing => ({ statuses: [], positions: [], states: [], deadLetters: [] });

export class DeliveryService {
  private readonly inFlight = new Map<string, InFlight>();
  /** Delivered order ids, so an order read again is not started again. */
  private readonly delivered = new Set<string>();
  private readonly lastPosition = new Map<string, number>();
  private readonly settings: LifecycleSettings;
  private readonly positionIntervalMs: number;
  private readonly consumer: Consumer;
  private producer: Producer | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  stateLoaded = false;
  consuming = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly cfg: DeliveryConfig,
    private readonly log: Logger,
    private readonly metrics: DeliveryMetrics,
    private readonly random: () => number = Math.random,
  ) {
    this.settings = { shop: cfg.SHOP_LOCATION, stepMinMs: cfg.DELIVERY_STEP_MIN_MS, stepMaxMs: cfg.DELIVERY_STEP_MAX_MS, courierKmh: cfg.DELIVERY_COURIER_KMH, speedup: cfg.DELIVERY_SPEEDUP };
    this.positionIntervalMs = Math.max(cfg.DELIVERY_MIN_POSITION_INTERVAL_MS, 1000 / cfg.DELIVERY_SPEEDUP);
    this.consumer = kafka.consumer({ groupId: cfg.DELIVERY_GROUP_ID, readUncommitted: false, maxWaitTimeInMs: 100 });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.consuming = false;
      this.log.error({ err: payload.error, restart: payload.restart }, `orders consumer crashed (Kafka at ${cfg.KAFKA_BROKERS.join(',')})`);
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => (this.consuming = true));
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  async start(): Promise<void> {
    // The producer first: opening the transactional id aborts the transaction a killed predecessor
    // left open, so the state topic's last stable offset is final when it is read next.
    await this.openProducer();
    await this.loadState();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.cfg.ORDERS_TOPIC, fromBeginning: false });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (p) => this.onOrders(p) });
    this.timer = setInterval(() => void this.exclusive(() => this.tick()).catch(() => undefined), this.cfg.DELIVERY_TICK_MS);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.consumer.disconnect().catch(() => undefined);
    await this.queue.catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }

  private async openProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.producer = await openTransactionalProducer(this.kafka, this.cfg.DELIVERY_TRANSACTIONAL_ID, this.cfg.DELIVERY_TRANSACTION_TIMEOUT_MS);
    return this.producer;
  }

  /** Reads the compacted state topic to its end: every order not yet delivered resumes where it was. */
  private async loadState(): Promise<void> {
    const follower = new TopicFollower(this.kafka, {
      topic: this.cfg.DELIVERY_STATE_TOPIC,
      groupPrefix: `${COMPONENT}-state`,
      log: this.log,
      apply: (records) => {
        for (const r of records) {
          const id = r.key?.toString();
          if (!id || !r.value) continue;
          this.remember(id, stateValueSchema.parse(JSON.parse(r.value.toString())));
        }
      },
    });
    await follower.start();
    await follower.caughtUp();
    await follower.stop();
    this.stateLoaded = true;
    this.metrics.inFlight.set(this.inFlight.size);
    this.log.info({ inFlight: this.inFlight.size, delivered: this.delivered.size }, 'state loaded from the state topic; resuming orders in flight');
  }

  private remember(id: string, value: StateValue): void {
    if (value.status === 'DELIVERED') {
      this.inFlight.delete(id);
      this.lastPosition.delete(id);
      this.delivered.add(id);
    } else {
      this.inFlight.set(id, value as InFlight);
    }
  }

  /** Runs `task` after every earlier one: one producer, one transaction at a time. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async onOrders({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    await this.exclusive(async () => {
      const now = Date.now();
      const out = empty();
      const taken = new Set<string>();
      for (const m of batch.messages) {
        const parsed = m.value ? orderSchema.safeParse(safeJson(m.value.toString())) : undefined;
        if (!parsed?.success) {
          const detail = parsed ? parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'no value';
          out.deadLetters.push(...deadLetterRecords([buildDeadLetter({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value }, { reason: 'invalid-order', detail, component: COMPONENT })]));
          continue;
        }
        const id = parsed.data.id;
        if (this.inFlight.has(id) || this.delivered.has(id) || taken.has(id)) {
          this.metrics.ordersRedelivered.inc();
          continue;
        }
        taken.add(id);
        out.statuses.push({ id, status: 'PLACED_ORDER', ts: now });
        out.states.push([id, placed(this.settings, { lat: parsed.data.deliveryLat, lon: parsed.data.deliveryLon }, now, this.random)]);
      }
      await this.commit(out, { topic: batch.topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() });
      this.metrics.ordersStarted.inc(taken.size);
      this.metrics.deadLetters.inc(out.deadLetters.length);
    });
    resolveOffset(batch.lastOffset());
    await heartbeat();
  }

  /** Publishes every status change and courier position that is due. */
  private async tick(): Promise<void> {
    if (this.stopping || !this.stateLoaded) return;
    const now = Date.now();
    const out = empty();
    for (const [id, order] of this.inFlight) {
      if (order.status === 'OUT_FOR_DELIVERY' && now < order.nextAt) {
        if (now - (this.lastPosition.get(id) ?? 0) >= this.positionIntervalMs) out.positions.push({ id, ts: now, ...courierAt(this.settings, order, now), status: 'IN_TRANSIT' });
        continue;
      }
      if (now < order.nextAt) continue;
      const next = advance(this.settings, order, now, this.random);
      out.statuses.push({ id, status: next.status, ts: now });
      out.states.push([id, next]);
      if (next.status === 'DELIVERED') out.positions.push({ id, ts: now, ...order.dest, status: 'DELIVERED' });
      else if (next.status === 'OUT_FOR_DELIVERY') out.positions.push({ id, ts: now, ...this.settings.shop, status: 'IN_TRANSIT' });
    }
    if (out.statuses.length === 0 && out.positions.length === 0) return;
    await this.commit(out);
    for (const p of out.positions) this.lastPosition.set(p.id, now);
  }

  /** One transaction: statuses, positions, state records, dead letters and (for new orders) the consumed offset. */
  private async commit(out: Outgoing, offset?: { topic: string; partition: number; offset: string }): Promise<void> {
    const producer = await this.openProducer();
    try {
      const tx = await producer.transaction();
      await sendJsonToTopics(tx, [
        { topic: this.cfg.ORDER_STATUSES_TOPIC, records: out.statuses.map((s) => ({ key: s.id, value: s })) },
        { topic: this.cfg.DELIVERY_STATUSES_TOPIC, records: out.positions.map((p) => ({ key: p.id, value: p })) },
        { topic: this.cfg.DELIVERY_STATE_TOPIC, records: out.states.map(([id, value]) => ({ key: id, value })) },
        { topic: this.cfg.DEAD_LETTER_TOPIC, records: out.deadLetters },
      ]);
      if (offset) await tx.sendOffsets({ consumerGroupId: this.cfg.DELIVERY_GROUP_ID, topics: [{ topic: offset.topic, partitions: [{ partition: offset.partition, offset: offset.offset }] }] });
      await tx.commit();
    } catch (err) {
      // A producer whose transaction failed is not reused (see docs/decisions.md, the enricher's
      // transactions): the next commit opens the id again, which settles this one.
      this.metrics.failedTransactions.inc();
      this.producer = undefined;
      await producer.disconnect().catch(() => undefined);
      this.log.warn({ err }, `transaction not committed (Kafka at ${this.cfg.KAFKA_BROKERS.join(',')}); retried from the same state`);
      throw err;
    }
    this.metrics.transactions.inc();
    for (const [id, value] of out.states) this.remember(id, value);
    for (const s of out.statuses) this.metrics.statuses.inc({ status: s.status });
    this.metrics.positions.inc(out.positions.length);
    this.metrics.inFlight.set(this.inFlight.size);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
