// TopicFollower on the test stack's Kafka: when its private group rebalances, it goes on where it
// was; it never applies a record twice (kafkajs alone would read every partition from the start
// again, as the group commits no offsets, and a follower's state would step back in time). Its
// settled end waits for a transaction open on the partition, for a bounded time.
import { createLogger, openTransactionalProducer, TopicFollower, withAdmin, type FollowedRecord } from '@pizzashop/common';
import { testKafka, uniqueTopic } from '@pizzashop/testkit';
import { describe, expect, it } from 'vitest';

const kafka = testKafka((process.env.KAFKA_BROKERS ?? '').split(','));

async function produce(topic: string, keys: string[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: keys.map((key) => ({ key, value: `v-${key}` })) });
  await producer.disconnect();
}

/**
 * Joins another member to `groupId`, then leaves: the group rebalances twice. The follower either
 * keeps the partition through both or gets it back after the second; kafkajs starts it afresh either way.
 */
async function intrude(groupId: string, topic: string): Promise<void> {
  const intruder = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
  const joined = new Promise<void>((resolve) => intruder.on(intruder.events.GROUP_JOIN, () => resolve()));
  await intruder.connect();
  try {
    await intruder.subscribe({ topic, fromBeginning: true });
    await intruder.run({ autoCommit: false, eachBatch: async () => undefined });
    await Promise.race([joined, new Promise((_, reject) => setTimeout(() => reject(new Error(`a second member did not join ${groupId} within 60 s`)), 60_000))]);
  } finally {
    await intruder.disconnect();
  }
}

describe('TopicFollower (test stack Kafka)', () => {
  it('goes on where it was after its group rebalanced, applying each record once', async () => {
    const topic = uniqueTopic('follower');
    await withAdmin(kafka, (admin) => admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] }));
    await produce(topic, ['a', 'b', 'c']);
    const applied: FollowedRecord[] = [];
    const groupPrefix = `follower-test-${topic}`;
    const follower = new TopicFollower(kafka, { topic, groupPrefix, log: createLogger('int-test', 'warn'), apply: (records) => applied.push(...records) });
    await follower.start();
    try {
      await follower.caughtUp();
      const { groups } = await withAdmin(kafka, (admin) => admin.listGroups());
      const groupId = groups.map((g) => g.groupId).find((g) => g.startsWith(groupPrefix));
      expect(groupId, `the follower's group (${groupPrefix}-*) is listed`).toBeDefined();

      await intrude(groupId!, topic);
      await produce(topic, ['d', 'e']);
      const { end } = await follower.settledEnd(0, { keepGoing: () => true, onOpen: () => undefined, withinMs: 30_000 });
      await Promise.race([follower.caughtUpTo(0, end), new Promise((_, reject) => setTimeout(() => reject(new Error(`the follower did not read up to offset ${end} within 60 s after the rebalances`)), 60_000))]);
      await new Promise((r) => setTimeout(r, 2000));

      expect(applied.map((r) => `${r.offset}:${r.key?.toString()}`)).toEqual(['0:a', '1:b', '2:c', '3:d', '4:e']);
    } finally {
      await follower.stop();
    }
  });

  it('gives the settled end of a partition only once the transaction open on it has ended, with what it wrote, or says it is still open when the time is up', async () => {
    const topic = uniqueTopic('follower-settled');
    await withAdmin(kafka, (admin) => admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] }));
    await produce(topic, ['a']);
    const follower = new TopicFollower(kafka, { topic, groupPrefix: `follower-test-${topic}`, log: createLogger('int-test', 'warn'), apply: () => undefined });
    const producer = await openTransactionalProducer(kafka, `follower-settled-${topic}`);
    try {
      const tx = await producer.transaction();
      await tx.send({ topic, acks: -1, messages: [{ key: 'b', value: 'v-b', partition: 0 }, { key: 'c', value: 'v-c', partition: 0 }] });
      let open: [bigint, bigint] | undefined;
      let settledAt: { end: bigint; settled: boolean } | undefined;
      const settling = follower
        .settledEnd(0, { keepGoing: () => true, onOpen: (lastStable, highWatermark) => (open = [lastStable, highWatermark]), withinMs: 60_000, everyMs: 100 })
        .then((result) => (settledAt = result));
      await new Promise((r) => setTimeout(r, 1500));
      expect(open, 'told that a transaction is open: last stable offset 1 (after a), high watermark 3 (a, b, c)').toEqual([1n, 3n]);
      expect(settledAt, 'no end given while the transaction is open').toBeUndefined();
      await tx.commit();
      await settling;
      expect(settledAt, 'the end after the commit: a, b, c and the commit marker').toEqual({ end: 4n, settled: true });

      const next = await producer.transaction();
      await next.send({ topic, acks: -1, messages: [{ key: 'd', value: 'v-d', partition: 0 }] });
      const startedAt = Date.now();
      const timedOut = await follower.settledEnd(0, { keepGoing: () => true, onOpen: () => undefined, withinMs: 1000, everyMs: 100 });
      expect(timedOut, 'still open when the time was up: the last stable offset, not settled').toEqual({ end: 4n, settled: false });
      expect(Date.now() - startedAt, 'given up after about withinMs').toBeLessThan(10_000);
      await next.abort();
    } finally {
      await producer.disconnect();
    }
  });
});
