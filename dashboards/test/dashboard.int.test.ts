// End-to-end test of the dashboard on the real test stack, with the page in headless Chromium.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createKafkaClient, createLogger, infraEnvSchema, loadConfig, PinotClient, sql, sqlList } from '@pizzashop/common';
import axe from 'axe-core';
import type { Producer } from 'kafkajs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOrderProducer, eventually, ManagedService, produceOrders, type SyntheticOrder, TcpProxy, testPort } from '@pizzashop/testkit';
import { categoryLabel } from '../src/web/categories.js';
import { kpisOf } from '../src/web/kpis.js';
import type { OrdersPerMinute, Overview, Popular } from '../src/web/schemas.js';
import { CHROMIUM_ARGS, chromiumExecutable, ordersBetween, prng, randomOrder, screenshotDir } from '@pizzashop/testkit/browser';

/**
 * The dashboard end to end on the real test stack: orders produced to Kafka, ingested by Pinot,
 * read by a real pizzashop-api child process through the dashboard server's /api proxy, shown by
 * the page in headless Chromium. A second API reaches Pinot through a TCP proxy the test can cut,
 * for the "Pinot unavailable" banner.
 */
const log = createLogger('dashboard-e2e', process.env.LOG_LEVEL ?? 'warn');
const infra = loadConfig(infraEnvSchema, process.env, 'dashboard e2e');
const API_PORT = testPort('dashboard-it.api');
const DASHBOARD_PORT = testPort('dashboard-it.dashboard');
const CUT_API_PORT = testPort('dashboard-it.cut-api');
const CUT_DASHBOARD_PORT = testPort('dashboard-it.cut-dashboard');
const PINOT_PROXY_PORT = testPort('dashboard-it.pinot-proxy');
const MINUTE = 60_000;
const apiBase = `http://127.0.0.1:${API_PORT}`;
const dashboardUrl = `http://127.0.0.1:${DASHBOARD_PORT}`;
const screenshots = screenshotDir();

const seed = Date.now() % 100_000;
const random = prng(seed);
const now0 = Date.now();
/** The last hour (for the 1h window and the charts) and the hour before it (for the 1h deltas). */
const history: SyntheticOrder[] = [
  ...ordersBetween(random, now0 - 55 * MINUTE, now0 - 20_000, 360),
  ...ordersBetween(random, now0 - 115 * MINUTE, now0 - 65 * MINUTE, 300),
];

const apiEnv = { API_HTTP_HOST: '127.0.0.1', STREAM_INTERVAL_MS: '1000' };
const api = new ManagedService('pizzashop-api', 'pizzashop-api/src/main.ts', { ...apiEnv, API_HTTP_PORT: String(API_PORT) }, `${apiBase}/healthz`);
const dashboard = new ManagedService(
  'dashboard',
  'dashboards/src/server/main.ts',
  { DASHBOARD_HTTP_HOST: '127.0.0.1', DASHBOARD_HTTP_PORT: String(DASHBOARD_PORT), API_URL: apiBase },
  `${dashboardUrl}/healthz`,
);
const brokerUrl = new URL(infra.PINOT_BROKER_URLS[0]!);
const pinotProxy = new TcpProxy(PINOT_PROXY_PORT, { host: brokerUrl.hostname, port: Number(brokerUrl.port) });
const cutApi = new ManagedService(
  'pizzashop-api (Pinot via proxy)',
  'pizzashop-api/src/main.ts',
  { ...apiEnv, API_HTTP_PORT: String(CUT_API_PORT), PINOT_BROKER_URLS: pinotProxy.url, PINOT_QUERY_TIMEOUT_MS: '1500' },
  `http://127.0.0.1:${CUT_API_PORT}/healthz`,
);
const cutDashboard = new ManagedService(
  'dashboard (second)',
  'dashboards/src/server/main.ts',
  { DASHBOARD_HTTP_HOST: '127.0.0.1', DASHBOARD_HTTP_PORT: String(CUT_DASHBOARD_PORT), API_URL: `http://127.0.0.1:${CUT_API_PORT}` },
  `http://127.0.0.1:${CUT_DASHBOARD_PORT}/healthz`,
);

let producer: Producer;
let pinot: PinotClient;
let browser: Browser;
let page: Page;
let trickle: NodeJS.Timeout | undefined;
const pageErrors: string[] = [];
const topics = { orders: infra.ORDERS_TOPIC, enrichedOrderItems: infra.ENRICHED_ORDER_ITEMS_TOPIC };

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${apiBase}${path}`);
  if (!res.ok) throw new Error(`GET ${path} -> ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function waitForPinot(orders: SyntheticOrder[]): Promise<void> {
  const ids = sqlList(orders.map((o) => o.order.id));
  const items = orders.reduce((n, o) => n + o.enrichedItems.length, 0);
  await eventually(
    'seeded orders in Pinot',
    async () => {
      const [o, i] = await Promise.all([
        pinot.query(sql`SELECT COUNT(*) FROM orders WHERE id IN ${ids}`),
        pinot.query(sql`SELECT COUNT(*) FROM order_items_enriched WHERE orderId IN ${ids}`),
      ]);
      const seen = [Number(o.rows[0]?.[0]), Number(i.rows[0]?.[0])];
      return seen[0] === orders.length && seen[1] === items ? true : `orders ${seen[0]}/${orders.length}, items ${seen[1]}/${items}`;
    },
    120_000,
  );
}

/** The KPI cards as the page shows them: value text, raw value, change text. */
function readKpis(p: Page) {
  return p.$$eval('[data-kpi]', (cards) =>
    cards.map((card) => ({
      key: card.getAttribute('data-kpi'),
      text: card.querySelector('.kpi-value')?.textContent ?? '',
      value: card.querySelector('.kpi-value')?.getAttribute('data-value') ?? '',
      delta: card.querySelector('.delta-text')?.textContent ?? '',
    })),
  );
}

/** axe-core's WCAG 2.1 A/AA and best-practice rules on the page as it is now: the violations, summarised. */
async function axeViolations(p: Page): Promise<string[]> {
  await p.evaluate(axe.source);
  const result = await p.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
  );
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const rowNames = (p: Page, table: string) => p.$$eval(`#${table} tbody tr th`, (cells) => cells.map((c) => c.textContent ?? ''));

beforeAll(async () => {
  const executablePath = chromiumExecutable();
  const kafka = createKafkaClient({ brokers: infra.KAFKA_BROKERS, clientId: 'dashboard-e2e', log });
  producer = await connectOrderProducer(kafka, topics, log);
  await produceOrders(producer, topics, history);
  pinot = new PinotClient({ brokerUrls: infra.PINOT_BROKER_URLS, timeoutMs: 5000 });
  await waitForPinot(history);
  trickle = setInterval(() => void produceOrders(producer, topics, [randomOrder(random, Date.now(), 7)]).catch(() => undefined), 3000);

  await pinotProxy.start();
  await Promise.all([api.start(), dashboard.start(), cutApi.start(), cutDashboard.start()]);
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
  });
}, 25 * 60_000);

afterAll(async () => {
  if (trickle) clearInterval(trickle);
  await browser?.close();
  await Promise.all([api.stop(), dashboard.stop(), cutApi.stop(), cutDashboard.stop()]);
  await pinotProxy.stop();
  await producer?.disconnect();
  await pinot?.close();
});

describe('operator dashboard in Chromium on the real stack', () => {
  it('selects the 1h window and shows the API\'s KPI numbers at the same moment', async () => {
    await page.goto(dashboardUrl);
    await page.locator('#link-status[data-status="live"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#window-1m').isChecked(), 'default window').toBe(true);
    await page.locator('label[for="window-1h"]').click();
    expect(new URL(page.url()).searchParams.get('window')).toBe('1h');
    await page.locator('#kpi-window', { hasText: 'last hour' }).waitFor({ timeout: 15_000 });

    let compared = '';
    await eventually('KPI cards equal GET /orders/overview?window=1h', async () => {
      const before = await readKpis(page);
      const overview = await getJson<Overview>('/orders/overview?window=1h');
      const after = await readKpis(page);
      const expected = kpisOf(overview).map((k) => ({ key: k.key, text: k.text, value: k.value === null ? '' : String(k.value), delta: k.delta.text }));
      compared = JSON.stringify({ page: after, api: expected });
      return JSON.stringify(before) === JSON.stringify(expected) && JSON.stringify(after) === JSON.stringify(expected) ? true : compared;
    });
    const kpis = JSON.parse(compared) as { page: { key: string; text: string; value: string }[] };
    expect(Number(kpis.page[0]!.value), 'orders in the last hour (at least the 360 seeded)').toBeGreaterThanOrEqual(360);
    expect(kpis.page[1]!.text).toMatch(/^₹[\d,]+$/);
    expect(kpis.page[2]!.text).toMatch(/^₹[\d,]+\.\d\d$/);
    console.error(`[dashboard e2e] KPI cards = API: ${kpis.page.map((k) => `${k.key} ${k.text}`).join(', ')}`);

    const freshness = await page.locator('#freshness-value').innerText();
    expect(freshness).toMatch(/^[\d.]+ s ago$|^\d+ min \d+ s ago$/);
  });

  it('draws orders and revenue per minute over the last hour with uPlot', async () => {
    for (const [id, colour] of [
      ['orders-chart', 'orange'],
      ['revenue-chart', 'blue'],
    ] as const) {
      await page.locator(`#${id} canvas`).first().waitFor({ timeout: 10_000 });
      const drawn = await page.$eval(
        `#${id}`,
        (host, wanted) => {
          const canvas = host.querySelector<HTMLCanvasElement>('.uplot canvas')!;
          const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let series = 0;
          for (let i = 0; i < pixels.length; i += 4) {
            const [r, g, b, a] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!, pixels[i + 3]!];
            if (a > 100 && (wanted === 'orange' ? r > 150 && g < 130 && b < 60 : b > 150 && r < 90)) series += 1;
          }
          return { points: Number(host.dataset.points), total: Number(host.dataset.total), series, width: canvas.width };
        },
        colour,
      );
      expect(drawn.points, `${id}: one point per minute`).toBe(60);
      expect(drawn.total, `${id}: series sum`).toBeGreaterThan(0);
      expect(drawn.series, `${id}: pixels in the series colour`).toBeGreaterThan(200);
      console.error(`[dashboard e2e] ${id}: ${drawn.points} points, total ${drawn.total}, ${drawn.series} series pixels on a ${drawn.width}px canvas`);
    }
    await eventually('orders chart total equals GET /orders/ordersPerMinute', async () => {
      const shown = Number(await page.getAttribute('#orders-chart', 'data-total'));
      const rows = await getJson<OrdersPerMinute>('/orders/ordersPerMinute?minutes=60');
      const api = rows.reduce((n, r) => n + r.orders, 0);
      return shown === api ? true : `page ${shown}, API ${api}`;
    });
  });

  it('lists the top 5 items and categories, with local pictures standing in for missing images', async () => {
    await eventually('top tables equal GET /orders/popular?window=1h', async () => {
      const [items, categories] = [await rowNames(page, 'top-items'), await rowNames(page, 'top-categories')];
      const popular = await getJson<Popular>('/orders/popular?window=1h&limit=5');
      const expected = [popular.items.map((i) => i.product), popular.categories.map((c) => categoryLabel(c.category))];
      return JSON.stringify([items, categories]) === JSON.stringify(expected) ? true : JSON.stringify({ page: [items, categories], api: expected });
    });
    expect(await page.locator('#top-items tbody tr').count()).toBe(5);
    expect(await page.locator('#top-categories tbody tr').count()).toBe(5);
    await eventually('every picture shows (placeholders after the 404s)', async () => {
      const pics = await page.$$eval('#top-items img, #top-categories img', (imgs) =>
        imgs.map((img) => ({ ok: (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0, src: (img as HTMLImageElement).src.slice(0, 26) })),
      );
      return pics.length === 10 && pics.every((p) => p.ok && p.src.startsWith('data:image/svg+xml')) ? true : JSON.stringify(pics);
    });
    const cells = await page.$$eval('#top-items tbody tr:first-child td.num', (tds) => tds.map((td) => td.textContent ?? ''));
    expect(cells).toHaveLength(3);
    expect(cells[2]).toMatch(/^\d+\.\d\d$/);
  });

  it('looks right and passes axe-core\'s WCAG 2.1 AA rules at 1280 px and at 390 px (screenshots saved)', async () => {
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, 'dashboard-desktop.png') });
    expect(await axeViolations(page), 'desktop').toEqual([]);
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      await phone.goto(`${dashboardUrl}/?window=1h`);
      await phone.locator('#link-status[data-status="live"]').waitFor({ timeout: 30_000 });
      await phone.locator('#top-items tbody tr').nth(4).waitFor({ timeout: 15_000 });
      await phone.locator('#orders-chart canvas').first().waitFor({ timeout: 15_000 });
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, 'no sideways scrolling on a phone').toBeLessThanOrEqual(0);
      await phone.screenshot({ path: join(screenshots, 'dashboard-phone.png') });
      console.error(`[dashboard e2e] screenshots in ${screenshots}${process.env.UPDATE_SCREENSHOTS === '1' ? '' : ' (UPDATE_SCREENSHOTS=1 refreshes docs/)'}`);
      expect(await axeViolations(phone), 'phone').toEqual([]);
    } finally {
      await phone.close();
    }
  });

  it('shows a banner and marks the data stale when the API stops, and recovers without a reload', async () => {
    await page.evaluate(() => ((window as unknown as { e2eMarker: number }).e2eMarker = 42));
    const kpisBefore = await readKpis(page);
    const stoppedAt = Date.now();
    await api.stop();
    await page.locator('#banner[data-kind="api-unreachable"]').waitFor({ timeout: 20_000 });
    const shownAfter = Date.now() - stoppedAt;
    expect(await page.locator('#banner-title').innerText()).toMatch(/^pizzashop-api unreachable/);
    expect(await page.locator('#banner-detail').innerText()).toContain(`http://127.0.0.1:${API_PORT}`);
    expect(await page.locator('#stale-marker').isVisible()).toBe(true);
    expect(await page.locator('#stale-marker').innerText()).toMatch(/^Stale: these figures are from/);
    expect(await page.getAttribute('#link-status', 'data-status')).toBe('disconnected');
    expect(await page.getAttribute('#main', 'data-stale')).toBe('true');
    const kpisDuring = await readKpis(page);
    expect(kpisDuring.map((k) => k.text), 'the last data stays on screen').toEqual(kpisBefore.map((k) => k.text));

    const restartedAt = Date.now();
    await api.start();
    await page.locator('#banner').waitFor({ state: 'hidden', timeout: 30_000 });
    await page.locator('#link-status[data-status="live"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('#stale-marker').isVisible()).toBe(false);
    expect(await page.getAttribute('#main', 'data-stale')).toBe('false');
    expect(await page.evaluate(() => (window as unknown as { e2eMarker?: number }).e2eMarker), 'same page, not reloaded').toBe(42);
    await page.locator('#transport', { hasText: 'Streaming.' }).waitFor({ timeout: 15_000 });
    console.error(`[dashboard e2e] banner ${shownAfter} ms after the API stopped; cleared ${Date.now() - restartedAt} ms after its restart began`);
  });

  it('says "Pinot unavailable" when the API answers 503, keeps the data, and recovers', async () => {
    const second = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    second.on('pageerror', (err) => pageErrors.push(err.message));
    try {
      await second.goto(`http://127.0.0.1:${CUT_DASHBOARD_PORT}/?window=5m`);
      await second.locator('#link-status[data-status="live"]').waitFor({ timeout: 30_000 });
      await pinotProxy.stop();
      await second.locator('#banner[data-kind="pinot-unavailable"]').waitFor({ timeout: 20_000 });
      expect(await second.locator('#banner-title').innerText()).toMatch(/^Pinot unavailable .*: the API answers 503$/);
      expect(await second.getAttribute('#link-status', 'data-status')).toBe('stale');
      expect(await second.locator('#stale-marker').isVisible()).toBe(true);
      expect(await second.locator('[data-kpi="orders"] .kpi-value').innerText()).not.toBe('—');
      await pinotProxy.start();
      await second.locator('#banner').waitFor({ state: 'hidden', timeout: 30_000 });
      await second.locator('#link-status[data-status="live"]').waitFor({ timeout: 15_000 });
    } finally {
      await second.close();
    }
  });

  it('raised no script errors and no content-security-policy violations', () => {
    expect(pageErrors).toEqual([]);
  });
});
