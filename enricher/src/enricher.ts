import {
  buildDeadLetter,
  createTransactionalProducer,
  deadLetterRecords,
  enrichedOrderItemSchema,
  ensureTopics,
  fitDeadLetter,
  partitionCount,
  retryUntilDone,
  schemaIdOf,
  sendJsonToTopics,
  TopicFollower,
  topicConfig,
  waitForTopics,
  type DeadLetter,
  type EnrichedOrderItem,
  type FollowedRecord,
  type Logger,
} from '@pizzashop/common';
import type { Batch, Consumer, EachBatchPayload, Kafka, Producer, Transaction } from 'kafkajs';
import type { EnricherConfig } from './config.js';
import { enrichWaitingItem, joinOrder } from './join.js';
import type { EnricherMetrics } from './metrics.js';
import { Mutex } from './mutex.js';
import { decodeOrder } from './order-decoder.js';
import { ProductsCache } from './products-cache.js';
import { ProgressWatch } from './progress-watch.js';
import { parseWaitingItem, waitingItemKey, type WaitingItem } from './waiting-item.js';
import { WaitingItems } from './waiting-items.js';

export const COMPONENT = 'enricher';
export const REASON_UNKNOWN_PRODUCT = 'unknown product';
export const REASON_BUFFER_FULL = 'waiting buffer full';
/** Bytes a record batch adds around one record: what a dead letter leaves free of the topic's max.message.bytes. */
const RECORD_OVERHEAD_BYTES = 1024;
/** The broker's default max.message.bytes, when the dead-letter topic's cannot be read. */
const BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1048588;
/** Most items released in one transaction. */
const RELEASE_LIMIT = 20000;
/** Transaction errors meaning this producer epoch is over: the coordinator aborted its transaction, or another instance took its transactional id. */
const FENCED_ERRORS = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);
/** Fencings within FENCING_WINDOW_MS after which another live instance must be using our transactional id. */
const FENCINGS_FATAL = 3;
const FENCING_WINDOW_MS = 120_000;

/** An orders batch handed to the group commit, settled once its transaction is. */
interface QueuedBatch {
  batch: Batch;
  resolve: (ordersIn: number) => void;
  reject: (err: unknown) => void;
}

/** What one transaction writes. */
interface Output {
  enriched: EnrichedOrderItem[];
  deadLetters: DeadLetter[];
  /** Items that start waiting: written to the waiting topic. */
  parked: WaitingItem[];
  /** Items that stop waiting (enriched or dead-lettered): tombstoned on the waiting topic. */
  released: WaitingItem[];
}

/**
 * Joins `orders` with the products cache into `enriched-order-items`, exactly once.
 *
 * Every orders batch is one Kafka transaction holding its enriched items, its dead letters, the
 * items that must wait for an unknown product (written to the compacted waiting topic) and the
 * batch's consumer offsets. Releasing waiting items is another transaction: their enriched items
 * or dead letters plus tombstones for them on the waiting topic. So an order's offset is only
 * committed together with a durable record of every item not yet emitted, and a crash at any
 * point leaves either the whole transaction or none of it. On (re)assignment of an orders
 * partition the waiting items of that partition are restored from the waiting topic first.
 */
export class Enricher {
  readonly products = new ProductsCache();
  /** Items waiting on the partitions this instance owns: the authoritative buffer. */
  private readonly waiting = new WaitingItems();
  /** Everything committed on the waiting topic, all partitions: the source for restores. */
  private readonly waitingLog = new WaitingItems();
  private readonly lock = new Mutex();
  private producer: Producer;
  private consumer: Consumer;
  private stopped = false;
  private consumerRestartTimer: NodeJS.Timeout | undefined;
  private readonly productsFollower: TopicFollower;
  private readonly progress: ProgressWatch;
  /** The largest dead letter the dead-letter topic accepts (its max.message.bytes, read at start). */
  private deadLetterMaxBytes = BROKER_DEFAULT_MAX_MESSAGE_BYTES - RECORD_OVERHEAD_BYTES;
  private readonly waitingFollower: TopicFollower;
  private assigned = new Set<number>();
  private restores = new Map<number, Promise<void>>();
  private readonly restored = new Set<number>();
  private rebalancing = false;
  private cacheLoaded = false;
  private consumerRunning = false;
  private releaseTimer: NodeJS.Timeout | undefined;
  private releaseScheduled = false;
  /** Per orders partition, the offset after the last order a transaction of this process committed. */
  private readonly committedPositions = new Map<number, bigint>();
  /** When each recent fencing happened, to tell a timed-out transaction from a second instance with our id. */
  private fencings: number[] = [];
  /** Batches waiting for the next group commit. */
  private queued: QueuedBatch[] = [];
  private committing = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly cfg: EnricherConfig,
    private readonly log: Logger,
    private readonly metrics: EnricherMetrics,
    private readonly onFatal: (err: Error) => void,
  ) {
    this.producer = this.createProducer();
    this.consumer = this.createConsumer();
    this.productsFollower = new TopicFollower(kafka, {
      topic: cfg.PRODUCTS_CDC_TOPIC,
      groupPrefix: `enricher-products-${cfg.ENRICHER_INSTANCE_ID}`,
      log,
      apply: (records) => this.applyProductEvents(records),
    });
    this.progress = new ProgressWatch(kafka, {
      groupId: cfg.ENRICHER_GROUP_ID,
      topic: cfg.ORDERS_TOPIC,
      stallMs: cfg.ENRICHER_STALL_MS,
      everyMs: cfg.ENRICHER_PROGRESS_CHECK_MS,
      owned: () => this.assigned,
      log,
      onStalled: (partitions) => {
        metrics.stalledPartitions.set(partitions.length);
        if (partitions.length > 0) log.error({ partitions, stallMs: cfg.ENRICHER_STALL_MS }, 'orders partitions have a backlog but no progress; not ready (see the errors above)');
        else log.info('every owned orders partition makes progress again; ready');
      },
    });
    this.waitingFollower = new TopicFollower(kafka, {
      topic: cfg.ENRICHER_WAITING_TOPIC,
      groupPrefix: `enricher-waiting-${cfg.ENRICHER_INSTANCE_ID}`,
      log,
      apply: (records) => this.applyWaitingLog(records),
    });
  }

  /** The products cache was read to the end of the CDC topic once. */
  get productsCacheLoaded(): boolean {
    return this.cacheLoaded;
  }

  /** The orders consumer is in its group (not crashed). */
  get consuming(): boolean {
    return this.consumerRunning;
  }

  /** No owned orders partition is stuck with a backlog (see ProgressWatch). */
  get progressing(): boolean {
    return this.progress.stalledNow.length === 0;
  }

  async start(): Promise<void> {
    await this.prepareTopics();
    await this.producer.connect();
    await this.fencePredecessor();
    await waitForTopics(
      this.kafka,
      [this.cfg.PRODUCTS_CDC_TOPIC],
      this.log,
      `the products CDC topic appears with Debezium's snapshot: is the connector registered (${this.cfg.KAFKA_CONNECT_URL}/connectors)?`,
    );
    await this.checkProductsTopicCompacted();
    const deadLetterLimit = Number((await topicConfig(this.kafka, this.cfg.DEAD_LETTER_TOPIC, 'max.message.bytes')) ?? BROKER_DEFAULT_MAX_MESSAGE_BYTES);
    this.deadLetterMaxBytes = deadLetterLimit - RECORD_OVERHEAD_BYTES;
    const startedAt = Date.now();
    await this.productsFollower.start();
    await this.productsFollower.caughtUp();
    this.cacheLoaded = true;
    this.metrics.productsCacheSize.set(this.products.size);
    this.log.info({ products: this.products.size, ms: Date.now() - startedAt }, 'products cache restored');
    await this.waitingFollower.start();
    await this.runConsumer();
    this.releaseTimer = setInterval(() => void this.releaseDue(), this.cfg.ENRICHER_RELEASE_INTERVAL_MS);
    this.progress.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.releaseTimer);
    this.progress.stop();
    clearTimeout(this.consumerRestartTimer);
    await this.consumer.disconnect();
    await this.lock.run(async () => undefined);
    await this.producer.disconnect();
    await Promise.all([this.productsFollower.stop(), this.waitingFollower.stop()]);
  }

  private async prepareTopics(): Promise<void> {
    const partitions = this.cfg.ENRICHER_TOPIC_PARTITIONS;
    await ensureTopics(
      this.kafka,
      [
        { topic: this.cfg.ORDERS_TOPIC, numPartitions: partitions },
        { topic: this.cfg.ENRICHED_ORDER_ITEMS_TOPIC, numPartitions: partitions },
        { topic: this.cfg.DEAD_LETTER_TOPIC, numPartitions: partitions },
      ],
      this.log,
    );
    const ordersPartitions = await partitionCount(this.kafka, this.cfg.ORDERS_TOPIC);
    await ensureTopics(
      this.kafka,
      [{ topic: this.cfg.ENRICHER_WAITING_TOPIC, numPartitions: ordersPartitions, configs: { 'cleanup.policy': 'compact' } }],
      this.log,
    );
    const waitingPartitions = await partitionCount(this.kafka, this.cfg.ENRICHER_WAITING_TOPIC);
    if (waitingPartitions < ordersPartitions) {
      throw new Error(
        `enricher: topic ${this.cfg.ENRICHER_WAITING_TOPIC} has ${waitingPartitions} partitions but ${this.cfg.ORDERS_TOPIC} has ${ordersPartitions}; ` +
          `add partitions to ${this.cfg.ENRICHER_WAITING_TOPIC} (kafka-topics.sh --alter --partitions ${ordersPartitions}) before starting`,
      );
    }
  }

  /**
   * The products cache is rebuilt from the CDC topic at every start, so that topic must keep the
   * latest change of every product for ever: compacted, not deleted by retention (Debezium does not
   * snapshot again). On a topic with `cleanup.policy=delete` the enricher would work for a week,
   * then forget every product not changed since; it refuses to start instead.
   */
  private async checkProductsTopicCompacted(): Promise<void> {
    const topic = this.cfg.PRODUCTS_CDC_TOPIC;
    const policy = await topicConfig(this.kafka, topic, 'cleanup.policy');
    if (policy?.split(',').includes('compact')) return;
    throw new Error(
      `enricher: topic ${topic} has cleanup.policy=${policy ?? 'unset'}, but the products cache is rebuilt from it at every start and needs every product's latest change kept: ` +
        `make it compacted (kafka-configs.sh --bootstrap-server ${this.cfg.KAFKA_BROKERS.join(',')} --alter --entity-type topics --entity-name ${topic} --add-config cleanup.policy=compact; ` +
        'the local stack does this itself at `npm run stack:up`), then start the enricher again',
    );
  }

  /**
   * Initialises the transactional id: the broker aborts a transaction the previous run of this
   * instance left open (kill -9), so restores below do not wait for its timeout.
   */
  private async fencePredecessor(): Promise<void> {
    const tx = await this.producer.transaction();
    await tx.abort();
  }

  private createConsumer(): Consumer {
    const consumer = this.kafka.consumer({
      groupId: this.cfg.ENRICHER_GROUP_ID,
      readUncommitted: false,
      maxWaitTimeInMs: 100,
      sessionTimeout: this.cfg.ENRICHER_SESSION_TIMEOUT_MS,
      heartbeatInterval: Math.floor(this.cfg.ENRICHER_SESSION_TIMEOUT_MS / 3),
    });
    this.watchConsumerGroup(consumer);
    return consumer;
  }

  private async runConsumer(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.cfg.ORDERS_TOPIC, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: await partitionCount(this.kafka, this.cfg.ORDERS_TOPIC),
      eachBatch: (payload) => this.processBatch(payload),
    });
    this.consumerRunning = true;
  }

  /**
   * kafkajs gives up on a consumer after errors it deems final, e.g. no group coordinator found
   * while the broker restarts. Nothing is lost (offsets commit only with their transaction), so
   * a fresh consumer rejoins the group after a growing pause instead of the process exiting.
   */
  private restartConsumer(attempt: number): void {
    if (this.stopped) return;
    const delayMs = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
    this.log.warn({ attempt, retryInMs: delayMs, brokers: this.cfg.KAFKA_BROKERS }, 'orders consumer stopped; starting a new one');
    this.consumerRestartTimer = setTimeout(() => {
      this.consumer = this.createConsumer();
      this.runConsumer().catch((err: unknown) => {
        this.log.error({ err }, 'restarting the orders consumer failed; retrying');
        void this.consumer.disconnect().catch(() => undefined);
        this.restartConsumer(attempt + 1);
      });
    }, delayMs);
  }

  private watchConsumerGroup(consumer: Consumer): void {
    const { GROUP_JOIN, REBALANCING, CRASH } = consumer.events;
    consumer.on(REBALANCING, () => {
      this.rebalancing = true;
    });
    consumer.on(GROUP_JOIN, ({ payload }) => {
      const now = new Set(payload.memberAssignment[this.cfg.ORDERS_TOPIC] ?? []);
      for (const p of this.assigned) if (!now.has(p)) this.waiting.dropPartition(p);
      this.assigned = now;
      this.restores = new Map();
      this.restored.clear();
      this.rebalancing = false;
      this.consumerRunning = true;
      this.metrics.waitingItems.set(this.waiting.size);
      this.log.info({ partitions: [...now].sort() }, 'orders partitions assigned');
      for (const p of now) this.restore(p).catch((err: unknown) => this.log.error({ err, partition: p }, 'restoring waiting items failed'));
    });
    consumer.on(CRASH, ({ payload }) => {
      this.consumerRunning = false;
      if (!payload.restart) this.restartConsumer(0);
    });
  }

  private createProducer(): Producer {
    return createTransactionalProducer(this.kafka, `enricher-${this.cfg.ENRICHER_INSTANCE_ID}`, this.cfg.ENRICHER_TRANSACTION_TIMEOUT_MS);
  }

  /**
   * After a transaction whose outcome this instance cannot know (its abort failed, e.g. while the
   * broker restarts), a new producer with the same transactional id settles it on the broker: an
   * open transaction is aborted, a commit already prepared completes. Nothing is sent before that.
   * Then the waiting items are reloaded from the committed waiting topic, and batches go back to
   * their committed offsets (see processBatch), so either outcome is neither lost nor repeated.
   */
  private async replaceProducer(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    await retryUntilDone(
      async (attempt) => {
        this.producer = this.createProducer();
        try {
          await this.producer.connect();
          await this.fencePredecessor();
        } catch (err) {
          await this.producer.disconnect().catch(() => undefined);
          throw err;
        }
        this.log.info({ attempt }, 'transactional producer replaced; the unfinished transaction is settled');
      },
      {
        stepMs: 500,
        keepGoing: () => !this.stopped,
        onFailure: (err, retryInMs) =>
          this.log.warn({ err: (err as Error).message, retryInMs }, 'cannot settle the unfinished transaction yet (is Kafka up?); retrying'),
      },
    );
    this.restores = new Map();
    this.restored.clear();
    for (const p of this.assigned) this.restore(p).catch((err: unknown) => this.log.error({ err, partition: p }, 'restoring waiting items failed'));
  }

  /**
   * Positions `partition` at the offset committed for the group, so a batch whose transaction
   * failed is read again only if its offsets were not committed with it. Retries until Kafka answers.
   */
  private async seekToCommitted(partition: number, isRunning: () => boolean): Promise<void> {
    const topic = this.cfg.ORDERS_TOPIC;
    await retryUntilDone(
      async () => {
        const admin = this.kafka.admin();
        try {
          await admin.connect();
          const [committed] = await admin.fetchOffsets({ groupId: this.cfg.ENRICHER_GROUP_ID, topics: [topic] });
          const offset = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
          const start = offset === '-1' ? (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === partition)?.low ?? '0' : offset;
          this.consumer.seek({ topic, partition, offset: start });
          this.log.warn({ topic, partition, offset: start }, 'transaction failed; reading the partition again from its committed offset');
        } finally {
          await admin.disconnect().catch(() => undefined);
        }
      },
      {
        stepMs: 500,
        keepGoing: () => isRunning() && !this.stopped,
        onFailure: (err, retryInMs) => this.log.warn({ err: (err as Error).message, partition, retryInMs }, 'cannot read the committed offset yet; retrying'),
      },
    );
  }

  /** Loads the waiting items of `partition` committed on the waiting topic, once per assignment. */
  private restore(partition: number): Promise<void> {
    let restore = this.restores.get(partition);
    if (!restore) {
      const restores = this.restores;
      restore = this.lock.run(async () => {
        const end = await this.waitingFollower.lastStableOffset(partition);
        await this.waitingFollower.caughtUpTo(partition, end);
        if (restores !== this.restores) return;
        this.waiting.replacePartition(partition, this.waitingLog.items(partition));
        this.restored.add(partition);
        this.metrics.waitingItems.set(this.waiting.size);
      });
      restores.set(partition, restore);
      restore.catch(() => restores.delete(partition));
    }
    return restore;
  }

  /**
   * Hands the batch to the next group commit and waits for it: batches of all partitions that
   * arrive while a transaction is running are committed together in the next one (fewer
   * transactions, each paying the broker's commit round trips once).
   */
  private async processBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    await this.restore(batch.partition);
    if (!isRunning() || isStale()) return;
    let ordersIn: number;
    try {
      ordersIn = await new Promise<number>((resolve, reject) => {
        this.queued.push({ batch, resolve, reject });
        if (!this.committing) void this.commitQueued();
      });
    } catch (err) {
      this.log.warn({ err, partition: batch.partition }, 'orders batch not committed');
      await this.seekToCommitted(batch.partition, isRunning);
      return;
    }
    resolveOffset(batch.lastOffset());
    this.metrics.ordersIn.inc(ordersIn);
    this.metrics.consumerLag.set({ partition: String(batch.partition) }, Number(batch.offsetLag()));
    await heartbeat();
  }

  /**
   * Commits the queued batches, all partitions in one transaction. When that fails, each batch is
   * tried in a transaction of its own, so a batch that cannot be committed (e.g. a record the
   * broker refuses) holds up only its own partition, which is read again from its committed offset.
   */
  private async commitQueued(): Promise<void> {
    this.committing = true;
    while (this.queued.length > 0) {
      const group = this.queued.splice(0);
      try {
        await this.commitGroup(group);
      } catch (err) {
        if (group.length === 1) {
          group[0]!.reject(err);
          continue;
        }
        this.log.warn({ err, batches: group.length }, 'group commit failed; committing its batches one by one so one partition cannot hold up the others');
        for (const queued of group) await this.commitGroup([queued]).catch((e: unknown) => queued.reject(e));
      }
    }
    this.committing = false;
  }

  /** One transaction for `group`: its output, its offsets; resolves each batch with its valid orders. */
  private async commitGroup(group: QueuedBatch[]): Promise<void> {
    const counts = await this.lock.run(async () => {
      const output: Output = { enriched: [], deadLetters: [], parked: [], released: [] };
      const positions = new Map(this.committedPositions);
      const counts = group.map(({ batch }) => this.planBatch(batch, output, positions));
      const partitions = [...new Set(group.map(({ batch }) => batch.partition))];
      await this.transact('batch', output, (tx) =>
        tx.sendOffsets({
          consumerGroupId: this.cfg.ENRICHER_GROUP_ID,
          topics: [{ topic: this.cfg.ORDERS_TOPIC, partitions: partitions.map((partition) => ({ partition, offset: positions.get(partition)!.toString() })) }],
        }),
      );
      for (const p of partitions) this.committedPositions.set(p, positions.get(p)!);
      this.waiting.add(output.parked);
      return counts;
    });
    group.forEach((g, i) => g.resolve(counts[i]!));
  }

  /**
   * Adds one batch's enriched items, dead letters and parked items to `output`; returns its valid
   * orders. Orders below `positions` (the next offset per partition committed by this process, or
   * planned earlier in the same transaction) were committed already and are skipped: kafkajs reads
   * them again when a replaced consumer rejoins while the transaction holding them still commits.
   */
  private planBatch(batch: Batch, output: Output, positions: Map<number, bigint>): number {
    let ordersIn = 0;
    const now = new Date();
    const lookup = (id: string) => this.products.get(id);
    const from = positions.get(batch.partition) ?? -1n;
    const fresh = batch.messages.filter((m) => BigInt(m.offset) >= from);
    if (fresh.length < batch.messages.length) {
      this.metrics.ordersRedelivered.inc(batch.messages.length - fresh.length);
      this.log.warn({ partition: batch.partition, skipped: batch.messages.length - fresh.length, committedUpTo: from.toString() }, 'orders read again that this instance already committed; skipped');
    }
    const next = BigInt(batch.lastOffset()) + 1n;
    positions.set(batch.partition, next > from ? next : from);
    for (const m of fresh) {
      const decoded = decodeOrder(m.value);
      if (!decoded.ok) {
        const schemaId = schemaIdOf(m.headers);
        this.log.warn({ partition: batch.partition, offset: m.offset, reason: decoded.reason, schemaId }, `order dead-lettered: written with schema id ${schemaId ?? 'none'}`);
        output.deadLetters.push(
          buildDeadLetter(
            { topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value, schemaId },
            { reason: decoded.reason, detail: decoded.detail, component: COMPONENT },
            now,
          ),
        );
        continue;
      }
      ordersIn++;
      const joined = joinOrder(decoded.order, lookup, { partition: batch.partition, offset: m.offset }, now);
      output.enriched.push(...joined.enriched);
      for (const item of joined.waiting) {
        if (this.waiting.size + output.parked.length < this.cfg.ENRICHER_MAX_WAITING_ITEMS) output.parked.push(item);
        else {
          output.deadLetters.push(
            this.waitingDeadLetter(item, REASON_BUFFER_FULL, `${this.cfg.ENRICHER_MAX_WAITING_ITEMS} items already wait (ENRICHER_MAX_WAITING_ITEMS)`, now),
          );
        }
      }
    }
    return ordersIn;
  }

  /** Emits waiting items whose product arrived and dead-letters those that waited too long. */
  private async releaseDue(): Promise<void> {
    if (!this.cacheLoaded || this.rebalancing || this.waiting.size === 0) return;
    try {
      await this.lock.run(async () => {
        const now = new Date();
        const output: Output = { enriched: [], deadLetters: [], parked: [], released: [] };
        for (const p of this.restored) {
          if (!this.assigned.has(p)) continue;
          const limit = RELEASE_LIMIT - output.released.length;
          const { ready, expired } = this.waiting.releasable(p, (id) => this.products.get(id), now, this.cfg.ENRICHER_UNKNOWN_PRODUCT_TIMEOUT_MS, limit);
          for (const { item, product } of ready) {
            output.enriched.push(enrichWaitingItem(item, product));
            output.released.push(item);
          }
          for (const item of expired) {
            output.deadLetters.push(
              this.waitingDeadLetter(item, REASON_UNKNOWN_PRODUCT, `product ${item.orderItem.productId} not in the products cache after ${this.cfg.ENRICHER_UNKNOWN_PRODUCT_TIMEOUT_MS} ms`, now),
            );
            output.released.push(item);
          }
        }
        if (output.released.length === 0) return;
        await this.transact('release', output);
        this.waiting.remove(output.released);
        this.log.info({ enriched: output.enriched.length, deadLettered: output.deadLetters.length }, 'released waiting items');
      });
    } catch (err) {
      this.log.error({ err }, 'releasing waiting items failed; retrying on the next tick');
    }
  }

  private scheduleRelease(): void {
    if (this.releaseScheduled) return;
    this.releaseScheduled = true;
    setImmediate(() => {
      this.releaseScheduled = false;
      void this.releaseDue();
    });
  }

  /** Sends `output` (plus `extra`, e.g. the offsets) in one transaction; commits or aborts. */
  private async transact(kind: 'batch' | 'release', output: Output, extra?: (tx: Transaction) => Promise<void>): Promise<void> {
    const endTimer = this.metrics.transactionSeconds.startTimer({ kind });
    const tx = await this.producer.transaction().catch(async (err: unknown) => {
      await this.replaceProducer();
      throw err;
    });
    try {
      await sendJsonToTopics(tx, [
        {
          topic: this.cfg.ENRICHED_ORDER_ITEMS_TOPIC,
          records: output.enriched.map((e) => ({ key: e.orderId, value: enrichedOrderItemSchema.parse(e) })),
        },
        { topic: this.cfg.DEAD_LETTER_TOPIC, records: deadLetterRecords(output.deadLetters.map((dl) => fitDeadLetter(dl, this.deadLetterMaxBytes))) },
        {
          topic: this.cfg.ENRICHER_WAITING_TOPIC,
          records: [
            ...output.parked.map((w) => ({ key: waitingItemKey(w), value: w, partition: w.sourcePartition })),
            ...output.released.map((w) => ({ key: waitingItemKey(w), value: null, partition: w.sourcePartition })),
          ],
        },
      ]);
      if (extra) await extra(tx);
      await tx.commit();
    } catch (err) {
      await this.settleFailedTransaction(err);
      throw err;
    }
    endTimer();
    this.metrics.itemsOut.inc(output.enriched.length);
    for (const dl of output.deadLetters) this.metrics.deadLetters.inc({ reason: dl.reason });
    this.metrics.waitingItems.set(this.waiting.size + output.parked.length - output.released.length);
  }

  /**
   * After a failed transaction a new producer with the same transactional id settles it on the
   * broker (an open one is aborted, a prepared commit completes) and starts a new producer epoch.
   * Reusing the old producer is not safe: kafkajs rolls sequence numbers back after a failed
   * request, so a batch the broker did write would make the next one with those numbers look like a
   * duplicate and be dropped. Fencing (the coordinator aborted a transaction that ran past its
   * timeout, e.g. while the broker restarted) is recovered the same way; only repeated fencing in a
   * short time means another live instance uses our ENRICHER_INSTANCE_ID, and that is fatal.
   */
  private async settleFailedTransaction(err: unknown): Promise<void> {
    const type = (err as { type?: string }).type ?? '';
    if (FENCED_ERRORS.has(type)) {
      const now = Date.now();
      this.fencings = [...this.fencings.filter((t) => now - t < FENCING_WINDOW_MS), now];
      if (this.fencings.length >= FENCINGS_FATAL) {
        this.onFatal(err as Error);
        return;
      }
      this.log.warn({ err, fencings: this.fencings.length }, 'transaction fenced (the coordinator aborted it, e.g. past its timeout); re-initialising the producer');
    } else {
      this.log.warn({ err }, 'transaction failed; settling it with a new producer and reading its batches again from the committed offsets');
    }
    await this.replaceProducer();
  }

  private waitingDeadLetter(item: WaitingItem, reason: string, detail: string, now: Date): DeadLetter {
    return buildDeadLetter(
      {
        topic: this.cfg.ORDERS_TOPIC,
        partition: item.sourcePartition,
        offset: item.sourceOffset,
        key: Buffer.from(item.orderId),
        value: Buffer.from(JSON.stringify(item)),
      },
      { reason, detail, component: COMPONENT },
      now,
    );
  }

  private applyProductEvents(records: FollowedRecord[]): void {
    let upserts = 0;
    for (const r of records) {
      const change = this.products.applyChange(r.key, r.value);
      if (change.kind === 'upsert') upserts++;
      if (change.kind === 'invalid') {
        this.metrics.productEventsInvalid.inc();
        this.log.warn({ topic: this.cfg.PRODUCTS_CDC_TOPIC, partition: r.partition, offset: r.offset, detail: change.detail }, 'product change event ignored');
      }
    }
    this.metrics.productsCacheSize.set(this.products.size);
    if (upserts > 0 && this.cacheLoaded) this.scheduleRelease();
  }

  private applyWaitingLog(records: FollowedRecord[]): void {
    for (const r of records) {
      const key = r.key?.toString('utf8') ?? '';
      if (r.value === null) {
        this.waitingLog.removeKey(r.partition, key);
        continue;
      }
      const parsed = parseWaitingItem(r.value);
      if (parsed) this.waitingLog.add([parsed]);
      else this.log.error({ topic: this.cfg.ENRICHER_WAITING_TOPIC, partition: r.partition, offset: r.offset }, 'unreadable waiting item ignored');
    }
  }
}
