import { Partitioners, type Kafka, type Message, type Producer, type RecordMetadata, type Transaction } from 'kafkajs';

/**
 * An idempotent producer (no duplicates from internal retries), with the default murmur2
 * partitioner (same key -> same partition as the Java client). Sends must use `acks: -1`; use
 * `sendJson` below, which does.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/**
 * A transactional producer for consume-transform-produce. The transactional id must be stable
 * across restarts of the same instance (so a restart fences its predecessor and aborts its open
 * transaction) and unique between live instances.
 */
export function createTransactionalProducer(kafka: Kafka, transactionalId: string, transactionTimeoutMs = 60000): Producer {
  return kafka.producer({
    transactionalId,
    transactionTimeout: transactionTimeoutMs,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/** Anything with kafkajs' `send`: a producer or an open transaction. */
export type Sender = Pick<Producer, 'send'> | Pick<Transaction, 'send'>;

export interface JsonRecord {
  key: string | null;
  value: unknown;
  partition?: number;
}

export function jsonMessage({ key, value, partition }: JsonRecord): Message {
  return { key, value: value === null ? null : JSON.stringify(value), ...(partition === undefined ? {} : { partition }) };
}

/** Sends JSON records to `topic`, acknowledged by all in-sync replicas. */
export function sendJson(sender: Sender, topic: string, records: JsonRecord[]): Promise<RecordMetadata[]> {
  return sender.send({ topic, acks: -1, messages: records.map(jsonMessage) });
}

/** Sends JSON records to several topics in one request (one produce per broker), acks from all replicas. */
export function sendJsonToTopics(
  sender: Pick<Producer, 'sendBatch'> | Pick<Transaction, 'sendBatch'>,
  batches: { topic: string; records: JsonRecord[] }[],
): Promise<RecordMetadata[]> {
  const topicMessages = batches.filter((b) => b.records.length > 0).map((b) => ({ topic: b.topic, messages: b.records.map(jsonMessage) }));
  if (topicMessages.length === 0) return Promise.resolve([]);
  return sender.sendBatch({ acks: -1, topicMessages });
}
