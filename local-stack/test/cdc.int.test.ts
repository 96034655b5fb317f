// Checks on the real stack that a product inserted, updated and deleted in MariaDB reaches
// mysql.pizzashop.products through Debezium.
import { randomUUID } from 'node:crypto';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { readTopic, testKafka, type ReadRecord } from '@pizzashop/testkit';

const kafka = testKafka((process.env.KAFKA_BROKERS ?? '').split(','));

interface ChangeEvent {
  op: string;
  before: { id: number; name: string; price: number } | null;
  after: { id: number; name: string; price: number } | null;
  source: { table: string };
  ts_ms: number;
}

describe('CDC: MariaDB binlog -> Debezium -> mysql.pizzashop.products', () => {
  it('streams insert, update and delete of a product, then a tombstone, within 30 s', async () => {
    const db = await mysql.createConnection({ socketPath: process.env.MYSQL_ADMIN_SOCKET, user: 'root', database: 'pizzashop' });
    const name = `CDC test pizza ${randomUUID()}`;
    const [insert] = await db.execute<mysql.ResultSetHeader>(
      "INSERT INTO products (name, description, category, price, image) VALUES (?, 'test', 'pizzas-veg', 299, '/images/products/test.jpg')",
      [name],
    );
    const id = insert.insertId;
    await db.execute('UPDATE products SET price = 349, name = ? WHERE id = ?', [`${name} (large)`, id]);
    await db.execute('DELETE FROM products WHERE id = ?', [id]);
    await db.end();

    const mine = (msgs: ReadRecord[]) => msgs.filter((m) => m.key !== null && (JSON.parse(m.key) as { id: number }).id === id);
    const started = Date.now();
    const events = mine(await readTopic(kafka, 'mysql.pizzashop.products', (msgs) => mine(msgs).length >= 4, { timeoutMs: 30_000 }));
    expect(Date.now() - started).toBeLessThan(30_000);

    const values = events.map((m) => (m.value === null ? null : (JSON.parse(m.value) as ChangeEvent)));
    expect(values.map((v) => v?.op ?? 'tombstone')).toEqual(['c', 'u', 'd', 'tombstone']);
    const [created, updated, deleted] = values as ChangeEvent[];
    expect(created!.after).toMatchObject({ id, name, price: 299 });
    expect(updated!.before).toMatchObject({ id, price: 299 });
    expect(updated!.after).toMatchObject({ id, name: `${name} (large)`, price: 349 });
    expect(deleted!.before).toMatchObject({ id, price: 349 });
    expect(deleted!.after).toBeNull();
    expect(created!.source.table).toBe('products');
  });
});
