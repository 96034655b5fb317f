// `npx tsx scripts/alert-screenshot.ts`: makes docs/dashboard-alert.png, the dashboard with the daily
// curve and an open alert. On a running stack (STACK_PROFILE / STACK_PORT_OFFSET select it) it takes
// private topics and Pinot tables (dropped at the end, so the stack's own tables get no row), writes
// the last hour of orders as 24 hours of the daily curve played 24x (one simulated hour per 2.5
// minutes: dinner peak, night, lunch peak), starts the simulator where that hour ends (same curve and
// speed), pizzashop-api, the alerts service (5 s windows) and the dashboard on them, stops the
// simulator after a while, waits for the orders drop alert and screenshots the page with headless
// Chromium. Every process it starts is stopped by its pid.
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { createKafkaClient, createLogger, infraEnvSchema, loadConfig } from '@pizzashop/common';
import { loadStackConfig, repoRoot, serviceEnv } from '@pizzashop/local-stack';
import { DEFAULT_DAILY_CURVE, TrafficModel } from '@pizzashop/orders-service';
import { connectOrderProducer, produceOrders, startService, waitFor, waitForHttpOk, type ServiceProcess } from '@pizzashop/testkit';
import { createPrivatePipeline, type PrivatePipeline } from '@pizzashop/testkit/bench';
import { CHROMIUM_ARGS, chromiumExecutable, ordersBetween, prng } from '@pizzashop/testkit/browser';

const log = createLogger('alert-screenshot', 'info');
const stackCfg = loadStackConfig();
const stack = { ...serviceEnv(stackCfg), LOG_LEVEL: 'warn' };
const cfg = loadConfig(infraEnvSchema, stack, 'alert-screenshot');
const port = (base: number) => base + stackCfg.STACK_PORT_OFFSET;
/** Longer than the alerts service's trailing baseline (20 windows of 5 s), so it holds only the simulator's orders when it stops. */
const PLAY_MS = Number(process.env.SCREENSHOT_PLAY_MS ?? 120_000);
const RATE = 10;
const ACCELERATION = 24;
const HISTORY_MINUTES = 60;
/**
 * Simulated time when the written hour ends and the simulator takes over: a Wednesday afternoon,
 * where the curve is nearly flat (a join a little off in time shows no step), and the hour before
 * holds the dinner peak, the night and the lunch peak.
 */
const SIM_NOW = Date.parse('2026-12-02T16:00:00Z');
const services: ServiceProcess[] = [];

function start(entry: string, env: Record<string, string>): ServiceProcess {
  const service = startService(entry, { ...stack, ...env });
  services.push(service);
  return service;
}

/** The hour before `until`, minute by minute, at the rate the daily curve has at that simulated time. */
async function writeHistory(pipeline: PrivatePipeline, until: number): Promise<number> {
  const random = prng(11);
  const model = new TrafficModel({ meanRate: RATE, dailyCurve: DEFAULT_DAILY_CURVE, weekendFactor: 1, burstsPerDay: 0, burstFactor: 1, burstMs: 1 }, random);
  const kafka = createKafkaClient({ brokers: cfg.KAFKA_BROKERS, clientId: 'alert-screenshot', log });
  const topics = { orders: pipeline.topics.orders, enrichedOrderItems: pipeline.topics.enrichedOrderItems };
  const producer = await connectOrderProducer(kafka, topics, log);
  let written = 0;
  try {
    for (let m = HISTORY_MINUTES; m > 0; m--) {
      const from = until - m * 60_000;
      const simMiddle = SIM_NOW - (until - from - 30_000) * ACCELERATION;
      const orders = ordersBetween(random, from, from + 60_000, Math.round(model.rateAt(simMiddle) * 60));
      await produceOrders(producer, topics, orders);
      written += orders.length;
    }
  } finally {
    await producer.disconnect();
  }
  return written;
}

async function main(pipeline: PrivatePipeline): Promise<void> {
  const env = { ...pipeline.env, PINOT_BROKER_URLS: cfg.PINOT_BROKER_URLS.join(',') };
  const api = `http://127.0.0.1:${port(8882)}`;
  const dashboard = `http://127.0.0.1:${port(8884)}`;
  const simulator = start('orders-service/src/main.ts', {
    ...env, ORDERS_HTTP_PORT: String(port(8881)), ORDERS_HTTP_HOST: '127.0.0.1', SIMULATOR_PROFILE: 'daily', SIMULATOR_RATE: String(RATE), SIMULATOR_SEED: '11',
    SIMULATOR_TIME_ACCELERATION: String(ACCELERATION), SIMULATOR_START_TIME: new Date(SIM_NOW).toISOString(), SIMULATOR_BURSTS_PER_DAY: '0', SIMULATOR_WEEKEND_FACTOR: '1',
  });
  const apiService = start('pizzashop-api/src/main.ts', { ...env, API_HTTP_PORT: String(port(8882)), API_HTTP_HOST: '127.0.0.1' });
  const dashboardService = start('dashboards/src/server/main.ts', { DASHBOARD_HTTP_PORT: String(port(8884)), API_URL: api });
  await waitForHttpOk(`http://127.0.0.1:${port(8881)}/readyz`, 300_000, simulator);
  const written = await writeHistory(pipeline, Date.now());
  console.log(`[alert-screenshot] simulator running; wrote the hour before it: ${written} orders`);
  const alerts = start('alerts/src/main.ts', {
    ...env, ALERTS_HTTP_PORT: String(port(8883)), ALERTS_HTTP_HOST: '127.0.0.1',
    ALERTS_INTERVAL_MS: '5000', ALERTS_WINDOW_MS: '5000', ALERTS_INGEST_LAG_MS: '3000', ALERTS_TRAILING_WINDOWS: '20',
  });
  await waitForHttpOk(`${api}/readyz`, 300_000, apiService);
  await waitForHttpOk(`http://127.0.0.1:${port(8883)}/readyz`, 300_000, alerts);
  await waitForHttpOk(`${dashboard}/`, 300_000, dashboardService);
  console.log(`[alert-screenshot] services up; playing the daily curve for ${PLAY_MS / 1000} s`);
  await new Promise((r) => setTimeout(r, PLAY_MS));
  await simulator.stop();
  const stoppedAt = Date.now();
  console.log('[alert-screenshot] simulator stopped; waiting for the orders drop alert');
  await waitFor('the orders drop alert', async () => {
    const body = (await (await fetch(`${api}/alerts?status=open`)).json()) as { alerts: { metric: string; direction: string }[] };
    return body.alerts.some((a) => a.metric === 'orders' && a.direction === 'drop');
  }, 180_000, 1000);
  console.log(`[alert-screenshot] drop alert served by GET /alerts ${Math.round((Date.now() - stoppedAt) / 1000)} s after the stop`);
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${dashboard}/?window=15m`);
    await page.waitForSelector('#alert-banner:not([hidden])', { timeout: 60_000 });
    await page.waitForTimeout(2000);
    const file = join(repoRoot, 'docs', 'dashboard-alert.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`[alert-screenshot] saved ${file}`);
  } finally {
    await browser.close();
  }
}

const pipeline = await createPrivatePipeline(cfg, 'shot', log, { pinot: true, alerts: true });
try {
  await main(pipeline);
} catch (err) {
  console.error(`[alert-screenshot] ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  for (const service of services) await service.stop();
  await pipeline.drop();
}
