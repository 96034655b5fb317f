// Tests POST /orders on the real stack: pricing from MariaDB, refusals that never reach the topic, and
// catalogue reload on a miss.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { infraEnv, orderSchema } from '@pizzashop/common';
import mysql from 'mysql2/promise';
import type { ResultSetHeader } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlAdmin, readTopic, type ServiceProcess, stackEnv, startService, testKafka, testPort, uniqueTopic, waitFor, waitForHttpOk } from '@pizzashop/testkit';

const cfg = stackEnv();
const ordersTopic = uniqueTopic('orders');
const PORT = testPort('orders-http-it.orders');
const DOWN_PORT = testPort('orders-http-it.broker-down');
const base = `http://127.0.0.1:${PORT}`;

/** Product 1 costs 239 in the seeded catalogue, product 2 costs 399; the client may send prices or not. */
const order = {
  userId: 1,
  items: [
    { productId: '1', quantity: 2, price: 239 },
    { productId: 2, quantity: 1 },
  ],
  deliveryLat: 12.97,
  deliveryLon: 77.59,
};
const post = (url: string, body: unknown) =>
  fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

let service: ServiceProcess;

beforeAll(async () => {
  service = startService('orders-service/src/main.ts', {
    ...infraEnv(cfg),
    ORDERS_TOPIC: ordersTopic,
    SIMULATOR_ENABLED: 'false',
    ORDERS_HTTP_PORT: String(PORT),
    ORDERS_HTTP_HOST: '127.0.0.1',
  });
  await waitForHttpOk(`${base}/readyz`, 120000, service);
});

afterAll(async () => {
  await service?.stop();
});

describe('POST /orders against the real broker', () => {
  it('answers 202 with the order priced from MariaDB, and that order is on the topic (key = id)', async () => {
    const res = await post(base, order);
    expect(res.status).toBe(202);
    const answered = orderSchema.parse(await res.json());
    expect(answered).toMatchObject({ price: 877, userId: 1, status: 'PLACED_ORDER', items: [{ productId: '1', price: 239 }, { productId: '2', price: 399 }] });
    const records = await readTopic(testKafka(cfg.KAFKA_BROKERS), ordersTopic, (r) => r.some((x) => x.key === answered.id), { timeoutMs: 30000 });
    const onTopic = orderSchema.parse(JSON.parse(records.find((r) => r.key === answered.id)!.value!));
    expect(onTopic).toEqual(answered);
    expect(onTopic.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('answers 409 with the current price for a forged one, 422 for an unknown product or user; none of them reaches the topic', async () => {
    const forged = await post(base, { ...order, items: [{ productId: '2', quantity: 1, price: 1 }], price: 1 });
    expect(forged.status).toBe(409);
    expect(((await forged.json()) as { error: string }).error).toContain('items.0.price: product 2 costs 399 now, not 1');
    const unknown = await post(base, { ...order, userId: 987_654, items: [{ productId: '987654', quantity: 1 }] });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { error: string }).error).toBe(
      'order refused: items.0.productId: product 987654 is not in the catalogue; userId: user 987654 does not exist',
    );
    const marker = await post(base, { ...order, status: 'AFTER_REFUSALS' });
    expect(marker.status).toBe(202);
    const markerId = ((await marker.json()) as { id: string }).id;
    const records = await readTopic(testKafka(cfg.KAFKA_BROKERS), ordersTopic, (r) => r.some((x) => x.key === markerId), { timeoutMs: 30000 });
    const prices = records.map((r) => orderSchema.parse(JSON.parse(r.value!))).flatMap((o) => o.items.map((i) => [i.productId, i.price]));
    expect(prices).not.toContainEqual(['2', 1]);
    expect(prices.map(([productId]) => productId)).not.toContain('987654');
  });

  it('sees a product added to MariaDB a moment ago (reload on a miss), at its price', async () => {
    const db = await mysql.createConnection(mysqlAdmin(cfg));
    const [created] = await db.execute<ResultSetHeader>(
      "INSERT INTO products (name, description, category, price, image) VALUES ('it new product', 'http.int.test', 'it-category', 123, '/images/it.jpg')",
    );
    try {
      const res = await post(base, { ...order, items: [{ productId: created.insertId, quantity: 3 }] });
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ price: 369, items: [{ productId: String(created.insertId), quantity: 3, price: 123 }] });
    } finally {
      await db.execute('DELETE FROM products WHERE id = ?', [created.insertId]);
      await db.end();
    }
  });

  it('answers 400 naming the field, and 413 past the body limit', async () => {
    const res = await post(base, { ...order, deliveryLat: 123 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/deliveryLat/);
    expect((await post(base, { ...order, note: 'x'.repeat(70 * 1024) })).status).toBe(413);
  });

  it('serves metrics', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/orders_produced_total\{source="http",component="orders-service"\} 3/);
    expect(text).toMatch(/orders_kafka_reachable\{component="orders-service"\} 1/);
  });
});

describe('POST /orders while Kafka is unreachable', () => {
  let down: ServiceProcess;
  let proxy: Server | undefined;
  const kafkaPort = testPort('orders-http-it.kafka-proxy');
  const downBase = `http://127.0.0.1:${DOWN_PORT}`;

  afterAll(async () => {
    await down?.stop();
    await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
  });

  it('answers 503, then 202 once a broker is reachable at the configured address', async () => {
    down = startService('orders-service/src/main.ts', {
      ...infraEnv(cfg),
      KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
      ORDERS_TOPIC: ordersTopic,
      SIMULATOR_ENABLED: 'false',
      ORDERS_HTTP_PORT: String(DOWN_PORT),
      ORDERS_HTTP_HOST: '127.0.0.1',
    });
    await waitForHttpOk(`${downBase}/healthz`, 60000, down);
    const res = await post(downBase, order);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/Kafka/);
    expect((await fetch(`${downBase}/readyz`)).status).toBe(503);

    // "Kafka comes back": a TCP relay to the real broker appears on the configured port. The
    // client bootstraps through it, then talks to the advertised broker address.
    const [host, port] = cfg.KAFKA_BROKERS[0]!.split(':');
    proxy = createServer((client: Socket) => {
      const upstream = connect(Number(port), host === 'localhost' ? '127.0.0.1' : host);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close);
      upstream.on('error', close);
    });
    await new Promise<void>((r) => proxy!.listen(kafkaPort, '127.0.0.1', r));
    const status = await waitFor('the service to accept orders again', async () => {
      const r = await post(downBase, order);
      return r.status === 202 ? r.status : undefined;
    }, 90000, 1000);
    expect(status).toBe(202);
  });
});
