// The end-to-end acceptance test on the test stack: simulator, enricher, Pinot, pizzashop-api and the
// dashboard together for 60 s.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafkaClient, createLogger, enrichedOrderItemSchema, infraEnvSchema, loadConfig, orderSchema, PinotClient, sql, type Order } from '@pizzashop/common';
import type { Admin, Kafka } from 'kafkajs';
import mysql from 'mysql2/promise';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, ManagedService, mysqlAdmin, readTopic, testPort } from '@pizzashop/testkit';
import { CHROMIUM_ARGS, chromiumExecutable } from '@pizzashop/testkit/browser';
import { addTo, endOffsets, offsetsBetween, pinotQuantitiesByProduct, readRange, sorted } from './acceptance-support.js';

/**
 * Issue 7 item 3, end to end on the real test stack: the orders-service simulator produces for
 * 60 s, a real enricher enriches, Pinot ingests, pizzashop-api answers, the dashboard shows it.
 * Other test files share the stack, so everything is measured as deltas and for this run's order ids.
 */
const log = createLogger('acceptance', process.env.LOG_LEVEL ?? 'warn');
const infra = loadConfig(infraEnvSchema, process.env, 'acceptance test');
const ORDERS_PORT = testPort('acceptance-it.orders');
const ENRICHER_PORT = testPort('acceptance-it.enricher');
const API_PORT = testPort('acceptance-it.api');
const DASHBOARD_PORT = testPort('acceptance-it.dashboard');
const SIMULATION_MS = 60_000;
const apiBase = `http://127.0.0.1:${API_PORT}`;
const ordersBase = `http://127.0.0.1:${ORDERS_PORT}`;
const dashboardUrl = `http://127.0.0.1:${DASHBOARD_PORT}`;
const runId = randomUUID().slice(0, 8);
const enricherGroup = `enricher-acceptance-${runId}`;

const ordersEnv = { ORDERS_HTTP_PORT: String(ORDERS_PORT), ORDERS_HTTP_HOST: '127.0.0.1' };
const simulator = new ManagedService(
  'orders-service (simulator)',
  'orders-service/src/main.ts',
  { ...ordersEnv, SIMULATOR_ENABLED: 'true', SIMULATOR_PROFILE: 'flat', SIMULATOR_RATE: '20', SIMULATOR_BATCH_SIZE: '20' },
  `${ordersBase}/readyz`,
);
const ordersHttp = new ManagedService('orders-service (HTTP only)', 'orders-service/src/main.ts', { ...ordersEnv, SIMULATOR_ENABLED: 'false' }, `${ordersBase}/readyz`);
const enricher = new ManagedService(
  'enricher',
  'enricher/src/main.ts',
  { ENRICHER_HTTP_PORT: String(ENRICHER_PORT), ENRICHER_HTTP_HOST: '127.0.0.1', ENRICHER_GROUP_ID: enricherGroup, ENRICHER_INSTANCE_ID: `acceptance-${runId}` },
  `http://127.0.0.1:${ENRICHER_PORT}/readyz`,
);
const api = new ManagedService('pizzashop-api', 'pizzashop-api/src/main.ts', { API_HTTP_PORT: String(API_PORT), API_HTTP_HOST: '127.0.0.1', QUERY_CACHE_TTL_MS: '0' }, `${apiBase}/readyz`);
const dashboard = new ManagedService(
  'dashboard',
  'dashboards/src/server/main.ts',
  { DASHBOARD_HTTP_PORT: String(DASHBOARD_PORT), DASHBOARD_HTTP_HOST: '127.0.0.1', API_URL: apiBase },
  `${dashboardUrl}/healthz`,
);
const services = [simulator, ordersHttp, enricher, api, dashboard];

interface OverviewReply {
  totalOrders: number;
  currentTimePeriod: { orders: number };
}
interface PopularReply {
  items: { product: string; quantity: number }[];
}
interface OrderDetailReply {
  items: { productId: string; price: number; product: { price: number } | null }[];
}

let kafka: Kafka;
let admin: Admin;
let pinot: PinotClient;
let db: mysql.Connection;
let browser: Browser | undefined;
let restorePrice: (() => Promise<unknown>) | undefined;

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${apiBase}${path}`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${path} -> ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const totalOrders = async () => (await getJson<OverviewReply>('/orders/overview')).totalOrders;

/** totalOrders once three reads 2 s apart agree (earlier tests' orders may still be ingesting). */
async function stableTotalOrders(): Promise<number> {
  let previous = await totalOrders();
  let agreeing = 0;
  const deadline = Date.now() + 60_000;
  while (agreeing < 2 && Date.now() < deadline) {
    await sleep(2000);
    const now = await totalOrders();
    agreeing = now === previous ? agreeing + 1 : 0;
    previous = now;
  }
  return previous;
}

beforeAll(async () => {
  kafka = createKafkaClient({ brokers: infra.KAFKA_BROKERS, clientId: `acceptance-${runId}`, log });
  admin = kafka.admin();
  await admin.connect();
  pinot = new PinotClient({ brokerUrls: infra.PINOT_BROKER_URLS, timeoutMs: 10_000 });
  db = await mysql.createConnection(mysqlAdmin(infra));
  await api.start();
}, 180_000);

afterAll(async () => {
  await restorePrice?.();
  await browser?.close();
  for (const service of services) await service.stop();
  await admin?.deleteGroups([enricherGroup]).catch(() => undefined);
  await admin?.disconnect();
  await db?.end();
  await pinot?.close();
});

describe('acceptance: simulator → enricher → Pinot → API → dashboard (issue 7)', () => {
  it('counts every produced order once and enriches every item once', async () => {
    const before = await stableTotalOrders();
    const ordersFrom = await endOffsets(admin, infra.ORDERS_TOPIC);
    const enrichedFrom = await endOffsets(admin, infra.ENRICHED_ORDER_ITEMS_TOPIC);
    // A private group that starts where `orders` ends now: this enricher sees only this run's orders.
    await admin.setOffsets({ groupId: enricherGroup, topic: infra.ORDERS_TOPIC, partitions: [...ordersFrom].map(([partition, offset]) => ({ partition, offset: String(offset) })) });
    await enricher.start(120_000);

    await simulator.start(120_000);
    await sleep(SIMULATION_MS);
    await simulator.stop();
    const ordersTo = await endOffsets(admin, infra.ORDERS_TOPIC);
    const produced = offsetsBetween(ordersFrom, ordersTo);

    const orders: Order[] = (await readRange(kafka, admin, infra.ORDERS_TOPIC, ordersFrom, ordersTo)).map((v) => orderSchema.parse(JSON.parse(v)));
    expect(orders.length, 'orders read back from the orders topic').toBe(produced);
    expect(produced, 'about 20 orders/s for 60 s').toBeGreaterThan(600);
    const ids = orders.map((o) => o.id);
    const idSet = new Set(ids);
    expect(idSet.size, 'distinct order ids').toBe(produced);
    const producedQuantities = new Map<string, number>();
    for (const order of orders) for (const item of order.items) addTo(producedQuantities, item.productId, item.quantity);

    let delta = -1;
    let pinotQuantities = new Map<string, number>();
    const t0 = Date.now();
    await eventually(
      'Pinot holds exactly the produced orders and their enriched items',
      async () => {
        delta = (await totalOrders()) - before;
        pinotQuantities = await pinotQuantitiesByProduct(pinot, ids);
        const same = JSON.stringify(sorted(pinotQuantities)) === JSON.stringify(sorted(producedQuantities));
        return delta === produced && same ? true : `totalOrders delta ${delta}/${produced}, enriched quantities equal: ${same}`;
      },
      90_000,
      1000,
    );
    const settleMs = Date.now() - t0;
    // Settled: stays exact (no late duplicates) a few seconds later.
    await sleep(3000);
    expect((await totalOrders()) - before, 'totalOrders delta after settling').toBe(produced);
    expect(sorted(await pinotQuantitiesByProduct(pinot, ids)), 'order_items_enriched quantities per product').toEqual(sorted(producedQuantities));

    const enrichedTo = await endOffsets(admin, infra.ENRICHED_ORDER_ITEMS_TOPIC);
    const enrichedQuantities = new Map<string, number>();
    let enrichedItems = 0;
    for (const value of await readRange(kafka, admin, infra.ENRICHED_ORDER_ITEMS_TOPIC, enrichedFrom, enrichedTo)) {
      const item = enrichedOrderItemSchema.parse(JSON.parse(value));
      if (!idSet.has(item.orderId)) continue;
      enrichedItems++;
      addTo(enrichedQuantities, item.orderItem.productId, item.orderItem.quantity);
    }
    expect(sorted(enrichedQuantities), 'enriched-order-items quantities per product (read_committed)').toEqual(sorted(producedQuantities));
    expect(enrichedItems, 'one enriched item per order item').toBe(orders.reduce((n, o) => n + o.items.length, 0));

    const [rows] = await db.query<mysql.RowDataPacket[]>('SELECT id, name FROM products');
    const nameOf = new Map(rows.map((r) => [String(r.id), String(r.name)]));
    const popular = await getJson<PopularReply>('/orders/popular?window=5m&limit=50');
    const popularByName = new Map(popular.items.map((i) => [i.product, i.quantity]));
    let compared = 0;
    for (const [productId, quantity] of producedQuantities) {
      const shown = popularByName.get(nameOf.get(productId) ?? `product ${productId}`);
      if (shown === undefined) continue;
      compared++;
      expect(shown, `popular quantity of ${nameOf.get(productId)} covers this run's ${quantity}`).toBeGreaterThanOrEqual(quantity);
    }
    expect(compared, 'products of this run found in the 5m popular list').toBeGreaterThanOrEqual(Math.min(popular.items.length, producedQuantities.size, 40));
    const units = [...producedQuantities.values()].reduce((a, b) => a + b, 0);
    console.error(
      `[acceptance] produced ${produced} orders (${units} units, ${enrichedItems} items, ${producedQuantities.size} products) in ${SIMULATION_MS / 1000} s; ` +
        `totalOrders ${before} -> ${before + delta}; Pinot settled ${settleMs} ms after the simulator stopped; ${compared} products checked against /orders/popular`,
    );
  }, 300_000);

  it('a price change in MariaDB reaches the next order\'s enriched item and the API', async () => {
    const productId = '1';
    const [rows] = await db.query<mysql.RowDataPacket[]>('SELECT price FROM products WHERE id = ?', [productId]);
    const oldPrice = Number(rows[0]!.price);
    const newPrice = oldPrice + 11;
    restorePrice = () => db.query('UPDATE products SET price = ? WHERE id = ?', [oldPrice, productId]);
    await db.query('UPDATE products SET price = ? WHERE id = ?', [newPrice, productId]);
    const changedAt = Date.now();
    await readTopic(
      kafka,
      infra.PRODUCTS_CDC_TOPIC,
      (records) =>
        records.some((r) => {
          const after = (r.value ? (JSON.parse(r.value) as { after?: { id?: unknown; price?: unknown } | null }).after : null) ?? null;
          return after !== null && String(after.id) === productId && Number(after.price) === newPrice;
        }),
      { timeoutMs: 30_000 },
    );
    const cdcMs = Date.now() - changedAt;
    // The enricher follows the same CDC topic; give it a moment past the record's arrival.
    await sleep(2000);

    await ordersHttp.start(120_000);
    const res = await fetch(`${ordersBase}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 7, items: [{ productId, quantity: 2, price: newPrice }], deliveryLat: 12.97, deliveryLon: 77.59 }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const postedAt = Date.now();

    let detail: OrderDetailReply | undefined;
    await eventually(
      `GET /orders/${id} shows the new price ${newPrice}`,
      async () => {
        const r = await fetch(`${apiBase}/orders/${id}`);
        if (r.status !== 200) return `status ${r.status}`;
        detail = (await r.json()) as OrderDetailReply;
        return detail.items[0]?.product?.price === newPrice ? true : JSON.stringify(detail.items);
      },
      30_000,
      500,
    );
    expect(detail!.items).toEqual([expect.objectContaining({ productId, price: newPrice, product: expect.objectContaining({ price: newPrice }) })]);
    const enriched = await pinot.query(sql`SELECT productId, productPrice, quantity FROM order_items_enriched WHERE orderId = ${id}`);
    expect(enriched.rows.map(([p, price, q]) => [String(p), Number(price), Number(q)])).toEqual([[productId, newPrice, 2]]);
    console.error(`[acceptance] price ${oldPrice} -> ${newPrice}: change record on the CDC topic after ${cdcMs} ms, order ${id} shown with it ${Date.now() - postedAt} ms after POST`);

    await ordersHttp.stop();
    await restorePrice();
    restorePrice = undefined;
  }, 180_000);

  it('the dashboard\'s orders KPI equals GET /orders/overview at the same moment', async () => {
    await dashboard.start();
    browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${dashboardUrl}/?window=1h`);
    await page.locator('#link-status[data-status="live"]').waitFor({ timeout: 30_000 });
    await page.locator('#kpi-window', { hasText: 'last hour' }).waitFor({ timeout: 15_000 });
    const pageOrders = async () => Number(await page.locator('[data-kpi="orders"] .kpi-value').getAttribute('data-value'));

    let seen = '';
    await eventually(
      'orders KPI = /orders/overview?window=1h',
      async () => {
        const shownBefore = await pageOrders();
        const api = (await getJson<OverviewReply>('/orders/overview?window=1h')).currentTimePeriod.orders;
        const shownAfter = await pageOrders();
        seen = `page ${shownBefore}/${shownAfter}, API ${api}`;
        return shownBefore === api && shownAfter === api ? true : seen;
      },
      30_000,
      500,
    );
    expect(Number(seen.split(' ')[1]!.split('/')[0]), 'orders in the last hour include this run\'s').toBeGreaterThan(600);
    console.error(`[acceptance] dashboard orders KPI (1h): ${seen}`);
  }, 120_000);
});
