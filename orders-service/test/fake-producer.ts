// A fake kafkajs producer for orders-service tests: acknowledges at once, hangs, or holds each send
// for the test to settle.
import type { Producer } from 'kafkajs';

type TopicMessages = { topic: string; messages: { key: string; value: string }[] };

/**
 * A stand-in for the kafkajs producer. `ack` records each send and acknowledges it at once; `hang`
 * never answers (Kafka hanging); `held` records each send and leaves it pending until the test
 * settles it through `held[i].ack()` or `held[i].fail(err)`.
 */
export function fakeProducer(mode: 'ack' | 'hang' | 'held') {
  const sent: TopicMessages[] = [];
  const held: { ack: () => void; fail: (err: Error) => void }[] = [];
  const handlers = new Map<string, () => void>();
  const producer = {
    events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
    on: (event: string, fn: () => void) => handlers.set(event, fn),
    connect: async () => handlers.get('connect')?.(),
    disconnect: async () => handlers.get('disconnect')?.(),
    sendBatch: ({ topicMessages }: { topicMessages: TopicMessages[] }) => {
      if (mode === 'hang') return new Promise(() => {});
      sent.push(...topicMessages);
      if (mode === 'ack') return Promise.resolve([]);
      return new Promise((resolve, reject) => held.push({ ack: () => resolve([]), fail: reject }));
    },
  };
  return { producer: producer as unknown as Producer, sent, held };
}
