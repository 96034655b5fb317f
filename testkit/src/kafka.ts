// Kafka helpers for tests: a client, unique topic names and reading a topic until a condition holds.
import { randomUUID } from 'node:crypto';
import { createKafkaClient, createLogger, schemaIdOf, type Logger } from '@pizzashop/common';
import type { Kafka, KafkaMessage } from 'kafkajs';

export const testLog: Logger = createLogger('int-test', process.env.TEST_LOG_LEVEL ?? 'warn');

export function testKafka(brokers: string[]): Kafka {
  return createKafkaClient({ brokers, clientId: 'int-test', log: testLog });
}

/** A topic name unique to this run, so counts in one test are not disturbed by others. */
export function uniqueTopic(base: string): string {
  return `${base}-it-${randomUUID().slice(0, 8)}`;
}

export interface ReadRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  /** The record's `schema-id` header (the contract version it was written with), if any. */
  schemaId: number | undefined;
}

/**
 * Reads `topic` from the beginning with a read_committed consumer in a private group, collecting
 * records until `done(records)` holds, then keeps reading for `settleMs` more (to catch extras).
 * `maxBytesPerPartition` bounds each fetch (a tiny value fetches one record batch at a time).
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  done: (records: ReadRecord[]) => boolean,
  { timeoutMs = 120000, settleMs = 0, maxBytesPerPartition }: { timeoutMs?: number; settleMs?: number; maxBytesPerPartition?: number } = {},
): Promise<ReadRecord[]> {
  const consumer = kafka.consumer({ groupId: `int-test-reader-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 200, maxBytesPerPartition });
  const records: ReadRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessage }) => {
      records.push({
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? null,
        schemaId: schemaIdOf(message.headers),
      });
    },
  });
  try {
    const deadline = Date.now() + timeoutMs;
    while (!done(records) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
    return records;
  } finally {
    await consumer.disconnect();
  }
}
