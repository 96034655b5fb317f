// A bench's private copy of the pipeline on the real test stack: its orders land in its own Pinot
// tables (and in none of the stack's), an API pointed at them by env serves them, and drop() leaves
// no table, schema, topic or group behind.
import { randomUUID } from 'node:crypto';
import { createKafkaClient, createLogger, identifier, infraEnv, PinotClient, sql, sqlList, type Product } from '@pizzashop/common';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, stackEnv, startService, testPort, waitForHttpOk } from '@pizzashop/testkit';
import { buildOrder, connectOrderProducer, produceOrders } from '../src/synthetic-orders.js';
import { createPrivatePipeline, type PrivatePipeline } from '../src/bench/private-pipeline.js';

const cfg = stackEnv();
const log = createLogger('private-pipeline-it', 'warn');
const kafka = createKafkaClient({ brokers: cfg.KAFKA_BROKERS, clientId: 'private-pipeline-it', log });
const pinot = new PinotClient({ brokerUrls: cfg.PINOT_BROKER_URLS, timeoutMs: 10_000 });
const API_PORT = testPort('private-pipeline-it.api');
const product = (id: string): Product => ({ id: `pp-${id}`, name: `pp ${id}`, description: 'private pipeline test', category: 'pp', image: '/x.jpg', price: 100 });

let pipeline: PrivatePipeline | undefined;
afterAll(async () => {
  await pipeline?.drop();
  await pinot.close();
});

const count = async (table: string, ids: string[], column = 'id') =>
  Number((await pinot.query(sql`SELECT COUNT(*) FROM ${identifier(table)} WHERE ${identifier(column)} IN ${sqlList(ids)}`)).rows[0]?.[0] ?? 0);

describe('private pipeline', () => {
  it('keeps a bench\'s orders in its own tables, serves them to an API pointed there, and leaves nothing behind', async () => {
    pipeline = await createPrivatePipeline(cfg, 'inttest', log, { pinot: true });
    const own = pipeline;
    const tables = own.tables!;
    const orders = Array.from({ length: 20 }, (_, i) => buildOrder(randomUUID(), Date.now(), 1, [{ product: product(String(i % 3)), quantity: 1 }, { product: product(String(3 + (i % 2))), quantity: 2 }]));
    const ids = orders.map((o) => o.order.id);
    const producer = await connectOrderProducer(kafka, { orders: own.topics.orders, enrichedOrderItems: own.topics.enrichedOrderItems }, log);
    try {
      await produceOrders(producer, { orders: own.topics.orders, enrichedOrderItems: own.topics.enrichedOrderItems }, orders);
    } finally {
      await producer.disconnect();
    }

    await eventually('the private tables hold the bench orders and their items', async () => {
      const [o, i] = [await count(tables.orders, ids), await count(tables.orderItems, ids, 'orderId')];
      return o === 20 && i === 40 ? true : `orders ${o}/20, items ${i}/40`;
    }, 120_000);
    expect(await count(cfg.PINOT_ORDERS_TABLE, ids)).toBe(0);
    expect(await count(cfg.PINOT_ORDER_ITEMS_TABLE, ids, 'orderId')).toBe(0);

    const api = startService('pizzashop-api/src/main.ts', { ...infraEnv(cfg), PINOT_BROKER_URLS: cfg.PINOT_BROKER_URLS.join(','), ...own.env, API_HTTP_PORT: String(API_PORT), API_HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
    try {
      await waitForHttpOk(`http://127.0.0.1:${API_PORT}/readyz`, 60_000, api);
      const res = await fetch(`http://127.0.0.1:${API_PORT}/orders/${ids[0]}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { id: string; items: { product: { name: string } | null }[] };
      expect(body.id).toBe(ids[0]);
      expect(body.items.map((item) => item.product?.name)).toEqual(['pp 0', 'pp 3']);
    } finally {
      await api.stop();
    }

    await own.drop();
    pipeline = undefined;
    const controller = async (path: string) => (await fetch(`${cfg.PINOT_CONTROLLER_URL}${path}`)).json() as Promise<unknown>;
    expect(((await controller('/tables')) as { tables: string[] }).tables).not.toContain(tables.orders);
    expect((await controller('/schemas')) as string[]).not.toContain(tables.orderItems);
    // Pinot no longer fetches them, so the topics stay deleted.
    await new Promise((r) => setTimeout(r, 5000));
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect((await admin.listTopics()).filter((t) => t.startsWith(`bench-inttest-${own.runId}`))).toEqual([]);
      expect((await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.includes(`bench-inttest-${own.runId}`))).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });
});
