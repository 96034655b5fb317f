// The producers the pipeline relies on (idempotent, transactional) and JSON sends split to the
// broker's record-batch limit.
import { Partitioners, type ICustomPartitioner, type Kafka, type Message, type Producer, type ProducerBatch, type RecordMetadata, type Transaction } from 'kafkajs';

/**
 * Idempotent producers retry without limit (kafkajs' own default for them; fewer retries would
 * void the no-duplicate guarantee): a send resolves once acknowledged, whenever the broker is back.
 * Retries start after 10 ms and grow by 1.5x: right after a commit the broker answers the next transaction's
 * AddPartitionsToTxn with CONCURRENT_TRANSACTIONS until its markers are written, a matter of
 * milliseconds, and kafkajs' 300 ms default made every transaction wait that long.
 */
const UNLIMITED_RETRIES = { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 10, multiplier: 1.5, maxRetryTime: 10000 };

/**
 * An idempotent producer (no duplicates from internal retries), with the default murmur2
 * partitioner (same key -> same partition as the Java client), whose sends run one at a time (see
 * `oneSendAtATime`). Sends must use `acks: -1`; use `sendJson` below, which does. `maxRetryTime`
 * caps the pause between retries (10 s by default): a service that must resume within a second of
 * the broker's return sets it lower.
 */
export function createIdempotentProducer(kafka: Kafka, maxRetryTime = UNLIMITED_RETRIES.maxRetryTime): Producer {
  return oneSendAtATime(
    kafka.producer({
      idempotent: true,
      retry: { ...UNLIMITED_RETRIES, maxRetryTime },
      maxInFlightRequests: 1,
      createPartitioner: notingPartitioner,
    }),
  );
}

/** The default murmur2 partitioner, noting on each message the partition it chose (kafkajs keeps a set one). */
const notingPartitioner: ICustomPartitioner = () => {
  const choose = Partitioners.DefaultPartitioner();
  return (args) => (args.message.partition = choose(args));
};

/**
 * Sends `batch` and, while the answer lacks a partition that was given messages, sends those
 * messages again. kafkajs 2.2.4 can resolve a send without having sent all of it: when the request
 * to one broker fails (a killed partition leader), its retry skips every broker that already
 * answered this send, so the messages of a partition whose leadership moved to such a broker are
 * never sent, yet the send resolves. Their sequence numbers were rolled back with the failed
 * request, so sending them again is the idempotent retry (a copy the broker had written is taken
 * as the duplicate it is). Needs a producer of this module (its partitioner notes the partitions).
 */
export async function sendEveryPartition(send: (batch: ProducerBatch) => Promise<RecordMetadata[]>, batch: ProducerBatch): Promise<RecordMetadata[]> {
  const answered = await send(batch);
  const done = new Set(answered.map((r) => `${r.topicName}/${r.partition}`));
  const missing = (batch.topicMessages ?? [])
    .map(({ topic, messages }) => ({ topic, messages: messages.filter((m) => m.partition !== undefined && !done.has(`${topic}/${m.partition}`)) }))
    .filter((t) => t.messages.length > 0);
  return missing.length === 0 ? answered : [...answered, ...(await sendEveryPartition(send, { ...batch, topicMessages: missing }))];
}

/**
 * Makes `send` and `sendBatch` of an idempotent producer wait for the previous one to settle.
 * kafkajs numbers the records of a request when it sends it and rolls the numbers back when the
 * request fails; if the broker had written it (the connection broke before the answer, e.g. while
 * the broker shuts down), a concurrent send that takes the same numbers next is taken by the
 * broker for a duplicate of the written batch: acknowledged, never stored. One send at a time, a
 * failed request is retried with its own records under its own numbers, so the broker's duplicate
 * check answers for the right batch. Throughput comes from putting many records in one send.
 */
export function oneSendAtATime(producer: Producer): Producer {
  let tail: Promise<unknown> = Promise.resolve();
  const queued = <A, R>(fn: (arg: A) => Promise<R>) => (arg: A): Promise<R> => {
    const result = tail.then(() => fn(arg));
    tail = result.catch(() => undefined);
    return result;
  };
  const sendBatch = producer.sendBatch.bind(producer);
  return Object.assign(producer, { send: queued(producer.send.bind(producer)), sendBatch: queued((batch: ProducerBatch) => sendEveryPartition(sendBatch, batch)) });
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
    // retried at least every second: a partition's transaction goes on within a second of the broker's return
    retry: { ...UNLIMITED_RETRIES, maxRetryTime: 1000 },
    maxInFlightRequests: 1,
    createPartitioner: notingPartitioner,
  });
}

/**
 * Creates and connects a transactional producer and opens its id: InitProducerId starts a new
 * producer epoch, which fences every earlier producer of the id and settles the transaction it
 * left (an open one aborted, a prepared commit completed) before this returns, so offsets read
 * after it are final. On failure the producer is disconnected and the error thrown.
 */
export async function openTransactionalProducer(kafka: Kafka, transactionalId: string, transactionTimeoutMs?: number): Promise<Producer> {
  const producer = createTransactionalProducer(kafka, transactionalId, transactionTimeoutMs);
  try {
    await producer.connect();
    const tx = await producer.transaction();
    await tx.abort();
  } catch (err) {
    await producer.disconnect().catch(() => undefined);
    throw err;
  }
  return producer;
}

/** Anything that can send: a producer or an open transaction. */
export type Sender = Pick<Producer, 'sendBatch'> | Pick<Transaction, 'sendBatch'>;

export interface JsonRecord {
  key: string | null;
  value: unknown;
  partition?: number;
}

export function jsonMessage({ key, value, partition }: JsonRecord): Message {
  return { key, value: value === null ? null : JSON.stringify(value), ...(partition === undefined ? {} : { partition }) };
}

/** Sends JSON records to `topic`, acknowledged by all in-sync replicas. */
export function sendJson(sender: Sender, topic: string, records: JsonRecord[]): Promise<void> {
  return sendJsonToTopics(sender, [{ topic, records }]);
}

/**
 * Bytes of message values per produce request. kafkajs sends each partition's messages of one
 * request as a single record batch, and the broker refuses batches over `max.message.bytes`
 * (1 MiB by default), so large sends are split into requests of at most this size.
 */
export const MAX_REQUEST_BYTES = 512 * 1024;

type TopicMessages = { topic: string; messages: Message[] };

/** Splits messages for several topics into requests of at most `maxBytes` of keys and values. */
export function splitIntoRequests(batches: TopicMessages[], maxBytes = MAX_REQUEST_BYTES): TopicMessages[][] {
  const requests: TopicMessages[][] = [];
  let current: TopicMessages[] = [];
  let bytes = 0;
  for (const { topic, messages } of batches) {
    for (const message of messages) {
      const size = Buffer.byteLength(message.value ?? '') + Buffer.byteLength(message.key ?? '');
      if (bytes > 0 && bytes + size > maxBytes) {
        requests.push(current);
        current = [];
        bytes = 0;
      }
      let entry = current.at(-1);
      if (entry?.topic !== topic) current.push((entry = { topic, messages: [] }));
      entry.messages.push(message);
      bytes += size;
    }
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/**
 * Sends JSON records to several topics, acks from all replicas, in as few requests as the
 * record-batch size limit allows (one after the other, so order per partition is kept).
 */
export async function sendJsonToTopics(
  sender: Sender,
  batches: { topic: string; records: JsonRecord[] }[],
): Promise<void> {
  const requests = splitIntoRequests(batches.map((b) => ({ topic: b.topic, messages: b.records.map(jsonMessage) })));
  for (const topicMessages of requests) await sendEveryPartition((batch) => sender.sendBatch(batch), { acks: -1, topicMessages });
}
