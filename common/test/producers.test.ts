// Unit tests of the producer helpers: request splitting, JSON messages, one send at a time, every partition.
import { describe, expect, it } from 'vitest';
import type { Producer, ProducerBatch, RecordMetadata } from 'kafkajs';
import { jsonMessage, oneSendAtATime, sendEveryPartition, splitIntoRequests } from '../src/index.js';

const msg = (bytes: number) => ({ key: null, value: 'x'.repeat(bytes) });

describe('splitIntoRequests', () => {
  it('keeps small sends in one request, grouped by topic', () => {
    const requests = splitIntoRequests([
      { topic: 'a', messages: [msg(10), msg(10)] },
      { topic: 'b', messages: [msg(10)] },
      { topic: 'c', messages: [] },
    ]);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.map((t) => [t.topic, t.messages.length])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('splits at the byte limit, keeping message order', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ key: String(i), value: 'x'.repeat(99) }));
    const requests = splitIntoRequests([{ topic: 'a', messages }], 250);
    expect(requests.map((r) => r[0]!.messages.map((m) => m.key))).toEqual([['0', '1'], ['2', '3'], ['4', '5'], ['6', '7'], ['8', '9']]);
  });

  it('sends a message larger than the limit alone', () => {
    const requests = splitIntoRequests([{ topic: 'a', messages: [msg(5), msg(500), msg(5)] }], 100);
    expect(requests.map((r) => r[0]!.messages.length)).toEqual([1, 1, 1]);
  });
});

describe('jsonMessage', () => {
  it('serialises values, keeps tombstones and explicit partitions', () => {
    expect(jsonMessage({ key: 'k', value: { a: 1 } })).toEqual({ key: 'k', value: '{"a":1}' });
    expect(jsonMessage({ key: 'k', value: null, partition: 2 })).toEqual({ key: 'k', value: null, partition: 2 });
  });
});

describe('oneSendAtATime', () => {
  it('runs sends one after the other, in call order, and a failed one does not block the next', async () => {
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const fake = {
      send: async ({ topic }: { topic: string }) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        order.push(topic);
        if (topic === 'fails') throw new Error('broker gone');
        return [];
      },
      sendBatch: async () => [],
    };
    const producer = oneSendAtATime(fake as unknown as Producer);
    const results = await Promise.allSettled(['a', 'fails', 'b', 'c'].map((topic) => producer.send({ topic, messages: [] })));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(order).toEqual(['a', 'fails', 'b', 'c']);
    expect(most).toBe(1);
  });
});

describe('sendEveryPartition', () => {
  const answer = (topicName: string, partition: number) => ({ topicName, partition, errorCode: 0 }) as RecordMetadata;
  /** A send that answers for every partition of its batch except those in `drop` on its first call (kafkajs' skipped broker). */
  const sender = (drop: number[]) => {
    const calls: ProducerBatch[] = [];
    const send = async (batch: ProducerBatch) => {
      calls.push(batch);
      const partitions = new Set(batch.topicMessages!.flatMap((t) => t.messages.map((m) => `${t.topic}/${m.partition}`)));
      return [...partitions].map((k) => k.split('/')).filter(([, p]) => calls.length > 1 || !drop.includes(Number(p))).map(([t, p]) => answer(t!, Number(p)));
    };
    return { send, calls };
  };
  const batch = (): ProducerBatch => ({
    acks: -1,
    topicMessages: [{ topic: 'orders', messages: [0, 1, 2, 1].map((partition, i) => ({ key: `o${i}`, value: 'v', partition })) }],
  });

  it('sends again the messages of a partition the answer lacks, and only those', async () => {
    const { send, calls } = sender([1]);
    const answered = await sendEveryPartition(send, batch());
    expect(calls).toHaveLength(2);
    expect(calls[1]!.topicMessages![0]!.messages.map((m) => m.key)).toEqual(['o1', 'o3']);
    expect(calls[1]!.acks).toBe(-1);
    expect(answered.map((r) => r.partition).sort()).toEqual([0, 1, 2]);
  });

  it('sends once when every partition answered, and never again a message whose partition is unknown', async () => {
    const { send, calls } = sender([]);
    await sendEveryPartition(send, batch());
    const unknown = sender([0]);
    await sendEveryPartition(unknown.send, { topicMessages: [{ topic: 't', messages: [{ key: 'k', value: 'v' }] }] });
    expect([calls.length, unknown.calls.length]).toEqual([1, 1]);
  });

  it('backs the idempotent producer\'s sendBatch (oneSendAtATime)', async () => {
    const { send, calls } = sender([2]);
    const producer = oneSendAtATime({ send: async () => [], sendBatch: send } as unknown as Producer);
    await producer.sendBatch(batch());
    expect(calls.map((c) => c.topicMessages![0]!.messages.length)).toEqual([4, 1]);
  });
});
