// The one place the `schema-id` header is set: a Kafka client whose producers stamp every record
// of a topic with a contract with that contract's schema registry id. Services pass this client
// to their producing code unchanged (transactions included), so the header cannot be forgotten.
import type { Kafka, Message, Producer, ProducerBatch, ProducerRecord, Transaction } from 'kafkajs';
import { SCHEMA_ID_HEADER } from './headers.js';

/** Answers the schema id of `topic`'s contract (undefined: the topic has none). */
export interface SchemaIds {
  schemaIdFor(topic: string): number | undefined;
}

function stampMessages(ids: SchemaIds, topic: string, messages: Message[]): Message[] {
  const id = ids.schemaIdFor(topic);
  if (id === undefined) return messages;
  const value = String(id);
  return messages.map((m) => ({ ...m, headers: { ...m.headers, [SCHEMA_ID_HEADER]: value } }));
}

function stampRecord(ids: SchemaIds, record: ProducerRecord): ProducerRecord {
  return { ...record, messages: stampMessages(ids, record.topic, record.messages) };
}

function stampBatch(ids: SchemaIds, batch: ProducerBatch): ProducerBatch {
  return { ...batch, topicMessages: batch.topicMessages?.map((tm) => ({ ...tm, messages: stampMessages(ids, tm.topic, tm.messages) })) };
}

function stampSends<T extends Pick<Producer, 'send' | 'sendBatch'> | Transaction>(ids: SchemaIds, sender: T): T {
  const send = sender.send.bind(sender);
  const sendBatch = sender.sendBatch.bind(sender);
  return Object.assign(sender, {
    send: async (record: ProducerRecord) => send(stampRecord(ids, record)),
    sendBatch: async (batch: ProducerBatch) => sendBatch(stampBatch(ids, batch)),
  });
}

/** `producer` whose sends, and the sends of its transactions, carry the schema id header. */
export function stampProducer(producer: Producer, ids: SchemaIds): Producer {
  const transaction = producer.transaction.bind(producer);
  stampSends(ids, producer);
  return Object.assign(producer, { transaction: async () => stampSends(ids, await transaction()) });
}

/** `kafka` whose producers stamp their records (consumers and admin clients unchanged). */
export function withContractHeaders(kafka: Kafka, ids: SchemaIds): Kafka {
  return new Proxy(kafka, {
    get(target, prop) {
      if (prop === 'producer') return (...args: Parameters<Kafka['producer']>) => stampProducer(target.producer(...args), ids);
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
