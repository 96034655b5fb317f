import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  createIdempotentProducer,
  DEAD_LETTER_VALUE_CAP,
  deadLetterSchema,
  deadLetterValueBytes,
  enrichedOrderItemSchema,
  type DeadLetter,
  type EnrichedOrderItem,
} from '@pizzashop/common';
import type { Message } from 'kafkajs';
import mysql from 'mysql2/promise';
import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlAdmin, serviceEnvOf, stackEnv, testPort } from '../common/test/support/env.js';
import { readTopic, testKafka } from '../common/test/support/kafka.js';
import { startService, waitFor, waitForHttpOk, type ServiceProcess } from '../common/test/support/services.js';
import { orderFor } from '../enricher/test/pipeline-support.js';

/**
 * Hostile Kafka and CDC inputs from the catalogue in docs/reliability.md, on the real test stack:
 * the enricher runs as a child process on the default topics and group, like in production.
 */
const cfg = stackEnv();
const kafka = testKafka(cfg.KAFKA_BROKERS);
const PORT = testPort(8770);
const ORDERS = 'orders';
const DEAD_LETTERS = 'dead-letters';
const ENRICHED = 'enriched-order-items';
const EXTRA_COLUMN = `hostile_${randomUUID().slice(0, 8)}`;
let enricher: ServiceProcess;
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

/** The dead letters of `keys`, by original key (a letter quoting bytes that are not UTF-8 has its key in base64 too). */
async function deadLettersKeyed(keys: string[]): Promise<Map<string, DeadLetter>> {
  const wanted = new Set(keys);
  const byKey = (records: { value: string | null }[]) => {
    const letters = new Map<string, DeadLetter>();
    for (const r of records) {
      const letter = deadLetterSchema.parse(JSON.parse(r.value!));
      if (letter.key === null) continue;
      const key = letter.encoding === 'base64' ? Buffer.from(letter.key, 'base64').toString('utf8') : letter.key;
      if (wanted.has(key)) letters.set(key, letter);
    }
    return letters;
  };
  return byKey(await readTopic(kafka, DEAD_LETTERS, (r) => byKey(r).size === wanted.size, { timeoutMs: 40000 }));
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
    ...serviceEnvOf(cfg),
    ENRICHER_HTTP_PORT: String(PORT),
    ENRICHER_HTTP_HOST: '127.0.0.1',
    ENRICHER_INSTANCE_ID: `hostile-inputs-${randomUUID().slice(0, 8)}`,
  });
  await waitForHttpOk(`http://127.0.0.1:${PORT}/readyz`, 150000, enricher);
});

afterAll(async () => {
  if (columnAdded) await db.query(`ALTER TABLE products DROP COLUMN ${EXTRA_COLUMN}`);
  await enricher?.stop();
  await db?.end();
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
