// The enricher: joins `orders` with the products history into `enriched-order-items`, exactly once.
// This file only orchestrates; each part owns its state (see the README's "Structure").
import { setTimeout as sleep } from 'node:timers/promises';
import { lastTransactionOutcome, retryUntilDone, type Logger } from '@pizzashop/common';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { outputMessages, planOrders, planRelease, REASON_BUFFER_FULL, type OutputTopics, type PlannedOutput } from './batch-planner.js';
import type { EnricherConfig } from './config.js';
import { resumeOffset } from './checkpoint.js';
import type { ProductAt } from './join.js';
import type { EnricherMetrics } from './metrics.js';
import { endHangingTransaction } from './hanging-transaction.js';
import { OrdersConsumer } from './orders-consumer.js';
import { Partitions, type OwnedPartition } from './partition-state.js';
import { ProductsFeed } from './products-feed.js';
import { ProgressWatch } from './progress-watch.js';
import { prepareTopics } from './topics-setup.js';
import { partitionTransactionalId, TransactionalWriter, TransactionFailed, type OffsetToCommit } from './transactional-writer.js';
import { WaitingStore } from './waiting-store.js';

export { COMPONENT, REASON_BUFFER_FULL, REASON_UNKNOWN_PRODUCT } from './batch-planner.js';

/** Most items released in one transaction. */
const RELEASE_LIMIT = 20000;
/**
 * How long a batch of a partition being opened waits for it; then it goes back to kafkajs unresolved
 * (read again later), as kafkajs fetches again only once every batch of a fetch is done: a partition
 * slow to open must not hold up the others.
 */
const OPENING_WAIT_MS = 1000;
/** Fencings of one partition we own, within FENCING_WINDOW_MS, after which another process must be writing with our transactional ids. */
const FENCINGS_FATAL = 3;
const FENCING_WINDOW_MS = 120_000;

/**
 * Every orders partition this instance owns has its own transactional producer (id from group,
 * topic and partition): a batch of that partition is one transaction holding its enriched items,
 * dead letters, parked items (on the compacted waiting topic) and the partition's offset; releasing
 * waiting items is another transaction of the same producer. Whoever gets the partition next opens
 * the same id, which fences this producer, so an instance that stalled past its session timeout
 * can commit nothing for a partition it lost. Each batch transaction also writes the partition's
 * checkpoint (its next offset) to the waiting topic. On every assignment a partition is opened
 * (fence, restore its waiting items and checkpoint, seek) before it is processed.
 */
export class Enricher {
  private readonly products: ProductsFeed;
  private readonly waiting: WaitingStore;
  private readonly partitions: Partitions;
  private readonly consumer: OrdersConsumer;
  private readonly progress: ProgressWatch;
  private readonly topics: OutputTopics;
  private readonly productAt: ProductAt;
  private deadLetterMaxBytes = 0;
  private stopped = false;
  private releaseTimer: NodeJS.Timeout | undefined;
  private releasing = false;
  /** When each orders partition was fenced lately. */
  private readonly fencings = new Map<number, number[]>();

  constructor(
    private readonly kafka: Kafka,
    private readonly cfg: EnricherConfig,
    private readonly log: Logger,
    private readonly metrics: EnricherMetrics,
    private readonly onFatal: (err: Error) => void,
  ) {
    this.partitions = new Partitions(() => {
      for (const [phase, n] of Object.entries(this.partitions.countByPhase())) metrics.partitions.set({ phase }, n);
    });
    this.topics = { enriched: cfg.ENRICHED_ORDER_ITEMS_TOPIC, deadLetters: cfg.DEAD_LETTER_TOPIC, waiting: cfg.ENRICHER_WAITING_TOPIC };
    this.products = new ProductsFeed(kafka, {
      topic: cfg.PRODUCTS_CDC_TOPIC,
      groupPrefix: `enricher-products-${cfg.ENRICHER_INSTANCE_ID}`,
      historyMs: cfg.ENRICHER_PRODUCT_HISTORY_MS,
      log,
      metrics,
    });
    const history = this.products.history;
    this.productAt = (id, time) => history.at(id, time);
    this.waiting = new WaitingStore(kafka, {
      topic: cfg.ENRICHER_WAITING_TOPIC,
      groupPrefix: `enricher-waiting-${cfg.ENRICHER_INSTANCE_ID}`,
      maxItems: cfg.ENRICHER_MAX_WAITING_ITEMS,
      log,
    });
    this.consumer = new OrdersConsumer(kafka, cfg, log, { onAssignment: (p) => this.assign(p), eachBatch: (payload) => this.processBatch(payload) });
    this.progress = new ProgressWatch(kafka, {
      groupId: cfg.ENRICHER_GROUP_ID,
      topic: cfg.ORDERS_TOPIC,
      stallMs: cfg.ENRICHER_STALL_MS,
      everyMs: cfg.ENRICHER_PROGRESS_CHECK_MS,
      owned: () => this.partitions.owned(),
      log,
      onStalled: (partitions) => {
        metrics.stalledPartitions.set(partitions.length);
        if (partitions.length > 0) log.error({ partitions, stallMs: cfg.ENRICHER_STALL_MS }, 'orders partitions have a backlog but no progress; not ready (see the errors above)');
        else log.info('every owned orders partition makes progress again; ready');
      },
    });
  }

  get productsCacheLoaded(): boolean {
    return this.products.loaded;
  }

  get consuming(): boolean {
    return this.consumer.consuming;
  }

  get progressing(): boolean {
    return this.progress.stalledNow.length === 0;
  }

  async start(): Promise<void> {
    ({ deadLetterMaxBytes: this.deadLetterMaxBytes } = await prepareTopics(this.kafka, this.cfg, this.log));
    await this.products.restore(() => this.scheduleRelease());
    await this.waiting.start();
    await this.consumer.start();
    this.releaseTimer = setInterval(() => void this.releaseDue(), this.cfg.ENRICHER_RELEASE_INTERVAL_MS);
    this.progress.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.releaseTimer);
    this.progress.stop();
    await this.consumer.stop();
    for (const owned of this.partitions.all()) await owned.lock.run(async () => owned.writer?.close());
    await Promise.all([this.products.stop(), this.waiting.stop()]);
  }

  /** A new assignment: partitions we lost are revoked; every assigned one is opened again (another member may have had it meanwhile). */
  private assign(assigned: number[]): void {
    this.log.info({ partitions: assigned }, 'orders partitions assigned');
    for (const owned of this.partitions.all()) if (owned.phase !== 'revoked' && !assigned.includes(owned.partition)) this.revoke(owned);
    for (const partition of assigned) this.open(this.partitions.assign(partition));
  }

  private revoke(owned: OwnedPartition): void {
    owned.moveTo('revoked');
    this.waiting.drop(owned.partition);
    this.metrics.waitingItems.set(this.waiting.size);
    void owned.lock.run(async () => owned.writer?.close());
  }

  /**
   * Opens `owned` (in `assigned`) for its current epoch: fence its transactional id, restore its
   * waiting items and checkpoint, seek to the further of the checkpoint and the committed offset.
   */
  private open(owned: OwnedPartition): void {
    const epoch = owned.epoch;
    const current = () => owned.epoch === epoch && !this.stopped;
    const { partition } = owned;
    owned.opening = owned.lock
      .run(async () => {
        await owned.writer?.close();
        owned.writer = undefined;
        const transactionalId = partitionTransactionalId(this.cfg.ENRICHER_GROUP_ID, this.cfg.ORDERS_TOPIC, partition);
        let writer: TransactionalWriter | undefined;
        await retryUntilDone(
          async () => {
            writer = await TransactionalWriter.open(this.kafka, transactionalId, this.cfg.ENRICHER_TRANSACTION_TIMEOUT_MS);
          },
          {
            stepMs: 500,
            maxDelayMs: 2000,
            keepGoing: current,
            onFailure: (err, retryInMs) => this.log.warn({ err, transactionalId, retryInMs }, 'cannot open the partition\'s transactional id yet (is Kafka up?); retrying'),
          },
        );
        owned.writer = writer;
        if (!current()) return;
        owned.moveTo('restoring');
        const checkpoint = await this.waiting.restore(partition, current, {
          outcome: () => lastTransactionOutcome(this.kafka, transactionalId, this.log),
          end: (message, outcome) => endHangingTransaction(this.kafka, writer!, this.topics, { message, outcome }, this.log),
        });
        if (!current()) return;
        const committed = await this.consumer.committedOffset(partition, current);
        if (!current()) return;
        const resume = resumeOffset(committed, checkpoint);
        if (resume !== committed) {
          this.log.warn({ partition, committed: committed?.toString() ?? null, checkpoint: checkpoint?.toString() ?? null }, "the group's committed offset is behind the partition's checkpoint (Kafka still applying a commit); resuming at the checkpoint");
        }
        owned.position = resume ?? 0n;
        if (resume !== null) this.consumer.seek(partition, resume);
        owned.moveTo('ready');
        this.metrics.waitingItems.set(this.waiting.size);
        this.log.info({ partition, transactionalId, resume: resume?.toString() ?? null, waiting: this.waiting.size }, 'orders partition ready');
      })
      .catch((err: unknown) => {
        if (!current()) return;
        this.log.error({ err, partition }, 'opening the orders partition failed (is Kafka up?); opening it again in 1 s');
        setTimeout(() => {
          if (!current()) return;
          owned.moveTo('assigned');
          this.open(owned);
        }, 1000);
      });
  }

  /**
   * One orders batch: planned (decode, join, park), then written with the partition's offset in one
   * transaction. Not resolved unless committed: kafkajs then reads the batch again once the partition
   * is open again, from its committed offset.
   */
  private async processBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const owned = this.partitions.get(batch.partition);
    if (!owned) return;
    if (!owned.ready) {
      await Promise.race([owned.opening, sleep(OPENING_WAIT_MS)]);
      if (!owned.ready) {
        await heartbeat();
        await sleep(200);
        return;
      }
    }
    if (!isRunning() || isStale()) return;
    const result = await owned.lock.run(async () => {
      if (!owned.ready) return 'not ready';
      const epoch = owned.epoch;
      const plan = planOrders(
        { topic: batch.topic, partition: batch.partition, messages: batch.messages, lastOffset: batch.lastOffset() },
        { productAt: this.productAt, from: owned.position, waitingRoom: this.waiting.room, maxWaitingItems: this.cfg.ENRICHER_MAX_WAITING_ITEMS, now: new Date() },
      );
      for (const dl of plan.deadLetters) {
        if (dl.reason !== REASON_BUFFER_FULL) this.log.warn({ partition: dl.partition, offset: dl.offset, reason: dl.reason, schemaId: dl.sourceSchemaId }, `order dead-lettered: written with schema id ${dl.sourceSchemaId ?? 'none'}`);
      }
      if (plan.skipped > 0) {
        this.metrics.ordersRedelivered.inc(plan.skipped);
        this.log.warn({ partition: batch.partition, skipped: plan.skipped, committedUpTo: owned.position.toString() }, 'orders read again that were committed already; skipped');
      }
      if (plan.next > owned.position || plan.deadLetters.length + plan.enriched.length + plan.parked.length > 0) {
        const offset: OffsetToCommit = { groupId: this.cfg.ENRICHER_GROUP_ID, topic: batch.topic, partition: batch.partition, offset: plan.next };
        const failed = await this.commit(owned, 'batch', plan, offset);
        if (failed) {
          this.log.warn({ partition: batch.partition, from: owned.position.toString(), next: plan.next.toString(), orders: plan.ordersIn }, 'batch transaction not committed; the partition resumes where Kafka says');
          this.failed(owned, epoch, failed);
          return 'failed';
        }
        owned.position = plan.next;
      }
      this.metrics.ordersIn.inc(plan.ordersIn);
      return 'committed';
    });
    if (result !== 'committed') return;
    resolveOffset(batch.lastOffset());
    this.metrics.consumerLag.set({ partition: String(batch.partition) }, Number(batch.offsetLag()));
    await heartbeat();
  }

  /** Emits waiting items whose product arrived and dead-letters those that waited too long, one transaction per ready partition. */
  private async releaseDue(): Promise<void> {
    if (this.releasing || !this.products.loaded || this.waiting.size === 0) return;
    this.releasing = true;
    try {
      for (const owned of this.partitions.ready()) {
        await owned.lock.run(async () => {
          if (!owned.ready) return;
          const epoch = owned.epoch;
          const now = new Date();
          const releasable = this.waiting.releasable(owned.partition, this.productAt, now, this.cfg.ENRICHER_UNKNOWN_PRODUCT_TIMEOUT_MS, RELEASE_LIMIT);
          if (releasable.ready.length + releasable.expired.length === 0) return;
          const output = planRelease(releasable, { productAt: this.productAt, sourceTopic: this.cfg.ORDERS_TOPIC, timeoutMs: this.cfg.ENRICHER_UNKNOWN_PRODUCT_TIMEOUT_MS, now });
          const failed = await this.commit(owned, 'release', output);
          if (failed) return this.failed(owned, epoch, failed);
          this.log.info({ partition: owned.partition, enriched: output.enriched.length, deadLettered: output.deadLetters.length }, 'released waiting items');
        });
      }
    } finally {
      this.releasing = false;
    }
  }

  private scheduleRelease(): void {
    setImmediate(() => void this.releaseDue());
  }

  /** Writes `output` (and `offset`) through the partition's writer; the waiting buffer follows only a commit. Returns the failure, if any. */
  private async commit(owned: OwnedPartition, kind: 'batch' | 'release', output: PlannedOutput, offset?: OffsetToCommit): Promise<TransactionFailed | Error | undefined> {
    const endTimer = this.metrics.transactionSeconds.startTimer({ kind });
    try {
      await this.waiting.settle(output.parked, output.released, () =>
        owned.writer!.write(outputMessages(output, this.topics, this.deadLetterMaxBytes, offset), offset, this.log),
      );
    } catch (err) {
      return err as Error;
    }
    endTimer();
    this.log.debug(
      {
        partition: owned.partition,
        kind,
        from: kind === 'batch' ? owned.position.toString() : undefined,
        next: offset?.offset.toString(),
        orderIds: [...new Set(output.enriched.map((r) => r.key))],
        parked: output.parked.length,
        released: output.released.length,
      },
      'transaction committed',
    );
    this.metrics.itemsOut.inc(output.enriched.length);
    for (const dl of output.deadLetters) this.metrics.deadLetters.inc({ reason: dl.reason });
    this.metrics.waitingItems.set(this.waiting.size);
    return undefined;
  }

  /**
   * A transaction of `owned` failed: its writer is closed, and the partition is opened again if the
   * group says it is still ours (the coordinator aborted a transaction that ran past its timeout,
   * the broker restarted), or revoked when it is not (we were a zombie: another member has it).
   * Repeated fencing of a partition the group gives us means another process uses our ids: fatal.
   */
  private failed(owned: OwnedPartition, epoch: number, err: Error): void {
    if (owned.epoch !== epoch || owned.phase === 'revoked') return;
    owned.moveTo('assigned');
    const next = owned.epoch;
    const current = () => owned.epoch === next && !this.stopped;
    const fenced = err instanceof TransactionFailed && err.fenced;
    this.metrics.transactionsFailed.inc({ fenced: String(fenced) });
    const now = Date.now();
    const fencings = [...(this.fencings.get(owned.partition) ?? []).filter((t) => now - t < FENCING_WINDOW_MS), ...(fenced ? [now] : [])];
    this.fencings.set(owned.partition, fencings);
    owned.opening = (async () => {
      let mine = false;
      await retryUntilDone(
        async () => {
          mine = await this.consumer.owns(owned.partition);
        },
        { stepMs: 500, maxDelayMs: 2000, keepGoing: current, onFailure: (e, retryInMs) => this.log.warn({ err: e, retryInMs }, 'cannot ask the group who owns the partition yet; retrying') },
      );
      if (!current()) return;
      if (!mine) {
        this.log.warn({ partition: owned.partition, fenced }, 'transaction failed on a partition the group no longer gives us (another instance took it): revoked, nothing committed');
        this.revoke(owned);
        return;
      }
      if (fenced && fencings.length >= FENCINGS_FATAL) {
        this.onFatal(err);
        return;
      }
      this.log.warn({ partition: owned.partition, fenced }, 'transaction failed; opening the partition again (new producer epoch, committed offset, waiting items)');
      this.open(owned);
      await owned.opening;
    })().catch((e: unknown) => this.log.error({ err: e, partition: owned.partition }, 'recovering the orders partition failed'));
  }
}
