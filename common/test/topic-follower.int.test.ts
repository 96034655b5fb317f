// TopicFollower on the test stack's Kafka: when its private group rebalances, it goes on where it
// was; it never applies a record twice (kafkajs alone would read every partition from the start
// again, as the group commits no offsets, and a follower's state would step back in time).
import { createLogger, TopicFollower, withAdmin, type FollowedRecord } from '@pizzashop/common';
import { testKafka, uniqueTopic } from '@pizzashop/testkit';
import { describe, expect, it } from 'vitest';

const kafka = testKafka((process.env.KAFKA_BROKERS ?? '').split(','));

async function produce(topic: string, keys: string[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: keys.map((key) => ({ key, value: `v-${key}` })) });
  await producer.disconnect();
}

/** Joins another member to `groupId` until it was given `topic`'s partition, then leaves: the group rebalances twice. */
async function intrude(groupId: string, topic: string): Promise<void> {
  const intruder = kafka.consumer({ groupId, maxWaitTimeInMs: 250 });
  const given = new Promise<void>((resolve) => {
    intruder.on(intruder.events.GROUP_JOIN, ({ payload }) => {
      if ((payload.memberAssignment[topic] ?? []).length > 0) resolve();
    });
  });
  await intruder.connect();
  await intruder.subscribe({ topic, fromBeginning: true });
  await intruder.run({ autoCommit: false, eachBatch: async () => undefined });
  await given;
  await intruder.disconnect();
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
      await follower.caughtUpTo(0, await follower.lastStableOffset(0));
      await new Promise((r) => setTimeout(r, 2000));

      expect(applied.map((r) => `${r.offset}:${r.key?.toString()}`)).toEqual(['0:a', '1:b', '2:c', '3:d', '4:e']);
    } finally {
      await follower.stop();
    }
  });
});
