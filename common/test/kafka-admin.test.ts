// Unit tests of topicOffsets: a retriable kafkajs error (a leader that just moved) is asked again by a new admin session; others are not.
import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { topicOffsets } from '../src/kafka/admin.js';

const notLeader = () => Object.assign(new Error('This server is not the leader for that topic-partition'), { name: 'KafkaJSProtocolError', retriable: true });
const offsets = [{ partition: 0, offset: '5', high: '5', low: '0' }];

function fakeKafka(answers: Array<Error | typeof offsets>) {
  const sessions = { connected: 0, disconnected: 0 };
  const kafka = {
    admin: () => ({
      connect: async () => void sessions.connected++,
      disconnect: async () => void sessions.disconnected++,
      fetchTopicOffsets: async () => {
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return next;
      },
    }),
  } as unknown as Kafka;
  return { kafka, sessions };
}

describe('topicOffsets', () => {
  it('asks again, with a new admin session, while a leader just moved', async () => {
    const { kafka, sessions } = fakeKafka([notLeader(), notLeader(), offsets]);
    expect(await topicOffsets(kafka, 'orders')).toEqual(offsets);
    expect(sessions).toEqual({ connected: 3, disconnected: 3 });
  });

  it('throws at once an error that asking again cannot fix', async () => {
    const { kafka, sessions } = fakeKafka([new Error('topic does not exist'), offsets]);
    await expect(topicOffsets(kafka, 'orders')).rejects.toThrow('topic does not exist');
    expect(sessions.connected).toBe(1);
  });
});
