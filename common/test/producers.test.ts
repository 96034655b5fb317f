import { describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import { jsonMessage, oneSendAtATime, splitIntoRequests } from '../src/index.js';

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
