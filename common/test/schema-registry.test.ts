// Unit tests of the schema-registry machinery that needs no registry: the JSON Schemas generated
// from the contracts, the schema id header and the producers that stamp it.
import type { Kafka, Message, Producer, ProducerBatch, ProducerRecord, Transaction } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  buildDeadLetter,
  contractJsonSchema,
  deadLetterSchema,
  jsonMessage,
  orderSchema,
  schemaIdOf,
  sendJsonToTopics,
  stampProducer,
  TOPIC_CONTRACTS,
  topicContract,
  valueSubject,
  withContractHeaders,
  type SchemaIds,
} from '../src/index.js';

type Json = Record<string, unknown>;

/** Every object schema in a JSON Schema, with its path. */
function objects(schema: unknown, path = '#'): [string, Json][] {
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Json;
  const own: [string, Json][] = node.type === 'object' ? [[path, node]] : [];
  return [...own, ...Object.entries(node).flatMap(([k, v]) => objects(v, `${path}/${k}`))];
}

describe('contract JSON Schemas', () => {
  it('one per topic contract, titled with its name, draft-07', () => {
    expect(TOPIC_CONTRACTS.map((c) => c.name)).toEqual(['Order', 'EnrichedOrderItem', 'DeadLetter', 'OrderStatus', 'DeliveryStatus', 'Alert']);
    for (const c of TOPIC_CONTRACTS) {
      const schema = contractJsonSchema(c);
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(schema.title).toBe(c.name);
      expect(schema.type).toBe('object');
    }
  });

  it('closes every plain object (the producers strip unknown keys), nested ones included', () => {
    for (const c of TOPIC_CONTRACTS) {
      const found = objects(contractJsonSchema(c));
      expect(found.length).toBeGreaterThan(0);
      for (const [path, node] of found) expect(node.additionalProperties, `${c.name} ${path}`).toBe(false);
    }
    const order = contractJsonSchema(topicContract('Order'));
    expect(objects(order).map(([p]) => p)).toEqual(['#', '#/properties/items/items']);
  });

  it('keeps a loose object open', () => {
    const schema = contractJsonSchema({ name: 'Loose', schema: z.looseObject({ a: z.string() }) });
    expect(schema.additionalProperties).not.toBe(false);
  });

  it('describes what a consumer accepts: defaults and optional fields not required, timestamps as date-time strings', () => {
    const order = contractJsonSchema(topicContract('Order')) as { required: string[]; properties: Record<string, Json> };
    expect(order.required).not.toContain('status');
    expect(order.required).toEqual(expect.arrayContaining(['id', 'createdAt', 'userId', 'price', 'items']));
    expect(order.properties.createdAt).toMatchObject({ type: 'string', format: 'date-time' });
    const item = contractJsonSchema(topicContract('EnrichedOrderItem')) as { required: string[]; properties: Record<string, Json> };
    expect(item.required).not.toContain('firstOfCategory');
    expect(item.properties.firstOfCategory).toEqual({ anyOf: [{ type: 'number', const: 0 }, { type: 'number', const: 1 }] });
  });

  it('is deterministic: the same contract gives the same bytes (the registry dedupes by content)', () => {
    expect(JSON.stringify(contractJsonSchema(topicContract('Order')))).toBe(JSON.stringify(contractJsonSchema({ name: 'Order', schema: orderSchema })));
  });

  it('names the value subject after the topic', () => {
    expect(valueSubject('orders')).toBe('orders-value');
  });
});

describe('schema id header', () => {
  it('reads a whole number from a string or Buffer header; anything else is no id', () => {
    expect(schemaIdOf({ 'schema-id': '7' })).toBe(7);
    expect(schemaIdOf({ 'schema-id': Buffer.from('12') })).toBe(12);
    expect(schemaIdOf({ 'schema-id': ['3', '4'] })).toBe(3);
    expect(schemaIdOf({ 'schema-id': 'x7' })).toBeUndefined();
    expect(schemaIdOf({})).toBeUndefined();
    expect(schemaIdOf(undefined)).toBeUndefined();
  });

  it('travels into the dead letter of a record that carried it (and stays absent otherwise)', () => {
    const source = { topic: 'orders', partition: 1, offset: '5', key: null, value: Buffer.from('{') };
    const withId = buildDeadLetter({ ...source, schemaId: 4 }, { reason: 'malformed JSON', component: 'enricher' });
    expect(deadLetterSchema.parse(withId).sourceSchemaId).toBe(4);
    expect('sourceSchemaId' in buildDeadLetter(source, { reason: 'malformed JSON', component: 'enricher' })).toBe(false);
  });
});

/** A producer that records what reached "Kafka". */
function recordingProducer() {
  const sent: { topic: string; messages: Message[] }[] = [];
  const sendBatch = async (batch: ProducerBatch) => {
    for (const tm of batch.topicMessages ?? []) sent.push({ topic: tm.topic, messages: tm.messages });
    return [];
  };
  const send = async (record: ProducerRecord) => sendBatch({ topicMessages: [{ topic: record.topic, messages: record.messages }] });
  const transaction = async () => ({ send, sendBatch, commit: async () => undefined, abort: async () => undefined }) as unknown as Transaction;
  const producer = { send, sendBatch, transaction } as unknown as Producer;
  return { producer, sent };
}

const ids: SchemaIds = {
  schemaIdFor: (topic) => {
    if (topic === 'orders') return 1;
    if (topic === 'pending') throw new Error('the contract of topic pending is not registered yet');
    return undefined;
  },
};

describe('producers that stamp the schema id', () => {
  it('stamp records of contract topics only, keeping their other headers', async () => {
    const { producer, sent } = recordingProducer();
    const stamped = stampProducer(producer, ids);
    await stamped.send({ topic: 'orders', messages: [{ key: 'a', value: '{}', headers: { trace: 't1' } }] });
    await sendJsonToTopics(stamped, [
      { topic: 'orders', records: [{ key: 'b', value: { x: 1 } }] },
      { topic: 'waiting', records: [{ key: 'c', value: null }] },
    ]);
    expect(sent.map((s) => [s.topic, s.messages.map((m) => m.headers)])).toEqual([
      ['orders', [{ trace: 't1', 'schema-id': '1' }]],
      ['orders', [{ 'schema-id': '1' }]],
      ['waiting', [undefined]],
    ]);
  });

  it('stamp the sends of a transaction', async () => {
    const { producer, sent } = recordingProducer();
    const tx = await stampProducer(producer, ids).transaction();
    await sendJsonToTopics(tx, [{ topic: 'orders', records: [{ key: 'k', value: 1 }] }]);
    expect(sent[0]!.messages[0]!.headers).toEqual({ 'schema-id': '1' });
  });

  it('send nothing for a contract topic whose id is not known yet', async () => {
    const { producer, sent } = recordingProducer();
    await expect(stampProducer(producer, ids).send({ topic: 'pending', messages: [jsonMessage({ key: 'k', value: 1 })] })).rejects.toThrow(/not registered yet/);
    expect(sent).toEqual([]);
  });

  it('come from a wrapped Kafka client whose other members are the original ones', async () => {
    const { producer, sent } = recordingProducer();
    const admin = {};
    const kafka = { producer: () => producer, admin: () => admin, consumer() { return this; } } as unknown as Kafka;
    const wrapped = withContractHeaders(kafka, ids);
    await wrapped.producer().send({ topic: 'orders', messages: [{ key: 'k', value: '1' }] });
    expect(sent[0]!.messages[0]!.headers).toEqual({ 'schema-id': '1' });
    expect(wrapped.admin()).toBe(admin);
    expect(wrapped.consumer({ groupId: 'g' })).toBe(kafka);
  });
});
