// Moves each order through its statuses and drives its courier. One loop publishes, every cycle and
// in one Kafka transaction, what the cycle has: the orders taken in since the last one (PLACED_ORDER,
// their plan record in the compacted state topic, the consumed `orders` offsets) and the statuses
// and courier positions due (at most a cycle's worth), with a checkpoint record saying "every status
// due by T is published". After a crash the plans and the checkpoint say exactly where each order
// is, so nothing is published twice and nothing is lost.
import {
  buildDeadLetter,
  deadLetterRecords,
  describeIssues,
  isFencedProducerError,
  openTransactionalProducer,
  ORDER_STATUSES,
  orderSchema,
  sendJsonToTopics,
  TopicFollower,
  withAdmin,
  type DeliveryStatusEvent,
  type JsonRecord,
  type LatLon,
  type Logger,
  type OrderStatusEvent,
} from '@pizzashop/common';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { z } from 'zod';
import type { DeliveryConfig } from './config.js';
import { DueQueue } from './due-queue.js';
import { courierAt, DELIVERED, dueBy, fromLegacy, legacyStateSchema, OUT_FOR_DELIVERY, plan, planSchema, type LifecycleSettings, type Plan } from './lifecycle.js';
import type { DeliveryMetrics } from './metrics.js';
import { startNewGroupAt } from './start-point.js';

export const COMPONENT = 'delivery-service';

/** Key of the checkpoint record in the state topic (order ids are UUIDs, so it is never an order's). */
export const CHECKPOINT_KEY = 'checkpoint';
const checkpointSchema = z.object({ checkpoint: z.number() });

/**
 * kafkajs hands this many `orders` partitions' batches to us at once, so one cycle takes in the
 * orders of every partition that has some (each batch waits for the cycle that commits it).
 */
const PARTITIONS_AT_ONCE = 64;

/** An order on its way: its plan, how many of its statuses are published, when its courier's last position was. */
interface Tracked {
  id: string;
  plan: Plan;
  published: number;
  positionAt: number;
}

/** New orders of one `orders` batch, waiting for the cycle that takes them in. */
interface Intake {
  partition: number;
  nextOffset: string;
  orders: { id: string; dest: LatLon }[];
  deadLetters: JsonRecord[];
  committed: () => void;
  failed: (err: unknown) => void;
}

interface Outgoing {
  statuses: OrderStatusEvent[];
  positions: DeliveryStatusEvent[];
  states: JsonRecord[];
  deadLetters: JsonRecord[];
}

export class DeliveryService {
  private readonly inFlight = new Map<string, Tracked>();
  /** The orders in flight by the time their next status or position is due. */
  private readonly due = new DueQueue<Tracked>();
  /** Delivered order ids, so an order read again is not started again. */
  private readonly delivered = new Set<string>();
  /** Every status due by this time is published (the last committed checkpoint; never goes back). */
  private through = 0;
  private intake: Intake[] = [];
  private readonly settings: LifecycleSettings;
  private readonly positionIntervalMs: number;
  private readonly consumer: Consumer;
  private producer: Producer | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
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
    this.loop = this.run();
    const since = Date.now() - this.cfg.DELIVERY_NEW_GROUP_LOOKBACK_MS;
    const start = await withAdmin(this.kafka, (admin) => startNewGroupAt(admin, this.cfg.DELIVERY_GROUP_ID, this.cfg.ORDERS_TOPIC, since));
    if (start.set) this.log.info({ since: new Date(since).toISOString(), offsets: start.set }, `new consumer group ${this.cfg.DELIVERY_GROUP_ID}: starts at the orders since the lookback`);
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.cfg.ORDERS_TOPIC, fromBeginning: false });
    await this.consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: PARTITIONS_AT_ONCE, eachBatch: (p) => this.onOrders(p) });
  }

  async stop(): Promise<void> {
    // the consumer first, while the loop still commits the batches it waits on
    await this.consumer.disconnect().catch(() => undefined);
    this.stopping = true;
    this.wake?.();
    await this.loop;
    for (const batch of this.intake.splice(0)) batch.failed(new Error('stopping'));
    await this.producer?.disconnect().catch(() => undefined);
  }

  private async openProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.producer = await openTransactionalProducer(this.kafka, this.cfg.DELIVERY_TRANSACTIONAL_ID, this.cfg.DELIVERY_TRANSACTION_TIMEOUT_MS);
    return this.producer;
  }

  /** Reads the compacted state topic to its end: every order not yet delivered resumes where it is. */
  private async loadState(): Promise<void> {
    const plans = new Map<string, { plan: Plan; published: number }>();
    const follower = new TopicFollower(this.kafka, {
      topic: this.cfg.DELIVERY_STATE_TOPIC,
      groupPrefix: `${COMPONENT}-state`,
      log: this.log,
      apply: (records) => {
        for (const r of records) {
          const id = r.key?.toString();
          if (!id || !r.value) continue;
          const value: unknown = JSON.parse(r.value.toString());
          if (id === CHECKPOINT_KEY) {
            this.through = Math.max(this.through, checkpointSchema.parse(value).checkpoint);
            continue;
          }
          const parsed = planSchema.safeParse(value);
          if (parsed.success) {
            // a plan record is written in the transaction that publishes its PLACED_ORDER
            plans.set(id, { plan: parsed.data, published: 1 });
            continue;
          }
          const legacy = legacyStateSchema.parse(value);
          if ('nextAt' in legacy && legacy.status !== 'DELIVERED') {
            plans.set(id, fromLegacy(this.settings, legacy));
          } else {
            plans.delete(id);
            this.delivered.add(id);
          }
        }
      },
    });
    await follower.start();
    await follower.caughtUp();
    await follower.stop();
    for (const [id, { plan, published }] of plans) {
      const done = Math.max(published, dueBy(plan, this.through));
      if (done > DELIVERED) this.delivered.add(id);
      else this.track({ id, plan, published: done, positionAt: 0 });
    }
    this.stateLoaded = true;
    this.metrics.inFlight.set(this.inFlight.size);
    this.log.info({ inFlight: this.inFlight.size, delivered: this.delivered.size, checkpoint: this.through }, 'state loaded from the state topic; resuming orders in flight');
  }

  /** Parses a batch of orders and waits until a cycle has committed them with the batch's offset. */
  private async onOrders({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const orders: Intake['orders'] = [];
    const deadLetters: JsonRecord[] = [];
    for (const m of batch.messages) {
      const parsed = m.value ? orderSchema.safeParse(safeJson(m.value.toString())) : undefined;
      if (parsed?.success) {
        orders.push({ id: parsed.data.id, dest: { lat: parsed.data.deliveryLat, lon: parsed.data.deliveryLon } });
        continue;
      }
      const detail = parsed ? describeIssues(parsed.error) : 'no value';
      deadLetters.push(...deadLetterRecords([buildDeadLetter({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value }, { reason: 'invalid-order', detail, component: COMPONENT })]));
    }
    await new Promise<void>((committed, failed) => {
      this.intake.push({ partition: batch.partition, nextOffset: (BigInt(batch.lastOffset()) + 1n).toString(), orders, deadLetters, committed, failed });
    });
    resolveOffset(batch.lastOffset());
    await heartbeat();
  }

  /** Runs a cycle every DELIVERY_TICK_MS (at once when the last one took longer or left orders due) until stopped. */
  private async run(): Promise<void> {
    while (!this.stopping) {
      const started = Date.now();
      const more = await this.cycle().catch(() => false);
      const wait = more ? 0 : this.cfg.DELIVERY_TICK_MS - (Date.now() - started);
      if (wait > 0 && !this.stopping) await new Promise<void>((r) => ((this.wake = r), setTimeout(r, wait)));
    }
  }

  /**
   * Takes in waiting orders and publishes the statuses and positions due, in one transaction, at
   * most DELIVERY_MAX_CYCLE_ORDERS orders (half for new ones, at least one batch) so a cycle stays
   * short: when more are due, the checkpoint stops before the first order left, and the next cycle
   * goes on from there at once. Says whether it left orders due or batches waiting.
   */
  private async cycle(): Promise<boolean> {
    const now = Math.max(Date.now(), this.through);
    const max = this.cfg.DELIVERY_MAX_CYCLE_ORDERS;
    const batches = this.takeIntake(Math.ceil(max / 2));
    const intakeLeft = this.intake.length > 0;
    const out: Outgoing = { statuses: [], positions: [], states: [], deadLetters: [] };
    const placed: Tracked[] = [];
    const seen = new Set<string>();
    let redelivered = 0;
    for (const batch of batches) {
      out.deadLetters.push(...batch.deadLetters);
      for (const { id, dest } of batch.orders) {
        if (this.inFlight.has(id) || this.delivered.has(id) || seen.has(id)) {
          redelivered++;
          continue;
        }
        seen.add(id);
        const p = plan(this.settings, dest, now, this.random);
        placed.push({ id, plan: p, published: 1, positionAt: 0 });
        out.statuses.push({ id, status: 'PLACED_ORDER', ts: p.at[0]! });
        out.states.push({ key: id, value: p });
      }
    }
    const due = this.due.takeDue(now, Math.max(max - placed.length, Math.ceil(max / 2)));
    if (batches.length === 0 && due.items.length === 0) return false;
    // only positions can be left due before the last checkpoint (statuses due by it are published)
    const through = Math.max(due.through, this.through);
    const taken = due.items;
    const advanced = taken.map((order) => this.advance(order, through, out));
    const started = Date.now();
    try {
      await this.commit(out, through, batches);
    } catch (err) {
      for (const order of taken) this.due.push(this.nextDue(order), order);
      for (const batch of batches) batch.failed(err);
      throw err;
    }
    const committedAt = Date.now();
    this.metrics.transactionSeconds.observe((committedAt - started) / 1000);
    this.through = through;
    for (const order of placed) this.track(order);
    for (const [i, order] of taken.entries()) {
      const { published, positioned } = advanced[i]!;
      order.published = published;
      if (positioned) order.positionAt = through;
      if (published <= DELIVERED) {
        this.due.push(this.nextDue(order), order);
        continue;
      }
      this.inFlight.delete(order.id);
      this.delivered.add(order.id);
    }
    for (const batch of batches) batch.committed();
    this.metrics.ordersStarted.inc(placed.length);
    this.metrics.ordersRedelivered.inc(redelivered);
    this.metrics.deadLetters.inc(out.deadLetters.length);
    for (const s of out.statuses) {
      this.metrics.statuses.inc({ status: s.status });
      this.metrics.commitLag.observe((committedAt - s.ts) / 1000);
    }
    this.metrics.positions.inc(out.positions.length);
    this.metrics.inFlight.set(this.inFlight.size);
    return due.through < now || intakeLeft;
  }

  /** The waiting `orders` batches, oldest first, until they hold `max` orders (at least one batch); the rest wait for the next cycle. */
  private takeIntake(max: number): Intake[] {
    let orders = 0;
    let n = 0;
    while (n < this.intake.length && (n === 0 || orders + this.intake[n]!.orders.length <= max)) orders += this.intake[n++]!.orders.length;
    return this.intake.splice(0, n);
  }

  /** Adds `order` to `out`: its statuses due by `through` and its courier's position when one is due; says how far it got (applied once committed). */
  private advance(order: Tracked, through: number, out: Outgoing): { published: number; positioned: boolean } {
    const { id, plan: { at, dest } } = order;
    let published = order.published;
    while (published <= DELIVERED && at[published]! <= through) {
      out.statuses.push({ id, status: ORDER_STATUSES[published]!, ts: at[published]! });
      if (published === OUT_FOR_DELIVERY) out.positions.push({ id, ts: at[published]!, ...this.settings.shop, status: 'IN_TRANSIT' });
      if (published === DELIVERED) out.positions.push({ id, ts: at[published]!, ...dest, status: 'DELIVERED' });
      published++;
    }
    const positioned = published === DELIVERED && through >= this.positionDue(order);
    if (positioned) out.positions.push({ id, ts: through, ...courierAt(this.settings, order.plan, through), status: 'IN_TRANSIT' });
    return { published, positioned };
  }

  /** When the courier of an order on the road sends its next position. */
  private positionDue(order: Tracked): number {
    return Math.max(order.positionAt, order.plan.at[OUT_FOR_DELIVERY]!) + this.positionIntervalMs;
  }

  /** When something of `order` is due next: its next status, or its courier's next position while on the road. */
  private nextDue(order: Tracked): number {
    const status = order.plan.at[order.published]!;
    return order.published === DELIVERED ? Math.min(status, this.positionDue(order)) : status;
  }

  private track(order: Tracked): void {
    this.inFlight.set(order.id, order);
    this.due.push(this.nextDue(order), order);
  }

  /** One transaction: statuses, positions, plans, the checkpoint, dead letters and the taken batches' offsets. */
  private async commit(out: Outgoing, through: number, batches: Intake[]): Promise<void> {
    const producer = await this.openProducer();
    const offsets = new Map<number, string>();
    for (const b of batches) if (BigInt(b.nextOffset) > BigInt(offsets.get(b.partition) ?? '0')) offsets.set(b.partition, b.nextOffset);
    try {
      const tx = await producer.transaction();
      await sendJsonToTopics(tx, [
        { topic: this.cfg.ORDER_STATUSES_TOPIC, records: out.statuses.map((s) => ({ key: s.id, value: s })) },
        { topic: this.cfg.DELIVERY_STATUSES_TOPIC, records: out.positions.map((p) => ({ key: p.id, value: p })) },
        { topic: this.cfg.DELIVERY_STATE_TOPIC, records: [...out.states, { key: CHECKPOINT_KEY, value: { checkpoint: through } }] },
        { topic: this.cfg.DEAD_LETTER_TOPIC, records: out.deadLetters },
      ]);
      if (offsets.size > 0) {
        const partitions = [...offsets].map(([partition, offset]) => ({ partition, offset }));
        await tx.sendOffsets({ consumerGroupId: this.cfg.DELIVERY_GROUP_ID, topics: [{ topic: this.cfg.ORDERS_TOPIC, partitions }] });
      }
      await tx.commit();
    } catch (err) {
      // A producer whose transaction failed is not reused (see docs/decisions.md, the enricher's
      // transactions): the next commit opens the id again, which settles this one.
      this.metrics.failedTransactions.inc();
      this.producer = undefined;
      await producer.disconnect().catch(() => undefined);
      this.log.warn({ err, fenced: isFencedProducerError(err) }, `transaction not committed (Kafka at ${this.cfg.KAFKA_BROKERS.join(',')}); retried from the same state`);
      throw err;
    }
    this.metrics.transactions.inc();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
