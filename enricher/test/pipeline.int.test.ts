// Integration tests of the enricher on the real stack: enrichment, dead letters and product changes.
import { deadLetterSchema, enrichedOrderItemSchema, orderSchema, type DeadLetter, type EnrichedOrderItem, type Order } from '@pizzashop/common';
import mysql from 'mysql2/promise';
import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlAdmin, orderFor, privateTopics, produce, type ReadRecord, readTopic, type ServiceProcess, simulate, stackEnv, startEnricher, testKafka, testPort, waitFor } from '@pizzashop/testkit';

const cfg = stackEnv();
const kafka = testKafka(cfg.KAFKA_BROKERS);
const topics = privateTopics();
const UNKNOWN_PRODUCT_TIMEOUT_MS = 4000;
let enricher: ServiceProcess;
let db: Connection;

const enrichedOf = (records: ReadRecord[]) => records.map((r) => enrichedOrderItemSchema.parse(JSON.parse(r.value!)));
const lettersOf = (records: ReadRecord[]) => records.map((r) => deadLetterSchema.parse(JSON.parse(r.value!)));

beforeAll(async () => {
  db = await mysql.createConnection(mysqlAdmin(cfg));
  enricher = await startEnricher(cfg, topics, testPort('pipeline-it.enricher'), { ENRICHER_UNKNOWN_PRODUCT_TIMEOUT_MS: String(UNKNOWN_PRODUCT_TIMEOUT_MS) });
});

afterAll(async () => {
  await enricher?.stop();
  await db?.end();
});

describe('enricher on the real stack', () => {
  it('turns 1,000 simulated orders into exactly sum(items) enriched records with the right product fields', async () => {
    const result = await simulate(cfg, topics, 1000, 'max');
    expect(result.orders).toBe(1000);
    const orders = (await readTopic(kafka, topics.ORDERS_TOPIC, (r) => r.length >= 1000)).map((r) => orderSchema.parse(JSON.parse(r.value!)));
    expect(orders).toHaveLength(1000);
    const expectedItems = orders.reduce((n, o) => n + o.items.length, 0);
    const records = await readTopic(kafka, topics.ENRICHED_ORDER_ITEMS_TOPIC, (r) => r.length >= expectedItems, { settleMs: 3000 });
    expect(records).toHaveLength(expectedItems);

    const [rows] = await db.query<RowDataPacket[]>('SELECT id, name, description, category, price, image FROM products');
    const products = new Map(rows.map((p) => [String(p.id), p]));
    const byOrder = new Map(orders.map((o) => [o.id, o]));
    const seen = new Map<string, number>();
    for (const [i, item] of enrichedOf(records).entries()) {
      const order = byOrder.get(item.orderId)!;
      expect(records[i]!.key).toBe(item.orderId);
      expect(item.createdAt).toBe(order.createdAt);
      const row = products.get(item.product.id)!;
      expect(item.product).toEqual({ id: String(row.id), name: row.name, description: row.description, category: row.category, price: Number(row.price), image: row.image });
      expect(item.orderItem.productId).toBe(item.product.id);
      expect(order.items).toContainEqual(item.orderItem);
      seen.set(item.orderId, (seen.get(item.orderId) ?? 0) + 1);
    }
    for (const o of orders) expect(seen.get(o.id)).toBe(o.items.length);
  });

  describe('product changes in MariaDB', () => {
    let productId: number;
    const name = `IT product ${Date.now()}`;

    it('INSERT: orders for the new product are enriched, not dead-lettered', async () => {
      const [res] = await db.execute<ResultSetHeader>(
        'INSERT INTO products (name, description, category, price, image) VALUES (?, ?, ?, ?, ?)',
        [name, 'made by a test', 'it-category', 77, '/images/it.jpg'],
      );
      productId = res.insertId;
      const order = orderFor([{ productId: String(productId), quantity: 2, price: 77 }]);
      await produce(kafka, topics.ORDERS_TOPIC, [order]);
      const records = await readTopic(kafka, topics.ENRICHED_ORDER_ITEMS_TOPIC, (r) => r.some((x) => x.key === order.id), { timeoutMs: 30000 });
      const item = enrichedOf(records.filter((r) => r.key === order.id))[0]!;
      expect(item.product).toEqual({ id: String(productId), name, description: 'made by a test', category: 'it-category', price: 77, image: '/images/it.jpg' });
    });

    it('UPDATE name and price: orders placed after the change carry the new values within 10 s', async () => {
      const changedAt = Date.now();
      await db.execute('UPDATE products SET name = ?, price = ? WHERE id = ?', [`${name} v2`, 88, productId]);
      const placed: Order[] = [];
      const firstNew = await waitFor(
        'an enriched item with the new name and price',
        async () => {
          const order = orderFor([{ productId: String(productId), quantity: 1, price: 88 }]);
          placed.push(order);
          await produce(kafka, topics.ORDERS_TOPIC, [order]);
          const ids = new Set(placed.map((o) => o.id));
          const records = await readTopic(kafka, topics.ENRICHED_ORDER_ITEMS_TOPIC, (r) => r.some((x) => ids.has(x.key!) && x.value!.includes(`${name} v2`)), { timeoutMs: 1500 });
          return enrichedOf(records).find((e) => ids.has(e.orderId) && e.product.name === `${name} v2`);
        },
        20000,
        0,
      );
      const seconds = (Date.now() - changedAt) / 1000;
      expect(firstNew.product.price).toBe(88);
      expect(seconds).toBeLessThan(10);
    });

    it('DELETE: later orders for it wait, then dead-letter with reason "unknown product"', async () => {
      await db.execute('DELETE FROM products WHERE id = ?', [productId]);
      await new Promise((r) => setTimeout(r, 3000));
      const order = orderFor([{ productId: String(productId), quantity: 1, price: 88 }]);
      const placedAt = Date.now();
      await produce(kafka, topics.ORDERS_TOPIC, [order]);
      const letters = lettersOf(
        await readTopic(kafka, topics.DEAD_LETTER_TOPIC, (r) => r.some((x) => x.value!.includes(order.id)), { timeoutMs: 30000 }),
      ).filter((l) => l.value!.includes(order.id));
      expect(Date.now() - placedAt).toBeGreaterThanOrEqual(UNKNOWN_PRODUCT_TIMEOUT_MS - 500);
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ reason: 'unknown product', sourceTopic: topics.ORDERS_TOPIC, component: 'enricher', key: order.id });
      expect(JSON.parse(letters[0]!.value!)).toMatchObject({ orderId: order.id, orderItem: order.items[0] });
      const enriched = await readTopic(kafka, topics.ENRICHED_ORDER_ITEMS_TOPIC, () => true, { settleMs: 1000 });
      expect(enriched.filter((r) => r.key === order.id)).toEqual([]);
    });
  });

  it('dead-letters malformed JSON and schema-invalid orders with reason and original bytes, and goes on', async () => {
    const binary = Buffer.from([0xff, 0xfe, 0x7b]);
    const valid = orderFor([{ productId: '1', quantity: 1, price: 0 }]);
    const [[row]] = await db.query<RowDataPacket[]>('SELECT price FROM products WHERE id = 1');
    valid.items[0]!.price = Number(row!.price);
    valid.price = Number(row!.price);
    const invalid = JSON.stringify({ ...valid, id: 'not-a-uuid' });
    await produce(kafka, topics.ORDERS_TOPIC, ['{"id":', invalid, binary, valid]);

    const letters: DeadLetter[] = lettersOf(await readTopic(kafka, topics.DEAD_LETTER_TOPIC, (r) => r.filter((x) => !x.value!.includes('unknown product')).length >= 3, { timeoutMs: 30000 })).filter(
      (l) => l.reason !== 'unknown product',
    );
    expect(letters.map((l) => l.reason).sort()).toEqual(['malformed JSON', 'malformed JSON', 'schema invalid']);
    const schemaInvalid = letters.find((l) => l.reason === 'schema invalid')!;
    expect(schemaInvalid).toMatchObject({ sourceTopic: topics.ORDERS_TOPIC, value: invalid, encoding: 'utf8', component: 'enricher' });
    expect(schemaInvalid.detail).toMatch(/^id: /);
    expect(schemaInvalid.offset).toMatch(/^\d+$/);
    const binaryLetter = letters.find((l) => l.encoding === 'base64')!;
    expect(Buffer.from(binaryLetter.value!, 'base64')).toEqual(binary);
    expect(letters.map((l) => l.value)).toContain('{"id":');

    const records = await readTopic(kafka, topics.ENRICHED_ORDER_ITEMS_TOPIC, (r) => r.some((x) => x.key === valid.id), { timeoutMs: 30000 });
    const items: EnrichedOrderItem[] = enrichedOf(records.filter((r) => r.key === valid.id));
    expect(items).toHaveLength(1);
    expect((await fetch(`http://127.0.0.1:${testPort('pipeline-it.enricher')}/metrics`).then((r) => r.text())).match(/enricher_dead_letters_total\{reason="malformed JSON",component="enricher"\} (\d+)/)?.[1]).toBe('2');
  });
});
