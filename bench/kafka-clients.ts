/**
 * Kafka client comparison for the enricher (how kafkajs was kept, docs/decisions.md): the enricher's
 * core loop (consume orders, plan them with the real batch planner against the real products
 * history, write output and offsets in transactions) on kafkajs with a transactional producer per
 * partition (as the enricher does) and on @platformatic/kafka 1.x with one producer sending KIP-447
 * offsets (one transaction for all partitions of a poll), on the same backlog, in two rounds of
 * alternating order. @platformatic/kafka is not a dependency of the project: install it first,
 *
 *   npm install --no-save @platformatic/kafka@1.35.0
 *   npx tsx bench/kafka-clients.ts [OUT.json] [--orders 30000]
 *
 * against a running stack (KAFKA_BROKERS etc. as for the other benches); without the package it
 * exits with code 2 saying so (recorded as a failed run; the last measured one stays the figure).
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createIdempotentProducer, createKafkaClient, createLogger, ensureTopics, infraEnvSchema, loadConfig, orderTotal, TopicFollower, type Order } from '@pizzashop/common';
import { outputMessages, partitionTransactionalId, planOrders, ProductsHistory, TransactionalWriter } from '@pizzashop/enricher';
import { createPrivatePipeline, type Figure } from '@pizzashop/testkit/bench';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { orders: { type: 'string', default: '30000' } } });
/** The parts of @platformatic/kafka this bench uses (the package is not a dependency, so no types from it). */
interface PkMessage {
  partition: number;
  offset: bigint;
  key: Buffer;
  value: Buffer;
  metadata: unknown;
}
interface PkStream extends AsyncIterable<PkMessage> {
  readableLength: number;
  close(): Promise<void>;
}
interface PkConsumerLike {
  consume(o: Record<string, unknown>): Promise<PkStream>;
  close(): Promise<void>;
}
interface PkTransaction {
  addConsumer(c: PkConsumerLike): Promise<void>;
  send(o: { messages: { topic: string; key?: string; value?: string; partition?: number }[] }): Promise<unknown>;
  addOffset(m: PkMessage): Promise<void>;
  commit(): Promise<void>;
}
interface PkModule {
  Consumer: new (o: Record<string, unknown>) => PkConsumerLike;
  Producer: new (o: Record<string, unknown>) => { beginTransaction(): Promise<PkTransaction>; close(): Promise<void> };
  stringSerializers: unknown;
  FetchIsolationLevels: { READ_COMMITTED: number };
}
const PLATFORMATIC = '@platformatic/kafka';
const pk = (await import(PLATFORMATIC).catch(() => null)) as PkModule | null;
if (pk === null) {
  console.error(`kafka clients bench: ${PLATFORMATIC} is not installed; run npm install --no-save ${PLATFORMATIC}@1.35.0, then this bench again`);
  process.exit(2);
}
const { Consumer: PkConsumer, Producer: PkProducer, stringSerializers, FetchIsolationLevels } = pk;
const cfg = loadConfig(infraEnvSchema, process.env, 'kafka clients bench');
const brokers = cfg.KAFKA_BROKERS;
const log = createLogger('kafka-clients-bench', 'warn');
const kafka = createKafkaClient({ brokers, clientId: 'bench-kafka-clients', log });
const N = Number(values.orders);
const pipeline = await createPrivatePipeline(cfg, 'clients', log, { pinot: false });
const run = pipeline.group('');
const orders = pipeline.topics.orders;
const topics = { enriched: pipeline.topics.enrichedOrderItems, deadLetters: pipeline.topics.deadLetters, waiting: pipeline.topics.enricherWaiting };

const history = new ProductsHistory(7 * 86400000);
const follower = new TopicFollower(kafka, { topic: cfg.PRODUCTS_CDC_TOPIC, groupPrefix: `${run}products`, log, apply: (rs) => rs.forEach((r) => history.applyChange(r.key, r.value, Number(r.timestamp))) });
await follower.start();
await follower.caughtUp();
await follower.stop();
const products = Array.from({ length: 80 }, (_, i) => history.get(String(i + 1))).filter((p) => p !== undefined).map((p) => ({ id: p.id, price: p.price }));
await ensureTopics(kafka, [{ topic: topics.waiting, numPartitions: 3 }], log);
const producer = createIdempotentProducer(kafka);
await producer.connect();
let items = 0;
for (let sent = 0; sent < N; sent += 2000) {
  const batch = Array.from({ length: Math.min(2000, N - sent) }, () => backlogOrder(products));
  items += batch.reduce((n, o) => n + o.items.length, 0);
  await producer.send({ topic: orders, acks: -1, messages: batch.map((o) => ({ key: o.id, value: JSON.stringify(o) })) });
}
await producer.disconnect();
console.error(`[kafka-clients] backlog ${N} orders, ${items} items`);
const productAt = (id: string, t: number) => history.at(id, t);

/** One backlog order of 1-5 distinct catalogue products, priced at their catalogue price, like the simulator's. */
function backlogOrder(catalogue: { id: string; price: number }[]): Order {
  const chosen = [...catalogue].sort(() => Math.random() - 0.5).slice(0, 1 + Math.floor(Math.random() * 5));
  const items = chosen.map((p) => ({ productId: p.id, quantity: 1 + Math.floor(Math.random() * 3), price: p.price }));
  return { id: randomUUID(), createdAt: new Date().toISOString(), userId: 1, status: 'PLACED_ORDER', price: orderTotal(items), items, deliveryLat: 12.97, deliveryLon: 77.59 };
}

async function viaKafkajs(group: string): Promise<number> {
  const writers = new Map<number, TransactionalWriter>();
  for (const p of [0, 1, 2]) writers.set(p, await TransactionalWriter.open(kafka, partitionTransactionalId(group, orders, p), 30000));
  const consumer = kafka.consumer({ groupId: group, readUncommitted: false, maxWaitTimeInMs: 100, maxBytesPerPartition: 2 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic: orders, fromBeginning: true });
  let done = 0;
  let first = 0;
  let last = 0;
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, resolveOffset }) => {
      first ||= performance.now();
      const plan = planOrders({ topic: orders, partition: batch.partition, messages: batch.messages, lastOffset: batch.lastOffset() }, { productAt, from: 0n, waitingRoom: 1e9, maxWaitingItems: 1e9, now: new Date() });
      const offset = { groupId: group, topic: orders, partition: batch.partition, offset: plan.next };
      await writers.get(batch.partition)!.write(outputMessages(plan, topics, 1_000_000, offset), offset, log);
      resolveOffset(batch.lastOffset());
      done += plan.ordersIn;
      last = performance.now();
    },
  });
  while (done < N) await new Promise((r) => setTimeout(r, 50));
  await consumer.disconnect();
  for (const w of writers.values()) await w.close();
  return Math.round(items / ((last - first) / 1000));
}

async function viaPlatformatic(group: string): Promise<number> {
  const producer = new PkProducer({ clientId: 'eval', bootstrapBrokers: brokers, idempotent: true, transactionalId: `${group}-tx`, serializers: stringSerializers });
  const consumer = new PkConsumer({ clientId: 'eval', bootstrapBrokers: brokers, groupId: group, autocommit: false, maxBytesPerPartition: 2 * 1024 * 1024, maxWaitTime: 100 });
  const stream = await consumer.consume({ topics: [orders], mode: 'earliest', isolationLevel: FetchIsolationLevels.READ_COMMITTED, autocommit: false });
  let done = 0;
  let first = 0;
  let last = 0;
  let buffered: PkMessage[] = [];
  const flush = async () => {
    const byPartition = new Map<number, typeof buffered>();
    for (const m of buffered) byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), m]);
    buffered = [];
    const tx = await producer.beginTransaction();
    await tx.addConsumer(consumer);
    const messages: { topic: string; key: string | undefined; value: string | undefined; partition?: number }[] = [];
    let ordersIn = 0;
    for (const [partition, ms] of byPartition) {
      const plan = planOrders(
        { topic: orders, partition, messages: ms.map((m) => ({ offset: m.offset.toString(), key: m.key, value: m.value })), lastOffset: ms.at(-1)!.offset.toString() },
        { productAt, from: 0n, waitingRoom: 1e9, maxWaitingItems: 1e9, now: new Date() },
      );
      ordersIn += plan.ordersIn;
      for (const { topic, messages: out } of outputMessages(plan, topics, 1_000_000)) for (const m of out) messages.push({ topic, key: (m.key as string | null) ?? undefined, value: (m.value as string | null) ?? undefined, ...(m.partition === undefined ? {} : { partition: m.partition }) });
    }
    for (let i = 0; i < messages.length; i += 2000) await tx.send({ messages: messages.slice(i, i + 2000) });
    for (const ms of byPartition.values()) await tx.addOffset(ms.at(-1)!);
    await tx.commit();
    done += ordersIn;
    last = performance.now();
  };
  for await (const message of stream) {
    first ||= performance.now();
    buffered.push(message);
    if (buffered.length >= 3000 || stream.readableLength === 0) await flush();
    if (done >= N) break;
  }
  if (buffered.length > 0) await flush();
  await stream.close().catch(() => undefined);
  await consumer.close();
  await producer.close();
  return Math.round(items / ((last - first) / 1000));
}

const results: Record<'kafkajs' | 'platformatic', number[]> = { kafkajs: [], platformatic: [] };
const rounds: string[] = [];
try {
  for (const [i, order] of ([['kafkajs', 'platformatic'], ['platformatic', 'kafkajs']] as const).entries()) {
    for (const client of order) {
      const rate = client === 'kafkajs' ? await viaKafkajs(`${run}k${i}`) : await viaPlatformatic(`${run}p${i}`);
      results[client].push(rate);
      rounds.push(`round ${i + 1}, ${client}: ${rate} items/s (load ${loadavg()[0]!.toFixed(1)})`);
      console.error(`[kafka-clients] ${rounds.at(-1)}`);
    }
  }
} finally {
  await pipeline.drop();
}
const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
const figures: Figure[] = [
  { name: 'kafkajs, a transactional producer per partition', value: mean(results.kafkajs), unit: 'items/s' },
  { name: '@platformatic/kafka 1.35, one producer, KIP-447 offsets', value: mean(results.platformatic), unit: 'items/s' },
  { name: '@platformatic/kafka / kafkajs', value: Math.round((mean(results.platformatic) / mean(results.kafkajs)) * 100) / 100, unit: 'x' },
];
const result = { figures, notes: [`${N} orders, ${items} items, the enricher's planner on both; rounds in alternating order:`, ...rounds], results };
console.log(JSON.stringify(result));
if (positionals[0]) writeFileSync(positionals[0], JSON.stringify(result, null, 2));
process.exit(0);
