// The temporal join on the real stack: a product's price changes in MariaDB between two batches of
// orders; replaying the orders topic into a fresh output topic (a new group, after the change) gives
// every item the price valid when its order was placed, the same records live processing gave.
import { enrichedOrderItemSchema, type EnrichedOrderItem, type Order } from '@pizzashop/common';
import mysql, { type Connection, type ResultSetHeader } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlAdmin, orderFor, privateTopics, produce, readTopic, type ServiceProcess, stackEnv, startEnricher, testKafka, testPort, uniqueTopic } from '@pizzashop/testkit';

const cfg = stackEnv();
const kafka = testKafka(cfg.KAFKA_BROKERS);
const topics = privateTopics();
const running: ServiceProcess[] = [];
let db: Connection;
let productId = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The enriched items of `orders` on `topic` (read committed), once all of them are there, by "orderId/itemIndex". */
async function itemsOf(topic: string, orders: Order[]): Promise<Map<string, EnrichedOrderItem>> {
  const ids = new Set(orders.map((o) => o.id));
  const expected = orders.reduce((n, o) => n + o.items.length, 0);
  const records = await readTopic(kafka, topic, (r) => r.filter((x) => ids.has(x.key!)).length >= expected, { timeoutMs: 90_000, settleMs: 1000 });
  const items = records.filter((r) => ids.has(r.key!)).map((r) => enrichedOrderItemSchema.parse(JSON.parse(r.value!)));
  expect(items).toHaveLength(expected);
  return new Map(items.map((i) => [`${i.orderId}/${i.itemIndex}`, i]));
}

beforeAll(async () => {
  db = await mysql.createConnection(mysqlAdmin(cfg));
  const [res] = await db.execute<ResultSetHeader>('INSERT INTO products (name, description, category, price, image) VALUES (?, ?, ?, ?, ?)', [
    `temporal IT ${Date.now()}`,
    'price changes under a replay',
    'it-category',
    10,
    '/images/it.jpg',
  ]);
  productId = res.insertId;
  running.push(await startEnricher(cfg, topics, testPort('temporal-join-it.enricher')));
});

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  if (productId) await db?.execute('DELETE FROM products WHERE id = ?', [productId]);
  await db?.end();
});

describe('temporal join', () => {
  it('a price change, then the orders replayed into a fresh output topic: each item carries the price valid at its order time, as live', async () => {
    const line = (price: number) => orderFor([{ productId: String(productId), quantity: 2, price }, { productId: '1', quantity: 1, price: 0 }]);
    const before = Array.from({ length: 20 }, () => line(10));
    await produce(kafka, topics.ORDERS_TOPIC, before);
    const liveBefore = await itemsOf(topics.ENRICHED_ORDER_ITEMS_TOPIC, before);
    expect([...liveBefore.values()].filter((i) => i.product.id === String(productId)).map((i) => i.product.price)).toEqual(Array(20).fill(10));

    // MariaDB's binlog stamps changes to the second: keep the change clear of both batches' order times
    await sleep(1500);
    await db.execute('UPDATE products SET price = ? WHERE id = ?', [25, productId]);
    await sleep(1500);
    const after = Array.from({ length: 20 }, () => line(25));
    await produce(kafka, topics.ORDERS_TOPIC, after);
    const liveAfter = await itemsOf(topics.ENRICHED_ORDER_ITEMS_TOPIC, after);
    expect([...liveAfter.values()].filter((i) => i.product.id === String(productId)).map((i) => i.product.price)).toEqual(Array(20).fill(25));

    // replay: a new group reads the whole orders topic into a fresh output topic, knowing both prices
    const replayTopics = { ...topics, ENRICHED_ORDER_ITEMS_TOPIC: uniqueTopic('replayed-items'), ENRICHER_WAITING_TOPIC: uniqueTopic('replay-waiting'), ENRICHER_GROUP_ID: uniqueTopic('replay') };
    running.push(await startEnricher(cfg, replayTopics, testPort('temporal-join-it.replay-enricher')));
    const replayed = await itemsOf(replayTopics.ENRICHED_ORDER_ITEMS_TOPIC, [...before, ...after]);
    const priceOf = (o: Order) => replayed.get(`${o.id}/0`)!.product.price;
    expect(before.map(priceOf)).toEqual(Array(20).fill(10));
    expect(after.map(priceOf)).toEqual(Array(20).fill(25));
    expect(new Map([...replayed].sort())).toEqual(new Map([...liveBefore, ...liveAfter].sort()));
  });
});
