// Tests pizzashop-api on the real test stack with a data set placed in a random slot days in the past.
import { randomUUID } from 'node:crypto';
import {
  createKafkaClient,
  createLogger,
  infraEnvSchema,
  loadConfig,
  PinotClient,
  sql,
  sqlList,
  type Product,
} from '@pizzashop/common';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOrder, connectOrderProducer, produceOrders, type SyntheticOrder, TcpProxy, testPort } from '@pizzashop/testkit';
import { apiEnvSchema } from '../src/config.js';
import { createApiService, type ApiService } from '../src/service.js';
import { ordersPerMinuteQuery, periodQuery, pinotTables, popularByMinuteQuery, popularPartialMinuteQuery } from '../src/queries.js';
import { comparedPeriods, minuteBuckets, popularRanges, type SqlRange } from '../src/time-windows.js';

const log = createLogger('pizzashop-api-it', process.env.LOG_LEVEL ?? 'warn');
const infra = loadConfig(infraEnvSchema, process.env, 'pizzashop-api integration test');
const API_PORT = testPort('api-it.api');
const PROXIED_API_PORT = testPort('api-it.proxied-api');
const PROXY_PORT = testPort('api-it.pinot-proxy');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * The data set lives in a 10-minute slot 1 to 6 days in the past, chosen at random per run, so no
 * other test's orders (which are stamped "now") and no earlier run of this test fall into the
 * windows queried with `?at=`. `end` is the start of a minute (the API rounds `at` down to the minute).
 */
const end = Math.floor((Date.now() - DAY - Math.random() * 5 * DAY) / MINUTE) * MINUTE;
const run = randomUUID().slice(0, 8);
const product = (id: string, name: string, category: string, price: number): Product => ({
  id: `it-${run}-${id}`,
  name: `it-${run}-${name}`,
  description: 'integration test product',
  category: `it-${run}-${category}`,
  image: `/images/it/${id}.jpg`,
  price,
});
const P1 = product('1', 'Margherita', 'pizzas', 100);
const P2 = product('2', 'Farmhouse', 'pizzas', 250);
const P3 = product('3', 'Cola', 'drinks', 40);

const orders: Record<string, SyntheticOrder> = {
  o1: buildOrder(randomUUID(), end - 4 * MINUTE, 1, [{ product: P1, quantity: 2 }, { product: P3, quantity: 1 }]),
  o2: buildOrder(randomUUID(), end - 3 * MINUTE, 2, [{ product: P1, quantity: 1 }]),
  o3: buildOrder(randomUUID(), end - MINUTE + 10_000, 3, [{ product: P2, quantity: 1 }, { product: P3, quantity: 3 }]),
  o4: buildOrder(randomUUID(), end - 100, 4, [{ product: P3, quantity: 2 }]),
  o5: buildOrder(randomUUID(), end - 9 * MINUTE, 5, [{ product: P2, quantity: 2 }]),
  o6: buildOrder(randomUUID(), end - 5 * MINUTE - 1, 6, [{ product: P1, quantity: 1 }]),
  o7: buildOrder(randomUUID(), end - 10 * MINUTE - 1, 7, [{ product: P2, quantity: 1 }]),
  o8: buildOrder(randomUUID(), end, 8, [{ product: P1, quantity: 1 }]),
  /** Two products of one category in one order, inside the hour but before every 5-minute period: a category counts it once. */
  o9: buildOrder(randomUUID(), end - 30 * MINUTE, 9, [{ product: P1, quantity: 1 }, { product: P2, quantity: 1 }]),
};
const all = Object.values(orders);
const at = new Date(end).toISOString();

let producer: Producer;
let pinot: PinotClient;
let api: ApiService;
let proxiedApi: ApiService;
let proxy: TcpProxy;

const get = async (path: string, port = API_PORT) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & unknown[] };
};

async function waitForPinot(): Promise<void> {
  const ids = sqlList(all.map((o) => o.order.id));
  const itemCount = all.reduce((n, o) => n + o.enrichedItems.length, 0);
  const deadline = Date.now() + 90_000;
  let seen = { orders: 0, items: 0 };
  while (Date.now() < deadline) {
    const [o, i] = await Promise.all([
      pinot.query(sql`SELECT COUNT(*) FROM orders WHERE id IN ${ids}`),
      pinot.query(sql`SELECT COUNT(*) FROM order_items_enriched WHERE orderId IN ${ids}`),
    ]);
    seen = { orders: Number(o.rows[0]?.[0]), items: Number(i.rows[0]?.[0]) };
    if (seen.orders === all.length && seen.items === itemCount) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `Pinot holds ${seen.orders}/${all.length} test orders and ${seen.items}/${itemCount} items after 90 s: is the stack healthy (npm run stack:status)?`,
  );
}

beforeAll(async () => {
  const kafka = createKafkaClient({ brokers: infra.KAFKA_BROKERS, clientId: 'pizzashop-api-it', log });
  const topics = { orders: infra.ORDERS_TOPIC, enrichedOrderItems: infra.ENRICHED_ORDER_ITEMS_TOPIC };
  producer = await connectOrderProducer(kafka, topics, log);
  await produceOrders(producer, topics, all);
  pinot = new PinotClient({ brokerUrls: infra.PINOT_BROKER_URLS, timeoutMs: 5000 });
  await waitForPinot();

  const env = { ...process.env, API_HTTP_HOST: '127.0.0.1', QUERY_CACHE_TTL_MS: '0', STREAM_INTERVAL_MS: '500' };
  api = createApiService(loadConfig(apiEnvSchema, { ...env, API_HTTP_PORT: String(API_PORT) }), log);
  await api.start();
  const broker = new URL(infra.PINOT_BROKER_URLS[0] as string);
  proxy = new TcpProxy(PROXY_PORT, { host: broker.hostname, port: Number(broker.port) });
  await proxy.start();
  proxiedApi = createApiService(
    loadConfig(apiEnvSchema, { ...env, API_HTTP_PORT: String(PROXIED_API_PORT), PINOT_BROKER_URLS: proxy.url, PINOT_QUERY_TIMEOUT_MS: '2000' }),
    log,
  );
  await proxiedApi.start();
});

afterAll(async () => {
  await api?.stop();
  await proxiedApi?.stop();
  await proxy?.stop();
  await producer?.disconnect();
  await pinot?.close();
});

describe('pizzashop-api on the real stack', () => {
  it('overview counts exactly the orders of the current and the previous 5 minutes', async () => {
    const { status, body } = await get(`/orders/overview?window=5m&at=${at}`);
    expect(status).toBe(200);
    expect(body.currentTimePeriod).toEqual({ orders: 4, totalPrice: 240 + 100 + 370 + 80 });
    expect(body.previousTimePeriod).toEqual({ orders: 2, totalPrice: 500 + 100 });
    expect(body.totalOrders).toBeGreaterThanOrEqual(all.length);
    expect(body.freshnessMs).toEqual(expect.any(Number));
  });

  it('rounds `at` down to the minute: 59 s later in the same minute gives the same answer', async () => {
    const later = new Date(end + 59_000).toISOString();
    const [a, b] = await Promise.all([get(`/orders/overview?window=5m&at=${at}`), get(`/orders/overview?window=5m&at=${later}`)]);
    const periods = (r: typeof a) => ({ current: r.body.currentTimePeriod, previous: r.body.previousTimePeriod });
    expect(periods(b)).toEqual(periods(a));
    expect(periods(a).current).toEqual({ orders: 4, totalPrice: 790 });
  });

  it('popular over 1h counts each product\'s orders and each category\'s distinct orders exactly, from the per-minute rollup', async () => {
    const { status, body } = await get(`/orders/popular?window=1h&limit=50&at=${at}`);
    expect(status).toBe(200);
    const ours = (body.items as Array<{ product: string; orders: number; quantity: number }>).filter((i) => i.product.startsWith(`it-${run}-`));
    expect(Object.fromEntries(ours.map((i) => [i.product, { orders: i.orders, quantity: i.quantity }]))).toEqual({
      [P3.name]: { orders: 3, quantity: 6 },
      [P1.name]: { orders: 4, quantity: 5 },
      [P2.name]: { orders: 4, quantity: 5 },
    });
    const categories = (body.categories as Array<{ category: string; orders: number; quantity: number }>).filter((c) => c.category.startsWith(`it-${run}-`));
    expect(categories).toEqual([
      { category: P1.category, orders: 7, quantity: 10 },
      { category: P3.category, orders: 3, quantity: 6 },
    ]);
  });

  it('popular ranks products and categories by distinct orders, then quantity', async () => {
    const { status, body } = await get(`/orders/popular?window=5m&limit=10&at=${at}`);
    expect(status).toBe(200);
    expect(body.items).toEqual([
      { product: P3.name, image: P3.image, category: P3.category, orders: 3, quantity: 6 },
      { product: P1.name, image: P1.image, category: P1.category, orders: 2, quantity: 3 },
      { product: P2.name, image: P2.image, category: P2.category, orders: 1, quantity: 1 },
    ]);
    expect(body.categories).toEqual([
      { category: P3.category, orders: 3, quantity: 6 },
      { category: P1.category, orders: 3, quantity: 4 },
    ]);
  });

  it('ordersPerMinute gives every minute, zero-filled, with exact counts and revenue', async () => {
    const { status, body } = await get(`/orders/ordersPerMinute?minutes=10&at=${at}`);
    expect(status).toBe(200);
    const minute = (offset: number) => new Date(end - 30_000 + offset * MINUTE).toISOString().slice(0, 16).replace('T', ' ') + ':00';
    const expected = new Map([
      [-8, { orders: 1, revenue: 500 }],
      [-5, { orders: 1, revenue: 100 }],
      [-3, { orders: 1, revenue: 240 }],
      [-2, { orders: 1, revenue: 100 }],
      [0, { orders: 2, revenue: 370 + 80 }],
    ]);
    expect(body).toEqual(Array.from({ length: 10 }, (_, i) => ({ timestamp: minute(i - 9), ...(expected.get(i - 9) ?? { orders: 0, revenue: 0 }) })));
  });

  it('answers each windowed statement on tsMinute exactly like its ts form, and the rollup like the items table, on the same rows', async () => {
    const tables = pinotTables({ PINOT_ORDERS_TABLE: 'orders', PINOT_ORDER_ITEMS_TABLE: 'order_items_enriched', PINOT_ORDER_ITEMS_BY_MINUTE_TABLE: 'order_items_by_minute' });
    const onTs = ({ from, to }: SqlRange): SqlRange => ({ from, to });
    const ours = (rows: unknown[][]) => rows.filter((row) => String(row[0]).startsWith(`it-${run}-`)).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    for (const window of ['5m', '1h'] as const) {
      const { current, previous } = comparedPeriods(window, end);
      const buckets = minuteBuckets(10, end, 0).range;
      const statements = [current, previous].map((range) => ({ minute: periodQuery(tables, range), ts: periodQuery(tables, onTs(range)) }));
      statements.push({ minute: ordersPerMinuteQuery(tables, buckets, 10), ts: ordersPerMinuteQuery(tables, onTs(buckets), 10) });
      for (const { minute, ts } of statements) {
        expect(minute.text).toContain('tsMinute >=');
        expect((await pinot.query(minute)).rows, minute.text).toEqual((await pinot.query(ts)).rows);
      }
      const rollup = ours((await pinot.query(popularByMinuteQuery(tables, popularRanges(window, end, 0).minutes))).rows);
      const inRange = sql`ts >= ${current.from} AND ts < ${current.to}`;
      const items = ours(
        (await pinot.query(sql`SELECT productName, image, category, COUNT(*), SUM(quantity) FROM order_items_enriched WHERE ${inRange} GROUP BY productName, image, category LIMIT 1000`)).rows,
      );
      expect(rollup.map((row) => row.slice(0, 5)), `${window}: rollup vs items table per product`).toEqual(items);
      const categoryOrders = new Map<string, number>();
      for (const row of rollup) categoryOrders.set(String(row[2]), (categoryOrders.get(String(row[2])) ?? 0) + Number(row[5]));
      const distinct = ours((await pinot.query(sql`SELECT category, DISTINCTCOUNT(orderId) FROM order_items_enriched WHERE ${inRange} GROUP BY category LIMIT 1000`)).rows);
      expect(distinct.length).toBeGreaterThan(0);
      expect(Object.fromEntries(categoryOrders), `${window}: rollup's categoryOrders vs DISTINCTCOUNT(orderId)`).toEqual(Object.fromEntries(distinct.map(([c, n]) => [String(c), Number(n)])));
    }
  });

  it('reads a partial first minute from the items table: the rows of that minute from its start on', async () => {
    const tables = pinotTables({ PINOT_ORDERS_TABLE: 'orders', PINOT_ORDER_ITEMS_TABLE: 'order_items_enriched', PINOT_ORDER_ITEMS_BY_MINUTE_TABLE: 'order_items_by_minute' });
    const o1Minute = { minute: (end - 4 * MINUTE) / MINUTE, from: sql`${end - 4 * MINUTE}` };
    const items = (await pinot.query(popularPartialMinuteQuery(tables, o1Minute))).rows.filter((row) => String(row[0]).startsWith(`it-${run}-`));
    expect(items.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      [P3.name, P3.image, P3.category, 1, 1, 1],
      [P1.name, P1.image, P1.category, 1, 2, 1],
    ]);
    const afterO1 = (await pinot.query(popularPartialMinuteQuery(tables, { ...o1Minute, from: sql`${end - 4 * MINUTE + 1}` }))).rows;
    expect(afterO1.filter((row) => String(row[0]).startsWith(`it-${run}-`))).toEqual([]);
  });

  it('returns an order with its enriched items, 404 for an unknown id and 400 for a malformed one', async () => {
    const o3 = orders.o3 as SyntheticOrder;
    const { status, body } = await get(`/orders/${o3.order.id}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      id: o3.order.id,
      createdAt: o3.order.createdAt,
      userId: 3,
      status: 'PLACED_ORDER',
      price: 370,
      itemCount: 2,
      deliveryLat: 12.97,
      deliveryLon: 77.59,
      items: [
        { productId: P2.id, quantity: 1, price: 250, product: { name: P2.name, category: P2.category, image: P2.image, price: 250 } },
        { productId: P3.id, quantity: 3, price: 40, product: { name: P3.name, category: P3.category, image: P3.image, price: 40 } },
      ],
      // No delivery-service in this test: the order has no lifecycle rows yet.
      tracking: { status: null, since: null, history: [], courier: null, track: [], eta: null, shop: { lat: expect.any(Number), lon: expect.any(Number) } },
    });
    expect((await get(`/orders/${randomUUID()}`)).status).toBe(404);
    expect((await get(`/orders/${encodeURIComponent(`${o3.order.id}' OR '1'='1`)}`)).status).toBe(400);
  });

  it('streams a snapshot within 2 s of connecting', async () => {
    const started = Date.now();
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${API_PORT}/orders/stream`, { signal: controller.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: snapshot') && Date.now() - started < 2000) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    const elapsed = Date.now() - started;
    controller.abort();
    expect(text).toContain('event: snapshot');
    expect(elapsed).toBeLessThan(2000);
  });

  it('answers 503 while the broker is unreachable and recovers by itself when it is back', async () => {
    expect((await get('/orders/overview', PROXIED_API_PORT)).status).toBe(200);
    await proxy.stop();
    const down = await get('/orders/overview', PROXIED_API_PORT);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ error: 'pinot_unavailable' });
    expect((await fetch(`http://127.0.0.1:${PROXIED_API_PORT}/readyz`)).status).toBe(503);
    await proxy.start();
    expect((await get('/orders/overview', PROXIED_API_PORT)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${PROXIED_API_PORT}/readyz`)).status).toBe(200);
  });
});
