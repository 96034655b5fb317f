// Checks the stack's Kafka: the pipeline topics exist, consumer groups receive messages and
// transactions show only after commit, and aborted ones never (kafkajs as patched in patches/).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Producer, Transaction } from 'kafkajs';
import { readTopic, testKafka } from '@pizzashop/testkit';

const kafka = testKafka((process.env.KAFKA_BROKERS ?? '').split(','));

interface OpenTransaction {
  send: (value: string) => Promise<void>;
  tx: Transaction;
}

/** Transactional producers writing to partition 0 of one topic, each with a transaction begun. */
class Transactions {
  private readonly producers: Producer[] = [];

  constructor(private readonly topic: string) {}

  async begin(name: string): Promise<OpenTransaction> {
    const producer = kafka.producer({ transactionalId: `tx-${name}-${randomUUID()}`, idempotent: true, maxInFlightRequests: 1 });
    this.producers.push(producer);
    await producer.connect();
    const tx = await producer.transaction();
    return { tx, send: async (value) => void (await tx.send({ topic: this.topic, messages: [{ partition: 0, value }] })) };
  }

  async close(): Promise<void> {
    await Promise.all(this.producers.map((p) => p.disconnect()));
  }
}

async function freshTopic(): Promise<string> {
  const topic = `stack-test-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
  await admin.disconnect();
  return topic;
}

describe('kafka (KRaft broker from Maven Central)', () => {
  it('created the pipeline topics with the configured partitions', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: ['orders', 'enriched-order-items', 'dead-letters'] });
    await admin.disconnect();
    expect(meta.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
      ['dead-letters', 3],
      ['enriched-order-items', 3],
      ['orders', 3],
    ]);
  });

  it('delivers produced messages to a consumer group', async () => {
    const topic = await freshTopic();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
    await producer.send({ topic, acks: -1, messages: keys.map((key) => ({ key, value: `v-${key}` })) });
    await producer.disconnect();

    const got = await readTopic(kafka, topic, (msgs) => msgs.length >= keys.length, { timeoutMs: 30_000 });
    expect(got.map((m) => m.key).sort()).toEqual([...keys].sort());
  });

  it('shows a transaction to a read_committed consumer only after commit', async () => {
    const topic = await freshTopic();
    const producer = kafka.producer({ transactionalId: `tx-${randomUUID()}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();

    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ key: 'a', value: 'aborted' }] });
    await aborted.abort();

    const tx = await producer.transaction();
    await tx.send({ topic, messages: [{ key: 'c', value: 'committed' }] });
    const beforeCommit = await readTopic(kafka, topic, () => false, { timeoutMs: 4_000 });
    expect(beforeCommit).toEqual([]);

    await tx.commit();
    await producer.disconnect();
    const afterCommit = await readTopic(kafka, topic, (msgs) => msgs.length >= 1, { timeoutMs: 20_000 });
    expect(afterCommit.map((m) => m.value)).toEqual(['committed']);
  });

  // kafkajs 2.2.4 took the broker's aborted-transaction list (in the order they were aborted) as
  // sorted by first offset, and stepped into one aborted transaction per record: both let aborted
  // records through (the kafka-kill drill's "duplicates"). patches/kafkajs+2.2.4.patch fixes both.
  it.each([
    {
      case: 'that interleave and end in another order than they began',
      maxBytesPerPartition: undefined,
      abortBoth: async (a: OpenTransaction, b: OpenTransaction) => {
        await a.send('a1 aborted');
        await b.send('b1 aborted');
        await b.tx.abort();
        await a.send('a2 aborted');
        await a.tx.abort();
      },
    },
    {
      case: 'when a fetch starts inside several of them (one record batch per fetch)',
      maxBytesPerPartition: 1,
      abortBoth: async (a: OpenTransaction, b: OpenTransaction) => {
        await a.send('a1 aborted');
        await b.send('b1 aborted');
        await a.tx.abort();
        await b.send('b2 aborted');
        await b.tx.abort();
      },
    },
  ])('hides aborted transactions $case', async ({ maxBytesPerPartition, abortBoth }) => {
    const topic = await freshTopic();
    const txs = new Transactions(topic);
    const [a, b, c] = [await txs.begin('a'), await txs.begin('b'), await txs.begin('c')];
    await abortBoth(a, b);
    await c.send('c1 committed');
    await c.tx.commit();
    await txs.close();
    const got = await readTopic(kafka, topic, (msgs) => msgs.some((m) => m.value === 'c1 committed'), { timeoutMs: 20_000, settleMs: 1_000, maxBytesPerPartition });
    expect(got.map((m) => m.value)).toEqual(['c1 committed']);
  });
});
