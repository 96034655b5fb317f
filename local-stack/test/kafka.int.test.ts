// Checks the stack's Kafka: the pipeline topics exist, consumer groups receive messages and
// transactions show only after commit.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readTopic, testKafka } from '@pizzashop/testkit';

const kafka = testKafka((process.env.KAFKA_BROKERS ?? '').split(','));

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
});
