import type { Producer } from 'kafkajs';

/** A stand-in for the kafkajs producer: records sends, or never answers (Kafka hanging). */
export function fakeProducer(mode: 'ack' | 'hang') {
  const sent: { topic: string; messages: { key: string; value: string }[] }[] = [];
  const handlers = new Map<string, () => void>();
  const producer = {
    events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
    on: (event: string, fn: () => void) => handlers.set(event, fn),
    connect: async () => handlers.get('connect')?.(),
    disconnect: async () => handlers.get('disconnect')?.(),
    sendBatch: ({ topicMessages }: { topicMessages: (typeof sent)[number][] }) => {
      if (mode === 'hang') return new Promise(() => {});
      sent.push(...topicMessages);
      return Promise.resolve([]);
    },
  };
  return { producer: producer as unknown as Producer, sent };
}
