// The `orders` consumer in its group: runs kafkajs with manual offsets (they are committed in the
// partitions' transactions), reports each assignment, replaces a consumer kafkajs gave up on, and
// answers what the group says: the committed offset of a partition, and whether we still own it.
import { partitionCount, replaceGivenUpConsumer, retryUntilDone, withAdmin, type Logger } from '@pizzashop/common';
import { AssignerProtocol, type Consumer, type EachBatchPayload, type Kafka } from 'kafkajs';
import type { EnricherConfig } from './config.js';

export interface OrdersConsumerHandlers {
  /** The group's assignment to this member, after every join (all its orders partitions). */
  onAssignment: (partitions: number[]) => void;
  eachBatch: (payload: EachBatchPayload) => Promise<void>;
}

export class OrdersConsumer {
  private consumer: Consumer;
  private running = false;
  private stopped = false;
  private memberId = '';

  constructor(
    private readonly kafka: Kafka,
    private readonly cfg: EnricherConfig,
    private readonly log: Logger,
    private readonly handlers: OrdersConsumerHandlers,
  ) {
    this.consumer = this.create();
  }

  /** In its group (not crashed). */
  get consuming(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.cfg.ORDERS_TOPIC, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // one batch per partition at a time, all partitions at once
      partitionsConsumedConcurrently: Math.max(1, await partitionCount(this.kafka, this.cfg.ORDERS_TOPIC)),
      eachBatch: (payload) => this.handlers.eachBatch(payload),
    });
    this.running = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer.disconnect();
  }

  /** Makes the next fetch of `partition` start at `offset` (batches fetched before are stale). */
  seek(partition: number, offset: bigint): void {
    this.consumer.seek({ topic: this.cfg.ORDERS_TOPIC, partition, offset: offset.toString() });
  }

  /**
   * The group's committed offset of `partition`, or null when it has none; retries until Kafka
   * answers. kafkajs cannot ask for a stable offset (OffsetFetch v7's requireStable, KIP-447), so
   * right after a broker restart this can be behind a committed transaction: the partition's
   * checkpoint covers that (see `resumeOffset`).
   */
  async committedOffset(partition: number, keepGoing: () => boolean): Promise<bigint | null> {
    let offset: bigint | null = null;
    await retryUntilDone(
      async () => {
        const [committed] = await withAdmin(this.kafka, (admin) => admin.fetchOffsets({ groupId: this.cfg.ENRICHER_GROUP_ID, topics: [this.cfg.ORDERS_TOPIC] }));
        const raw = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        offset = raw === '-1' ? null : BigInt(raw);
      },
      {
        stepMs: 500,
        maxDelayMs: 2000,
        keepGoing: () => keepGoing() && !this.stopped,
        onFailure: (err, retryInMs) => this.log.warn({ err, partition, retryInMs }, 'cannot read the committed offset yet; retrying'),
      },
    );
    return offset;
  }

  /** Whether the group, now stable, has `partition` assigned to this member (false when rebalancing or unknown). */
  async owns(partition: number): Promise<boolean> {
    const group = await this.consumer.describeGroup();
    if (group.state !== 'Stable') return false;
    const me = group.members.find((m) => m.memberId === this.memberId);
    if (!me) return false;
    const assignment = (AssignerProtocol.MemberAssignment.decode(me.memberAssignment)?.assignment ?? {}) as Record<string, number[]>;
    return (assignment[this.cfg.ORDERS_TOPIC] ?? []).includes(partition);
  }

  private create(): Consumer {
    const consumer = this.kafka.consumer({
      groupId: this.cfg.ENRICHER_GROUP_ID,
      readUncommitted: false,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: this.cfg.ENRICHER_FETCH_BYTES_PER_PARTITION,
      sessionTimeout: this.cfg.ENRICHER_SESSION_TIMEOUT_MS,
      heartbeatInterval: Math.floor(this.cfg.ENRICHER_SESSION_TIMEOUT_MS / 3),
    });
    const { GROUP_JOIN, CRASH } = consumer.events;
    consumer.on(GROUP_JOIN, ({ payload }) => {
      this.memberId = payload.memberId;
      this.running = true;
      this.handlers.onAssignment([...(payload.memberAssignment[this.cfg.ORDERS_TOPIC] ?? [])].sort((a, b) => a - b));
    });
    consumer.on(CRASH, ({ payload }) => {
      this.running = false;
      if (!payload.restart) this.restart();
    });
    return consumer;
  }

  /**
   * kafkajs gives up on a consumer after errors it deems final, e.g. no group coordinator found
   * while the broker restarts. Nothing is lost (offsets commit only with their transaction), so a
   * fresh consumer rejoins the group instead of the process exiting.
   */
  private restart(): void {
    if (this.stopped) return;
    this.log.warn({ brokers: this.cfg.KAFKA_BROKERS }, 'orders consumer stopped by kafkajs; starting a new one');
    replaceGivenUpConsumer({
      stopped: () => this.stopped,
      disconnect: () => this.consumer.disconnect(),
      startNew: async () => {
        this.consumer = this.create();
        await this.start();
        if (this.stopped) await this.consumer.disconnect();
      },
      onFailure: (err, retryInMs) => this.log.warn({ err, retryInMs, brokers: this.cfg.KAFKA_BROKERS }, 'cannot start a new orders consumer yet (is Kafka up?); retrying'),
    });
  }
}
