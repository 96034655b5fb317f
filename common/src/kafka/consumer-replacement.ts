// Replacing a kafkajs consumer that gave up: the one way the orders consumer and the topic followers
// come back after a broker outage.
import { retryUntilDone } from '../retry.js';

/**
 * Pauses between attempts: 1 s more per attempt, at most 5 s, so a consumer is back within seconds
 * of the broker however long it was away (an attempt costs one connect and join).
 */
const PAUSES = { stepMs: 1000, maxDelayMs: 5000 } as const;

export interface ConsumerReplacement {
  stopped: () => boolean;
  /** Disconnects the consumer kafkajs gave up on, or the last replacement that failed to start. */
  disconnect: () => Promise<void>;
  /** Creates and starts the replacement (it becomes the one `disconnect` disconnects). */
  startNew: () => Promise<void>;
  onFailure: (err: unknown, retryInMs: number) => void;
}

/**
 * kafkajs gave up on a consumer (an error it deems final, e.g. no group coordinator while the broker
 * restarts, CRASH with `restart: false`): a new one in the same group is started, retried every few
 * seconds until Kafka takes it or the owner stops.
 */
export function replaceGivenUpConsumer(o: ConsumerReplacement): void {
  void retryUntilDone(
    async () => {
      await o.disconnect().catch(() => undefined);
      if (o.stopped()) return;
      await o.startNew();
    },
    { ...PAUSES, keepGoing: () => !o.stopped(), onFailure: o.onFailure },
  );
}
