// TopicFollower: reads a whole topic into memory and keeps following it (the enricher's caches, the
// delivery service's state reload), knowing when it has caught up.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { KafkaRecord } from '../contracts/kafka-record.js';
import type { Logger } from '../logger.js';
import { replaceGivenUpConsumer } from './consumer-replacement.js';
import { topicOffsets, withAdmin } from './admin.js';

export interface FollowedRecord extends KafkaRecord {
  /** The record's timestamp (ms since epoch, as a string like kafkajs gives it). */
  timestamp: string;
}

export interface TopicFollowerOptions {
  topic: string;
  /** Prefix of the consumer group; a random suffix makes each follower read every partition. */
  groupPrefix: string;
  log: Logger;
  /** Applies records in offset order; a throw stops the follower (kafkajs retries the batch). */
  apply: (records: FollowedRecord[]) => void;
  /**
   * Where to start reading each partition, given its low and high (last stable) offsets; default:
   * the beginning (`low`). E.g. `(low, high) => max(low, high - n)` reads the last n records, and
   * `(low, high, partition) => (partition === p ? low : high)` only partition p.
   */
  startAt?: (low: bigint, high: bigint, partition: number) => bigint;
}

interface Waiter {
  partition: number;
  offset: bigint;
  resolve: () => void;
}

/** The follower's consumer session: `group.min.session.timeout.ms`, the broker's default minimum. */
const FOLLOWER_SESSION_MS = 6000;

/**
 * Reads a whole topic into memory, like a Kafka Streams GlobalKTable: every partition from the
 * beginning, never committing offsets (its group is private to this process and deleted on stop),
 * then keeps following. `caughtUp()` resolves once every partition was read up to the last stable
 * offset it had at start, `caughtUpTo()` once one partition reached a given offset. Reads
 * committed data only, and "end" is the last stable offset (kafkajs' admin lists offsets
 * read_committed), so records of a transaction still open at start are waited for only once it
 * ends; everything committed before it is included.
 */
export class TopicFollower {
  /** The private group of the current consumer; a replacement joins a new one (see `replaceConsumer`). */
  private groupId = '';
  /** Groups of replaced consumers, deleted once a replacement runs. */
  private abandonedGroups: string[] = [];
  private consumer: Consumer;
  private stopped = false;
  private readonly positions = new Map<number, bigint>();
  private waiters: Waiter[] = [];
  private startMarks: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: TopicFollowerOptions,
  ) {
    this.consumer = this.createConsumer();
  }

  async start(): Promise<void> {
    const offsets = await topicOffsets(this.kafka, this.options.topic);
    for (const { partition, low, high } of offsets) this.advance(partition, this.options.startAt?.(BigInt(low), BigInt(high), partition) ?? BigInt(low));
    this.startMarks = Promise.all(offsets.map(({ partition, high }) => this.caughtUpTo(partition, BigInt(high)))).then(() => undefined);
    await this.run();
  }

  /** Resolves once every partition reached the last stable offset it had when `start()` was called. */
  caughtUp(): Promise<void> {
    if (!this.startMarks) throw new Error(`${this.options.topic} follower: call start() before caughtUp()`);
    return this.startMarks;
  }

  /** Resolves once `partition` was read up to (not including) `offset`. */
  caughtUpTo(partition: number, offset: bigint): Promise<void> {
    if ((this.positions.get(partition) ?? 0n) >= offset) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ partition, offset, resolve }));
  }

  /**
   * The end of one partition once no transaction is open on it (its last stable offset has reached
   * its high watermark), asked every `everyMs` for up to `withinMs` while `keepGoing()`; `onOpen` is
   * told once if one is open. `settled` is false if one was still open when the time was up (`end`
   * is then the last stable offset). Wait for `end` with `caughtUpTo` to read up to "now". For a
   * writer that has just fenced the only transactional id writing the partition: Kafka has ended
   * every transaction of that id by then, so one still open is one whose end Kafka lost (see
   * docs/decisions.md, "hanging transactions").
   */
  async settledEnd(
    partition: number,
    o: { keepGoing: () => boolean; onOpen: (lastStable: bigint, highWatermark: bigint) => void; withinMs: number; everyMs?: number },
  ): Promise<{ end: bigint; settled: boolean }> {
    const deadline = Date.now() + o.withinMs;
    let told = false;
    for (;;) {
      const [lastStable, highWatermark] = await Promise.all([this.partitionEnd(partition, false), this.partitionEnd(partition, true)]);
      if (lastStable >= highWatermark) return { end: lastStable, settled: true };
      if (!o.keepGoing() || Date.now() >= deadline) return { end: lastStable, settled: false };
      if (!told) o.onOpen(lastStable, highWatermark);
      told = true;
      await sleep(o.everyMs ?? 200);
    }
  }

  private async partitionEnd(partition: number, readUncommitted: boolean): Promise<bigint> {
    const offsets = await topicOffsets(this.kafka, this.options.topic, { readUncommitted });
    const found = offsets.find((o) => o.partition === partition);
    if (!found) throw new Error(`${this.options.topic} has no partition ${partition}`);
    return BigInt(found.high);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer.disconnect();
    await this.deleteGroups([this.groupId, ...this.abandonedGroups]);
  }

  private async deleteGroups(groupIds: string[]): Promise<void> {
    await withAdmin(this.kafka, (admin) => admin.deleteGroups(groupIds)).catch((err: unknown) => {
      this.options.log.debug({ err, groupIds }, 'could not delete follower groups; the broker expires them');
    });
  }

  private createConsumer(): Consumer {
    if (this.groupId) this.abandonedGroups.push(this.groupId);
    this.groupId = `${this.options.groupPrefix}-${randomUUID()}`;
    // The group's only member: a short session (the broker's minimum) so that after a broker restart,
    // when kafkajs restarts the consumer as a new member, the old one it could not take out of the
    // group is dropped within seconds instead of holding the partitions for kafkajs' 30 s default.
    const consumer = this.kafka.consumer({ groupId: this.groupId, readUncommitted: false, maxWaitTimeInMs: 250, sessionTimeout: FOLLOWER_SESSION_MS, heartbeatInterval: FOLLOWER_SESSION_MS / 3 });
    const { END_BATCH_PROCESS, GROUP_JOIN, CRASH } = consumer.events;
    consumer.on(END_BATCH_PROCESS, ({ payload }) => this.advance(payload.partition, BigInt(payload.lastOffset) + 1n));
    consumer.on(GROUP_JOIN, ({ payload }) => this.resumeAfterJoin(consumer, payload.memberAssignment[this.options.topic] ?? []));
    consumer.on(CRASH, ({ payload }) => {
      if (!payload.restart) this.replaceConsumer(payload.error);
    });
    return consumer;
  }

  private async run(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }: EachBatchPayload) => {
        const from = this.positions.get(batch.partition) ?? 0n;
        const unread = batch.messages.filter((m) => BigInt(m.offset) >= from);
        if (unread.length === 0) return;
        this.options.apply(unread.map((m) => ({ partition: batch.partition, offset: m.offset, key: m.key, value: m.value, timestamp: m.timestamp })));
      },
    });
  }

  /**
   * kafkajs gave up on the consumer: a new one takes over where the old one was, so the follower
   * never silently stops following. It joins a new private group: the old consumer could not leave
   * its group while the broker was away, and a new member of that group would wait for the old one's
   * session to expire (30 s) before it got a partition.
   */
  private replaceConsumer(cause: Error): void {
    if (this.stopped) return;
    const { topic, log } = this.options;
    log.warn({ err: cause, topic }, `${topic} follower: kafkajs gave up on its consumer; starting a new one`);
    replaceGivenUpConsumer({
      stopped: () => this.stopped,
      disconnect: () => this.consumer.disconnect(),
      startNew: async () => {
        this.consumer = this.createConsumer();
        await this.run();
        const abandoned = this.abandonedGroups;
        this.abandonedGroups = [];
        void this.deleteGroups(abandoned);
      },
      onFailure: (err, retryInMs) => log.warn({ err, topic, retryInMs }, `${topic} follower: cannot start a new consumer yet (is Kafka up?); retrying`),
    });
  }

  /**
   * After every join of the private group (the first, and each rejoin: a broker restart, a kafkajs
   * restart of the consumer, a new consumer) kafkajs would start each partition at the beginning
   * again, as the group commits no offsets: it goes on where it was instead. Records before a
   * partition's position are never applied again either way (see `run`), so the state never steps
   * back in time.
   */
  private resumeAfterJoin(consumer: Consumer, partitions: number[]): void {
    for (const partition of partitions) {
      const position = this.positions.get(partition);
      if (position !== undefined) consumer.seek({ topic: this.options.topic, partition, offset: position.toString() });
    }
  }

  private advance(partition: number, position: bigint): void {
    if ((this.positions.get(partition) ?? -1n) >= position) return;
    this.positions.set(partition, position);
    const ready = this.waiters.filter((w) => w.partition === partition && w.offset <= position);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}
