import type { RecordMetadata } from 'kafkajs';
import { deadLetterSchema, type DeadLetter } from '../contracts/dead-letter.js';
import { sendJson, type Sender } from './producers.js';

/**
 * Publishes dead letters to the dead-letter topic, keyed by source topic/partition/offset so
 * letters from one source partition stay in order. Pass a transaction as `sender` to make the
 * letters part of it.
 */
export class DeadLetterPublisher {
  constructor(private readonly topic: string) {}

  publish(sender: Sender, letters: DeadLetter[]): Promise<RecordMetadata[]> {
    if (letters.length === 0) return Promise.resolve([]);
    return sendJson(
      sender,
      this.topic,
      letters.map((l) => ({ key: `${l.sourceTopic}/${l.partition}/${l.offset}`, value: deadLetterSchema.parse(l) })),
    );
  }
}
