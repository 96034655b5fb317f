// The waiting items: those of the partitions this instance owns (the authoritative buffer, changed
// only after a commit) and, to restore from, everything committed on the compacted waiting topic,
// where each orders partition's checkpoint lives too.
import { TopicFollower, type FollowedRecord, type Logger, type TransactionOutcome } from '@pizzashop/common';
import type { Kafka, Message } from 'kafkajs';
import { CHECKPOINT_KEY, parseCheckpoint } from './checkpoint.js';
import { parseWaitingItem, type WaitingItem } from './waiting-item.js';
import { WaitingItems, type Releasable } from './waiting-items.js';
import type { ProductAt } from './join.js';

/**
 * How long a transaction may stay open on a waiting partition after its transactional id was
 * opened: Kafka has decided it by then and writes its markers within milliseconds.
 */
const HANGING_AFTER_MS = 5000;
/** The key of the tombstone that ends a hanging transaction (waiting items are keyed `orderId/itemIndex`, so no item has it). */
const SETTLE_KEY = 'settle';

/** Ends a hanging transaction of the partition's transactional id (see `WaitingStore.restore`). */
export interface HangingTransactionEnder {
  /** How the coordinator ended the id's last transaction, if its log still says. */
  outcome(): Promise<{ outcome: TransactionOutcome; producerEpoch: number } | undefined>;
  /** Writes `message` in a transaction of the same id, ended with `outcome`. */
  end(message: Message, outcome: TransactionOutcome): Promise<void>;
}

export class WaitingStore {
  /** Items waiting on the partitions this instance owns. */
  private readonly owned = new WaitingItems();
  /** Everything committed on the waiting topic, all partitions. */
  private readonly log = new WaitingItems();
  /** The newest committed checkpoint of each orders partition. */
  private readonly checkpoints = new Map<number, bigint>();
  private readonly follower: TopicFollower;
  /** Items planned to park in transactions not settled yet (they count against the bound). */
  private pending = 0;

  constructor(
    kafka: Kafka,
    private readonly o: { topic: string; groupPrefix: string; maxItems: number; log: Logger },
  ) {
    this.follower = new TopicFollower(kafka, { topic: o.topic, groupPrefix: o.groupPrefix, log: o.log, apply: (records) => this.applyLog(records) });
  }

  get size(): number {
    return this.owned.size;
  }

  /** How many more items may start waiting now. */
  get room(): number {
    return Math.max(0, this.o.maxItems - this.owned.size - this.pending);
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  /**
   * Replaces the items of `partition` with those committed on the waiting topic up to its end, and
   * returns the partition's checkpoint as of then (null if it has none). Called right after the
   * partition's transactional id was opened, which ends its last transaction: should one still be
   * open on the waiting partition, its end is waited for, or a commit that lands later would be
   * missed and its orders enriched again. One still open after HANGING_AFTER_MS is one whose
   * markers Kafka skipped (a hanging transaction): a transaction of the same id holding a tombstone
   * of SETTLE_KEY on the partition then ends it, committed or aborted as the coordinator decided
   * (aborted when the coordinator's log no longer says: orders enriched twice rather than lost).
   */
  async restore(partition: number, keepGoing: () => boolean, hanging: HangingTransactionEnder): Promise<bigint | null> {
    let { end, settled } = await this.settledEnd(partition, keepGoing);
    if (!settled && keepGoing()) {
      const decided = await hanging.outcome();
      const outcome = decided?.outcome ?? 'aborted';
      const context = { topic: this.o.topic, partition, lastStable: end.toString(), waitedMs: HANGING_AFTER_MS, outcome, producerEpoch: decided?.producerEpoch };
      const hangingNow = 'the transaction open on the waiting partition is hanging (Kafka skipped its markers; see docs/decisions.md)';
      if (decided) this.o.log.warn(context, `${hangingNow}: the coordinator ${outcome} it, so a transaction of the same id ends it the same way`);
      else this.o.log.error(context, `${hangingNow} and the coordinator's log no longer says how it ended: aborting it (its orders are enriched again)`);
      await hanging.end({ key: SETTLE_KEY, value: null, partition }, outcome);
      ({ end, settled } = await this.settledEnd(partition, keepGoing));
      if (!settled && keepGoing()) throw new Error(`${this.o.topic}-${partition}: a transaction is still open at offset ${end} after the one that should have ended it`);
    }
    await this.follower.caughtUpTo(partition, end);
    this.owned.replacePartition(partition, this.log.items(partition));
    return this.checkpoints.get(partition) ?? null;
  }

  private settledEnd(partition: number, keepGoing: () => boolean) {
    return this.follower.settledEnd(partition, {
      keepGoing,
      withinMs: HANGING_AFTER_MS,
      onOpen: (lastStable, highWatermark) =>
        this.o.log.warn(
          { topic: this.o.topic, partition, lastStable: lastStable.toString(), highWatermark: highWatermark.toString() },
          'a transaction is still open on the waiting partition after its transactional id was opened; waiting for Kafka to end it before restoring',
        ),
    });
  }

  drop(partition: number): void {
    this.owned.dropPartition(partition);
  }

  releasable(partition: number, productAt: ProductAt, now: Date, timeoutMs: number, limit: number): Releasable {
    return this.owned.releasable(partition, productAt, now, timeoutMs, limit);
  }

  /** Runs `commit`, which writes `parked` and tombstones `released`; the buffer follows only when it succeeds. */
  async settle(parked: readonly WaitingItem[], released: readonly WaitingItem[], commit: () => Promise<void>): Promise<void> {
    this.pending += parked.length;
    try {
      await commit();
      this.owned.add(parked);
      this.owned.remove(released);
    } finally {
      this.pending -= parked.length;
    }
  }

  private applyLog(records: FollowedRecord[]): void {
    for (const r of records) {
      const key = r.key?.toString('utf8') ?? '';
      if (key === CHECKPOINT_KEY) {
        this.applyCheckpoint(r);
        continue;
      }
      if (r.value === null) {
        this.log.removeKey(r.partition, key);
        continue;
      }
      const parsed = parseWaitingItem(r.value);
      if (parsed) this.log.add([parsed]);
      else this.o.log.error({ topic: this.o.topic, partition: r.partition, offset: r.offset }, 'unreadable waiting item ignored');
    }
  }

  private applyCheckpoint(r: FollowedRecord): void {
    const nextOffset = r.value === null ? undefined : parseCheckpoint(r.value);
    if (nextOffset === undefined) this.o.log.error({ topic: this.o.topic, partition: r.partition, offset: r.offset }, 'unreadable checkpoint ignored');
    else this.checkpoints.set(r.partition, nextOffset);
  }
}
