import type { Consumer } from 'kafkajs';

export interface Collected {
  key: string | null;
  value: string | null;
  partition: number;
  offset: string;
}

const running = new WeakSet<Consumer>();
const buffers = new WeakMap<Consumer, Collected[]>();

/**
 * Subscribes `consumer` to `topic` from the beginning (first call) and collects messages until
 * `done(messages)` holds or `timeoutMs` passes; returns what arrived since the previous call.
 */
export async function collect(
  consumer: Consumer,
  topic: string,
  done: (msgs: Collected[]) => boolean,
  timeoutMs: number,
  opts: { alreadySubscribed?: boolean } = {},
): Promise<Collected[]> {
  if (!opts.alreadySubscribed && !running.has(consumer)) {
    running.add(consumer);
    buffers.set(consumer, []);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        buffers.get(consumer)?.push({
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          partition,
          offset: message.offset,
        });
      },
    });
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const buf = buffers.get(consumer) ?? [];
    if (done(buf) || Date.now() > deadline) {
      buffers.set(consumer, []);
      return buf;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
