// Builds dead-letter records keyed by source topic/partition/offset and publishes them, optionally in a transaction.
import { deadLetterSchema, type DeadLetter } from '../contracts/dead-letter.js';
import { sendJson, type JsonRecord, type Sender } from './producers.js';

/**
 * Dead letters as records for the dead-letter topic, validated against the contract and keyed by
 * source topic/partition/offset so letters from one source partition stay in order.
 */
export function deadLetterRecords(letters: readonly DeadLetter[]): JsonRecord[] {
  return letters.map((l) => ({ key: `${l.sourceTopic}/${l.partition}/${l.offset}`, value: deadLetterSchema.parse(l) }));
}

/** Publishes dead letters; pass a transaction as `sender` to make them part of it. */
export function publishDeadLetters(sender: Sender, topic: string, letters: readonly DeadLetter[]): Promise<void> {
  return sendJson(sender, topic, deadLetterRecords(letters));
}
