// Checks on the real stack that Pinot's REALTIME `orders` table ingests JSON orders from Kafka and
// derives ts from createdAt.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testKafka } from '@pizzashop/testkit';

const kafka = testKafka((process.env.KAFKA_BROKERS ?? '').split(','));
const broker = (process.env.PINOT_BROKER_URLS ?? '').split(',')[0];

async function sql<T = unknown[]>(query: string): Promise<T[]> {
  const res = await fetch(`${broker}/query/sql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sql: query }) });
  const body = (await res.json()) as { exceptions: unknown[]; resultTable?: { rows: T[] } };
  if (body.exceptions.length > 0) throw new Error(JSON.stringify(body.exceptions));
  return body.resultTable?.rows ?? [];
}

describe('Pinot REALTIME table orders', () => {
  it('counts JSON orders produced to Kafka within 30 s and derives ts from createdAt', async () => {
    const batch = randomUUID();
    const createdAt = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const orders = Array.from({ length: 25 }, (_, i) => ({
      id: randomUUID(),
      createdAt: new Date(createdAt.getTime() + i).toISOString(),
      userId: 4242,
      status: `TEST_${batch}`,
      price: 90,
      items: [{ productId: '21', quantity: 2, price: 45 }],
      deliveryLat: 12.98,
      deliveryLon: 77.71,
    }));
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: 'orders', acks: -1, messages: orders.map((o) => ({ key: o.id, value: JSON.stringify(o) })) });
    await producer.disconnect();

    const started = Date.now();
    let count = 0;
    while (Date.now() - started < 30_000) {
      const [row] = await sql<[number]>(`SELECT COUNT(*) FROM orders WHERE status = 'TEST_${batch}'`);
      count = row?.[0] ?? 0;
      if (count === orders.length) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(count).toBe(orders.length);

    const rows = await sql<[string, string | number]>(`SELECT createdAt, CAST(ts AS LONG) FROM orders WHERE status = 'TEST_${batch}' LIMIT 100`);
    for (const [iso, ts] of rows) expect(Number(ts)).toBe(Date.parse(iso));
    expect(rows.some(([iso]) => iso === createdAt.toISOString())).toBe(true);
  });
});
