// The order lifecycle end to end on the real stack: an order POSTed to orders-service is walked
// through every status by delivery-service (sped up), Pinot's upsert tables hold its history, and
// the customer's tracking page in Chromium follows it live while the courier moves.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createKafkaClient, createLogger, ensureTopics, infraEnvSchema, loadConfig, ORDER_STATUSES } from '@pizzashop/common';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, ManagedService, testPort } from '@pizzashop/testkit';
import { CHROMIUM_ARGS, chromiumExecutable, screenshotDir } from '@pizzashop/testkit/browser';

const log = createLogger('lifecycle-int', process.env.LOG_LEVEL ?? 'warn');
const infra = loadConfig(infraEnvSchema, process.env, 'lifecycle integration test');
const run = randomUUID().slice(0, 8);
const stateTopic = `delivery-service-state-test-${run}`;
const ports = { orders: testPort('tracking-it.orders'), delivery: testPort('tracking-it.delivery'), api: testPort('tracking-it.api'), dashboard: testPort('tracking-it.dashboard') };
const apiBase = `http://127.0.0.1:${ports.api}`;
const dashboardUrl = `http://127.0.0.1:${ports.dashboard}`;

const orders = new ManagedService(
  'orders-service',
  'orders-service/src/main.ts',
  { ORDERS_HTTP_PORT: String(ports.orders), ORDERS_HTTP_HOST: '127.0.0.1', SIMULATOR_ENABLED: 'false' },
  `http://127.0.0.1:${ports.orders}/readyz`,
);
// Kitchen steps of 2-3 s and a courier at 2,000 km/h (5 x 400): the whole lifecycle in about 25 s.
// Its own group, transactional id and state topic, so it never shares state with another instance.
const delivery = new ManagedService(
  'delivery-service',
  'delivery-service/src/main.ts',
  {
    DELIVERY_HTTP_PORT: String(ports.delivery),
    DELIVERY_HTTP_HOST: '127.0.0.1',
    DELIVERY_GROUP_ID: `delivery-test-${run}`,
    DELIVERY_TRANSACTIONAL_ID: `delivery-test-${run}`,
    DELIVERY_STATE_TOPIC: stateTopic,
    DELIVERY_SPEEDUP: '5',
    DELIVERY_STEP_MIN_MS: '10000',
    DELIVERY_STEP_MAX_MS: '15000',
    DELIVERY_COURIER_KMH: '400',
  },
  `http://127.0.0.1:${ports.delivery}/readyz`,
);
const api = new ManagedService('pizzashop-api', 'pizzashop-api/src/main.ts', { API_HTTP_PORT: String(ports.api), API_HTTP_HOST: '127.0.0.1', STREAM_INTERVAL_MS: '500' }, `${apiBase}/healthz`);
const dashboard = new ManagedService(
  'dashboard',
  'dashboards/src/server/main.ts',
  { DASHBOARD_HTTP_HOST: '127.0.0.1', DASHBOARD_HTTP_PORT: String(ports.dashboard), API_URL: apiBase },
  `${dashboardUrl}/healthz`,
);

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function axeViolations(p: Page): Promise<string[]> {
  await p.evaluate(axe.source);
  const result = await p.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
  );
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

beforeAll(async () => {
  const executablePath = chromiumExecutable();
  const kafka = createKafkaClient({ brokers: infra.KAFKA_BROKERS, clientId: 'lifecycle-int', log });
  await ensureTopics(kafka, [{ topic: stateTopic, numPartitions: 3, configs: { 'cleanup.policy': 'compact' } }], log);
  await Promise.all([orders.start(), delivery.start(), api.start(), dashboard.start()]);
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
}, 10 * 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([orders.stop(), delivery.stop(), api.stop(), dashboard.stop()]);
  const admin = createKafkaClient({ brokers: infra.KAFKA_BROKERS, clientId: 'lifecycle-int', log }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [stateTopic] }).catch(() => undefined);
  await admin.deleteGroups([`delivery-test-${run}`]).catch(() => undefined);
  await admin.disconnect();
});

describe('order lifecycle on the real stack', () => {
  it('walks a POSTed order through every status while its tracking page follows it live', async () => {
    const res = await fetch(`http://127.0.0.1:${ports.orders}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 1, items: [{ productId: '1', quantity: 1 }], deliveryLat: 12.93, deliveryLon: 77.67 }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };

    await page.goto(`${dashboardUrl}/track/${id}`);
    const seenStatuses: string[] = [];
    const courierPositions = new Set<string>();
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      const state = await page.evaluate(() => ({
        status: document.getElementById('current-status')?.getAttribute('data-status') ?? '',
        courier: `${document.getElementById('courier')?.getAttribute('data-lat')},${document.getElementById('courier')?.getAttribute('data-lon')}`,
      }));
      if (state.status && seenStatuses.at(-1) !== state.status) seenStatuses.push(state.status);
      if (state.courier !== ',' && state.courier !== 'null,null') courierPositions.add(state.courier);
      if (state.status === 'DELIVERED') break;
      await page.waitForTimeout(250);
    }
    console.error(`[lifecycle] page showed ${seenStatuses.join(' -> ')}; ${courierPositions.size} courier positions`);
    expect(seenStatuses.at(-1), 'the page reached DELIVERED').toBe('DELIVERED');
    // Statuses appear in lifecycle order (a poll may fall between two quick changes, never backwards).
    const indexes = seenStatuses.map((s) => ORDER_STATUSES.indexOf(s as (typeof ORDER_STATUSES)[number]));
    expect(indexes.every((i, k) => i >= 0 && (k === 0 || i > indexes[k - 1]!))).toBe(true);
    expect(seenStatuses.length, 'most statuses seen as they happened').toBeGreaterThanOrEqual(4);
    expect(courierPositions.size, 'the courier moved on the map').toBeGreaterThanOrEqual(3);
    const timeline = await page.$$eval('#timeline li', (items) => items.map((li) => [li.getAttribute('data-status'), li.getAttribute('data-state'), li.querySelector('time')?.getAttribute('datetime') ?? null]));
    expect(timeline.map(([s]) => s)).toEqual([...ORDER_STATUSES]);
    expect(timeline.every(([, state, at]) => state === 'done' && at !== null)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    const shots = screenshotDir();
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'tracking-int-phone.png'), fullPage: true });

    // The API's history (Pinot skipUpsert) has every status once, in order, with increasing times.
    await eventually('history of every status in GET /orders/{id}', async () => {
      const detail = (await (await fetch(`${apiBase}/orders/${id}`)).json()) as { tracking: { status: string; history: { status: string; at: string }[]; eta: string | null } };
      const history = detail.tracking.history;
      const ok =
        JSON.stringify(history.map((h) => h.status)) === JSON.stringify(ORDER_STATUSES) &&
        history.every((h, i) => i === 0 || Date.parse(h.at) >= Date.parse(history[i - 1]!.at)) &&
        detail.tracking.status === 'DELIVERED' &&
        detail.tracking.eta !== null;
      return ok || JSON.stringify(detail.tracking);
    });
    expect(pageErrors).toEqual([]);
  });

  it('answers a malformed and an unknown order id with a clear page', async () => {
    await page.goto(`${dashboardUrl}/track/not-an-order`);
    await page.locator('#problem-title', { hasText: 'That is not an order number' }).waitFor({ timeout: 10_000 });
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${dashboardUrl}/track/${randomUUID()}`);
    await page.locator('#problem-title', { hasText: 'We cannot find this order' }).waitFor({ timeout: 15_000 });
  });

  it('serves the kitchen percentiles, stuck orders and couriers near a point (H3-indexed filter)', async () => {
    const times = (await (await fetch(`${apiBase}/orders/statuses?window=15m`)).json()) as { statuses: { status: string; orders: number; p50Ms: number | null }[] };
    expect(times.statuses.map((s) => s.status)).toEqual(ORDER_STATUSES.slice(0, -1));
    const cooked = times.statuses.find((s) => s.status === 'BEING_COOKED')!;
    expect(cooked.orders).toBeGreaterThanOrEqual(1);
    expect(cooked.p50Ms).toBeGreaterThan(0);
    const stuck = await fetch(`${apiBase}/orders/stuck?status=BEING_COOKED&minutes=60`);
    expect(stuck.status).toBe(200);
    const active = (await (await fetch(`${apiBase}/deliveries/active?lat=12.95&lon=77.65&km=20`)).json()) as { stats: { numEntriesScannedInFilter: number; totalDocs: number } };
    console.error(`[lifecycle] /deliveries/active stats: ${JSON.stringify(active.stats)}`);
    expect(active.stats.totalDocs).toBeGreaterThan(0);
  });
});
