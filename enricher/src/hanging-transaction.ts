// Ends a hanging transaction of a partition's transactional id: one whose markers Kafka skipped, so
// it stays open on the partitions it wrote (see docs/decisions.md and `WaitingStore.restore`).
import { partitionCount, type Logger, type TransactionOutcome } from '@pizzashop/common';
import type { Kafka, Message } from 'kafkajs';
import type { OutputTopics } from './batch-planner.js';
import type { TransactionalWriter } from './transactional-writer.js';

/**
 * Writes `message` to its waiting partition in a transaction of `writer`'s id ended with `outcome`:
 * its marker ends the hanging transaction there the same way. An abort also writes to every
 * partition of the enriched and dead-letter topics, where the same transaction may hang: aborted,
 * those records are never read, and a later commit of ours there would otherwise make its records
 * visible.
 */
export async function endHangingTransaction(
  kafka: Kafka,
  writer: TransactionalWriter,
  topics: OutputTopics,
  { message, outcome }: { message: Message; outcome: TransactionOutcome },
  log: Logger,
): Promise<void> {
  const batches = [{ topic: topics.waiting, messages: [message] }];
  if (outcome === 'aborted') {
    for (const topic of [topics.enriched, topics.deadLetters]) {
      const partitions = await partitionCount(kafka, topic);
      batches.push({ topic, messages: Array.from({ length: partitions }, (_, partition) => ({ key: message.key, value: null, partition })) });
    }
  }
  await writer.write(batches, undefined, log, outcome);
}
