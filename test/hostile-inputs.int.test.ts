// Feeds hostile Kafka and CDC inputs to a real enricher on the test stack and checks where each ends
// up (output or dead letters).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  infraEnv,
  createIdempotentProducer,
  DEAD_LETTER_VALUE_CAP,
  deadLetterSchema,
  deadLetterValueBytes,
  enrichedOrderItemSchema,
  PinotClient,
  sql,
  sqlList,
  type DeadLetter,
  type EnrichedOrderItem,
} from '@pizzashop/common';
import type { Message } from 'kafkajs';
import mysql from 'mysql2/promise';
import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlAdmin, orderFor, readTopic, type ServiceProcess, stackEnv, startService, testKafka, testPort, waitFor, waitForHttpOk } from '@pizzashop/testkit';

/**
 * Hostile Kafka and CDC inputs from the catalogue in docs/reliability.md, on the real test stack:
 * the enricher runs as a child process on the default topics and group, like in production.
 */
const cfg = stackEnv();
const kafka = testKafka(cfg.KAFKA_BROKERS);
const PORT = testPort('hostile-it.enricher');
const ORDERS_PORT = testPort('hostile-it.orders');
const API_PORT = testPort('hostile-it.api');
const ORDERS = 'orders';
const DEAD_LETTERS = 'dead-letters';
const ENRICHED = 'enriched-order-items';
const EXTRA_COLUMN = `hostile_${randomUUID().slice(0, 8)}`;
let enricher: ServiceProcess;
let ordersService: ServiceProcess;
let api: ServiceProcess;
let pinot: PinotClient;
let db: Connection;
let columnAdded = false;

async function send(messages: Message[]): Promise<void> {
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    await producer.send({ topic: ORDERS, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

/** Dead letters by the original key they quote (base64 in a letter whose key or value is not UTF-8). */
async function deadLettersKeyed(keys: string[]): Promise<Map<string, DeadLetter>> {
  const quoted = (k: string) => [`"key":"${k}"`, `"key":"${Buffer.from(k).toString('base64')}"`];
  const records = await readTopic(kafka, DEAD_LETTERS, (r) => keys.every((k) => r.some((x) => quoted(k).some((q) => x.value?.includes(q)))), { timeoutMs: 40000 });
  const letters = records.map((r) => deadLetterSchema.parse(JSON.parse(r.value!))).filter((l) => l.key !== null);
  const byKey = new Map(letters.map((l) => [Buffer.from(l.key!, l.encoding).toString('utf8'), l]));
  return new Map(keys.filter((k) => byKey.has(k)).map((k) => [k, byKey.get(k)!]));
}

async function enrichedItemsOf(orderId: string, until: (items: EnrichedOrderItem[]) => boolean = (i) => i.length > 0): Promise<EnrichedOrderItem[]> {
  const parse = (records: { key: string | null; value: string | null }[]) =>
    records.filter((r) => r.key === orderId).map((r) => enrichedOrderItemSchema.parse(JSON.parse(r.value!)));
  return parse(await readTopic(kafka, ENRICHED, (r) => until(parse(r)), { timeoutMs: 40000 }));
}

async function catalogueItem(): Promise<{ productId: string; quantity: number; price: number }> {
  const [[row]] = await db.query<RowDataPacket[]>('SELECT id, price FROM products ORDER BY id LIMIT 1');
  return { productId: String(row!.id), quantity: 1, price: Number(row!.price) };
}

beforeAll(async () => {
  db = await mysql.createConnection(mysqlAdmin(cfg));
  enricher = startService('enricher/src/main.ts', {
    ...infraEnv(cfg),
    ENRICHER_HTTP_PORT: String(PORT),
    ENRICHER_HTTP_HOST: '127.0.0.1',
    ENRICHER_INSTANCE_ID: `hostile-inputs-${randomUUID().slice(0, 8)}`,
  });
  ordersService = startService('orders-service/src/main.ts', {
    ...infraEnv(cfg),
    SIMULATOR_ENABLED: 'false',
    ORDERS_HTTP_PORT: String(ORDERS_PORT),
    ORDERS_HTTP_HOST: '127.0.0.1',
  });
  api = startService('pizzashop-api/src/main.ts', {
    ...infraEnv(cfg),
    PINOT_BROKER_URLS: cfg.PINOT_BROKER_URLS.join(','),
    API_HTTP_PORT: String(API_PORT),
    API_HTTP_HOST: '127.0.0.1',
    QUERY_CACHE_TTL_MS: '0',
  });
  pinot = new PinotClient({ brokerUrls: cfg.PINOT_BROKER_URLS, timeoutMs: 10_000 });
  await waitForHttpOk(`http://127.0.0.1:${PORT}/readyz`, 150000, enricher);
  await waitForHttpOk(`http://127.0.0.1:${ORDERS_PORT}/readyz`, 120000, ordersService);
  await waitForHttpOk(`http://127.0.0.1:${API_PORT}/readyz`, 120000, api);
});

afterAll(async () => {
  if (columnAdded) await db.query(`ALTER TABLE products DROP COLUMN ${EXTRA_COLUMN}`);
  await enricher?.stop();
  await ordersService?.stop();
  await api?.stop();
  await pinot?.close();
  await db?.end();
});

const postOrder = (body: unknown) =>
  fetch(`http://127.0.0.1:${ORDERS_PORT}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Rows [id, price, items JSON] of Pinot `orders` for these ids, once `until` holds for them. */
async function pinotOrders(ids: string[], until: (rows: unknown[][]) => boolean): Promise<unknown[][]> {
  return waitFor(
    `Pinot orders rows for ${ids.join(', ')}`,
    async () => {
      const result = await pinot.query(sql`SELECT id, price, items FROM orders WHERE id IN ${sqlList(ids)} LIMIT 100`);
      return until(result.rows) ? result.rows : undefined;
    },
    60_000,
    500,
  );
}

describe('POST /orders on the real stack: Pinot holds only what the server priced and accepted', () => {
  it('a forged price never reaches Pinot: 409 with the current price, and the same order priced by the server is stored at the catalogue price', async () => {
    const { productId, price } = await catalogueItem();
    const forgedId = randomUUID();
    const honestId = randomUUID();
    const forged = await postOrder({ id: forgedId, userId: 1, items: [{ productId, quantity: 2, price: 1 }], price: 2, deliveryLat: 12.97, deliveryLon: 77.59 });
    expect(forged.status).toBe(409);
    expect(((await forged.json()) as { error: string }).error).toContain(`items.0.price: product ${productId} costs ${price} now, not 1`);
    const honest = await postOrder({ id: honestId, userId: 1, items: [{ productId, quantity: 2 }], deliveryLat: 12.97, deliveryLon: 77.59 });
    expect(honest.status).toBe(202);
    expect(await honest.json()).toMatchObject({ id: honestId, price: 2 * price, items: [{ productId, quantity: 2, price }] });
    // The refused id, retried with the current prices, is accepted like any new order.
    const retried = await postOrder({ id: forgedId, userId: 1, items: [{ productId, quantity: 2, price }], deliveryLat: 12.97, deliveryLon: 77.59 });
    expect(retried.status).toBe(202);

    const rows = await pinotOrders([forgedId, honestId], (r) => r.length === 2);
    expect(rows.map(([id, total]) => [id, Number(total)]).sort()).toEqual([[forgedId, 2 * price], [honestId, 2 * price]].sort());
    for (const [, , items] of rows) expect(JSON.parse(String(items))).toEqual([{ productId, quantity: 2, price }]);
    const forgedRows = await pinot.query(sql`SELECT COUNT(*) FROM orders WHERE id IN ${sqlList([forgedId, honestId])} AND price < ${2 * price}`);
    expect(Number(forgedRows.rows[0]![0])).toBe(0);
    const [item] = await enrichedItemsOf(honestId);
    expect(item!.orderItem).toEqual({ productId, quantity: 2, price });
  });

  it('an order id POSTed in uppercase is stored lowercase and found by GET /orders/{id} of the API, in either case', async () => {
    const { productId } = await catalogueItem();
    const id = randomUUID();
    const res = await postOrder({ id: id.toUpperCase(), userId: 2, items: [{ productId, quantity: 1 }], deliveryLat: 12.97, deliveryLon: 77.59 });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { id: string }).id).toBe(id);
    await pinotOrders([id], (r) => r.length === 1);
    for (const asked of [id.toUpperCase(), id]) {
      const found = await fetch(`http://127.0.0.1:${API_PORT}/orders/${asked}`);
      expect(found.status).toBe(200);
      expect(await found.json()).toMatchObject({ id });
    }
  });

  it('a createdAt in 2999 is refused with 400 naming the window; a future row written past the service does not pin /orders/overview freshness at 0', async () => {
    const { productId, price } = await catalogueItem();
    const refused = await postOrder({ userId: 1, createdAt: '2999-01-01T00:00:00.000Z', items: [{ productId, quantity: 1 }], deliveryLat: 12.97, deliveryLon: 77.59 });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/^invalid order: createdAt: must be at most 5 min ahead of and 7 days behind the server clock/);

    // An order stamped one hour ahead, written straight to Kafka (an older client, another producer).
    const future = { ...orderFor([{ productId, quantity: 1, price }]), createdAt: new Date(Date.now() + 3_600_000).toISOString() };
    await send([{ key: future.id, value: JSON.stringify(future) }]);
    await pinotOrders([future.id], (r) => r.length === 1);
    const [[newest]] = (await pinot.query(sql`SELECT MAX(ts) FROM orders`)).rows as [[number]];
    expect(Number(newest)).toBe(Date.parse(future.createdAt));
    const overview = (await (await fetch(`http://127.0.0.1:${API_PORT}/orders/overview`)).json()) as { freshnessMs: number | null };
    const [[newestPast]] = (await pinot.query(sql`SELECT MAX(ts) FROM orders WHERE ts <= now()`)).rows as [[number]];
    expect(overview.freshnessMs).toBeGreaterThan(0);
    expect(overview.freshnessMs!).toBeGreaterThanOrEqual(Date.now() - Number(newestPast) - 10_000);
  });
});

describe('hostile messages on the orders topic', () => {
  it('dead-letters an empty value, a tombstone, a bare number, a 900 KB malformed value and a 1,000,000-byte binary value with reasons, quoting at most 64 KiB; a null-keyed valid order after them is enriched', async () => {
    const run = randomUUID();
    const key = (name: string) => `hostile-${run}-${name}`;
    const big = `{"id":"${'x'.repeat(900_000)}`;
    const binary = randomBytes(1_000_000);
    const valid = orderFor([await catalogueItem()]);
    await send([
      { key: key('empty'), value: '' },
      { key: key('tombstone'), value: null },
      { key: key('number'), value: '42' },
      { key: key('big'), value: big },
    ]);
    await send([{ key: key('binary'), value: binary }]);
    await send([{ key: null, value: JSON.stringify(valid) }]);

    const letters = await deadLettersKeyed([key('empty'), key('tombstone'), key('number'), key('big'), key('binary')]);
    expect(letters.get(key('empty'))).toMatchObject({ reason: 'malformed JSON', value: '', sourceTopic: ORDERS, component: 'enricher', truncated: false });
    expect(letters.get(key('tombstone'))).toMatchObject({ reason: 'schema invalid', detail: expect.stringContaining('tombstone'), value: null });
    expect(letters.get(key('number'))).toMatchObject({ reason: 'schema invalid', value: '42' });
    const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
    expect(letters.get(key('big'))).toMatchObject({ reason: 'malformed JSON', encoding: 'utf8', truncated: true, valueBytes: big.length, valueSha256: sha(big) });
    expect(letters.get(key('big'))!.value).toBe(big.slice(0, DEAD_LETTER_VALUE_CAP));
    expect(letters.get(key('binary'))).toMatchObject({ reason: 'malformed JSON', encoding: 'base64', truncated: true, valueBytes: binary.length, valueSha256: sha(binary) });
    expect(deadLetterValueBytes(letters.get(key('binary'))!)).toEqual(binary.subarray(0, DEAD_LETTER_VALUE_CAP));

    const items = await enrichedItemsOf(valid.id);
    expect(items).toHaveLength(1);
    expect(items[0]!.orderItem).toEqual(valid.items[0]);
    expect(enricher.child.exitCode).toBeNull();
  });

  it('refuses a message past the broker limit (1 MB) at the producer with a clear error', async () => {
    const marker = `hostile-too-large-${randomUUID()}`;
    await expect(send([{ key: marker, value: 'x'.repeat(1_100_000) }])).rejects.toThrow(/too large|larger than/i);
    expect(enricher.child.exitCode).toBeNull();
  });
});

describe('hostile changes to products (CDC)', () => {
  it('a column added by ALTER TABLE, then an update and a burst of 50 updates to one row: orders carry the last values', async () => {
    const name = `Hostile CDC ${randomUUID().slice(0, 8)}`;
    const [res] = await db.execute<ResultSetHeader>(
      "INSERT INTO products (name, description, category, price, image) VALUES (?, 'hostile test', 'it-category', 100, '/images/it.jpg')",
      [name],
    );
    const productId = res.insertId;
    try {
      await db.query(`ALTER TABLE products ADD COLUMN ${EXTRA_COLUMN} VARCHAR(32) NULL`);
      columnAdded = true;
      await db.execute(`UPDATE products SET name = ?, price = 111, ${EXTRA_COLUMN} = 'extra' WHERE id = ?`, [`${name} v2`, productId]);
      const afterAlter = await waitFor(
        'an order for the product updated after ALTER TABLE enriched with the new name',
        async () => {
          const order = orderFor([{ productId: String(productId), quantity: 1, price: 111 }]);
          await send([{ key: order.id, value: JSON.stringify(order) }]);
          const [item] = await enrichedItemsOf(order.id);
          return item?.product.name === `${name} v2` ? item : undefined;
        },
        40000,
        0,
      );
      expect(afterAlter.product).toMatchObject({ id: String(productId), price: 111 });
      expect(afterAlter.product).not.toHaveProperty(EXTRA_COLUMN);

      for (let i = 1; i <= 50; i++) await db.execute('UPDATE products SET price = ? WHERE id = ?', [200 + i, productId]);
      const afterBurst = await waitFor(
        'an order enriched with the last price of the burst',
        async () => {
          const order = orderFor([{ productId: String(productId), quantity: 1, price: 250 }]);
          await send([{ key: order.id, value: JSON.stringify(order) }]);
          const [item] = await enrichedItemsOf(order.id);
          return item?.product.price === 250 ? item : undefined;
        },
        40000,
        0,
      );
      expect(afterBurst.product.name).toBe(`${name} v2`);
      const metrics = await fetch(`http://127.0.0.1:${PORT}/metrics`).then((r) => r.text());
      expect(metrics).not.toMatch(/enricher_product_events_invalid_total\{[^}]*\} [1-9]/);
    } finally {
      await db.execute('DELETE FROM products WHERE id = ?', [productId]);
    }
  });
});
