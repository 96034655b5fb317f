// TopicFollower with a stubbed kafkajs: where each (new) consumer starts after joining, that records
// before the position are never applied again, and that a consumer kafkajs gave up on is replaced.
import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger, TopicFollower, type FollowedRecord } from '../src/index.js';

const TOPIC = 'followed';

interface BatchMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
}

/** The part of a kafkajs consumer TopicFollower uses; the test plays the broker through it. */
class FakeConsumer {
  readonly events = { END_BATCH_PROCESS: 'end', GROUP_JOIN: 'join', CRASH: 'crash' } as const;
  readonly seeks: { partition: number; offset: string }[] = [];
  disconnected = false;
  /** `run` was called: the consumer fetches. */
  running = false;
  private readonly handlers = new Map<string, (event: { payload: unknown }) => void>();
  private eachBatch: ((payload: { batch: { partition: number; messages: BatchMessage[] } }) => Promise<void>) | undefined;

  on(event: string, handler: (event: { payload: unknown }) => void): void {
    this.handlers.set(event, handler);
  }
  async connect(): Promise<void> {}
  async subscribe(): Promise<void> {}
  async run(options: { eachBatch: FakeConsumer['eachBatch'] }): Promise<void> {
    this.eachBatch = options.eachBatch;
    this.running = true;
  }
  seek(s: { partition: number; offset: string }): void {
    this.seeks.push({ partition: s.partition, offset: s.offset });
  }
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }

  join(partitions: number[]): void {
    this.handlers.get('join')?.({ payload: { memberAssignment: { [TOPIC]: partitions } } });
  }
  crash(restart: boolean): void {
    this.handlers.get('crash')?.({ payload: { error: new Error('There is no group coordinator'), restart } });
  }
  /** Fetches offsets [from, to) of partition 0 and ends the batch, as kafkajs does. */
  async deliver(from: number, to: number): Promise<void> {
    const messages = Array.from({ length: to - from }, (_, i) => ({ offset: String(from + i), key: Buffer.from(`k${from + i}`), value: Buffer.from('v'), timestamp: '0' }));
    await this.eachBatch!({ batch: { partition: 0, messages } });
    this.handlers.get('end')?.({ payload: { partition: 0, lastOffset: String(to - 1) } });
  }
}

function fakeKafka(high: number): { kafka: Kafka; consumers: FakeConsumer[]; groups: string[]; deleted: string[] } {
  const consumers: FakeConsumer[] = [];
  const groups: string[] = [];
  const deleted: string[] = [];
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchTopicOffsets: async () => [{ partition: 0, low: '0', high: String(high), offset: String(high) }],
    deleteGroups: async (ids: string[]) => void deleted.push(...ids),
  };
  const kafka = {
    consumer: ({ groupId }: { groupId: string }) => {
      const consumer = new FakeConsumer();
      consumers.push(consumer);
      groups.push(groupId);
      return consumer;
    },
    admin: () => admin,
  };
  return { kafka: kafka as unknown as Kafka, consumers, groups, deleted };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 5000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function follow(kafka: Kafka): { follower: TopicFollower; applied: string[] } {
  const applied: string[] = [];
  const follower = new TopicFollower(kafka, {
    topic: TOPIC,
    groupPrefix: 'unit',
    log: createLogger('unit', 'silent'),
    apply: (records: FollowedRecord[]) => applied.push(...records.map((r) => r.offset)),
  });
  return { follower, applied };
}

describe('TopicFollower', () => {
  it('seeks each assigned partition to where it was on every join, and never applies a record twice', async () => {
    const { kafka, consumers } = fakeKafka(3);
    const { follower, applied } = follow(kafka);
    await follower.start();
    const [consumer] = consumers;
    consumer!.join([0]);
    await consumer!.deliver(0, 3);
    await follower.caughtUp();

    consumer!.join([0]);
    await consumer!.deliver(0, 5);

    expect(consumer!.seeks).toEqual([
      { partition: 0, offset: '0' },
      { partition: 0, offset: '3' },
    ]);
    expect(applied).toEqual(['0', '1', '2', '3', '4']);
    await follower.stop();
  });

  it('replaces a consumer kafkajs gave up on with one in a new private group that goes on where the old one was', async () => {
    const { kafka, consumers, groups, deleted } = fakeKafka(2);
    const { follower, applied } = follow(kafka);
    await follower.start();
    consumers[0]!.join([0]);
    await consumers[0]!.deliver(0, 2);

    consumers[0]!.crash(true);
    expect(consumers).toHaveLength(1);
    consumers[0]!.crash(false);
    await until('a new consumer', () => consumers.length === 2);
    expect(consumers[0]!.disconnected).toBe(true);

    const replacement = consumers[1]!;
    await until('the new consumer running', () => replacement.running);
    replacement.join([0]);
    await replacement.deliver(0, 4);

    expect(replacement.seeks).toEqual([{ partition: 0, offset: '2' }]);
    expect(applied).toEqual(['0', '1', '2', '3']);
    expect(groups[1], 'the replacement joins a group of its own: the old member, which could not leave, is not waited for').not.toBe(groups[0]);
    await until('the abandoned group deleted', () => deleted.includes(groups[0]!));
    await follower.stop();
    expect(replacement.disconnected).toBe(true);
  });
});
