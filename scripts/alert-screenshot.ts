// `npx tsx scripts/alert-screenshot.ts`: makes docs/dashboard-alert.png, the dashboard with the daily
// curve and an open alert. On a running stack (STACK_PROFILE / STACK_PORT_OFFSET select it) it
// starts the simulator (daily curve at 120x from 10:00), pizzashop-api, the alerts service (5 s
// windows) and the dashboard, stops the simulator after a while, waits for the orders drop alert and
// screenshots the page with headless Chromium. Every process it starts is stopped by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumExecutable } from '@pizzashop/testkit/browser';
import { loadStackConfig, repoRoot, serviceEnv } from '@pizzashop/local-stack';

const offset = Number(process.env.STACK_PORT_OFFSET ?? (process.env.STACK_PROFILE === 'test' ? 10_000 : 0));
const port = (base: number) => base + offset;
const stack = serviceEnv(loadStackConfig());
const PLAY_MS = Number(process.env.SCREENSHOT_PLAY_MS ?? 150_000);
const children: ChildProcess[] = [];

function start(name: string, entry: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: repoRoot, env: { ...process.env, ...stack, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  child.once('exit', (code) => code && console.error(`[alert-screenshot] ${name} exited with ${code}`));
  children.push(child);
  return child;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`[alert-screenshot] timed out waiting for ${what}`);
}
const ok = async (url: string) => ((await fetch(url)).ok ? true : undefined);

async function main(): Promise<void> {
  const api = `http://127.0.0.1:${port(8882)}`;
  const dashboard = `http://127.0.0.1:${port(8884)}/`;
  const simulator = start('orders-service', 'orders-service/src/main.ts', {
    ORDERS_HTTP_PORT: String(port(8881)), SIMULATOR_PROFILE: 'daily', SIMULATOR_RATE: '20', SIMULATOR_SEED: '11',
    SIMULATOR_TIME_ACCELERATION: '120', SIMULATOR_START_TIME: '2026-12-02T10:00:00Z', SIMULATOR_BURSTS_PER_DAY: '0',
  });
  start('pizzashop-api', 'pizzashop-api/src/main.ts', { API_PORT: String(port(8882)), API_HOST: '127.0.0.1' });
  start('alerts', 'alerts/src/main.ts', {
    ALERTS_HTTP_PORT: String(port(8883)), ALERTS_INTERVAL_MS: '5000', ALERTS_WINDOW_MS: '5000', ALERTS_INGEST_LAG_MS: '3000', ALERTS_TRAILING_WINDOWS: '20',
  });
  start('dashboard', 'dashboards/src/server/main.ts', { DASHBOARD_PORT: String(port(8884)), API_URL: api });
  await until('pizzashop-api', () => ok(`${api}/readyz`), 300_000);
  await until('the alerts service', () => ok(`http://127.0.0.1:${port(8883)}/readyz`), 300_000);
  await until('the dashboard', () => ok(dashboard), 300_000);
  console.log(`[alert-screenshot] services up; playing the daily curve for ${PLAY_MS / 1000} s`);
  await new Promise((r) => setTimeout(r, PLAY_MS));
  simulator.kill('SIGTERM');
  const stoppedAt = Date.now();
  console.log('[alert-screenshot] simulator stopped; waiting for the orders drop alert');
  await until('the orders drop alert', async () => {
    const body = (await (await fetch(`${api}/alerts?status=open`)).json()) as { alerts: { metric: string; direction: string }[] };
    return body.alerts.some((a) => a.metric === 'orders' && a.direction === 'drop') ? true : undefined;
  }, 180_000);
  console.log(`[alert-screenshot] drop alert served by GET /alerts ${Math.round((Date.now() - stoppedAt) / 1000)} s after the stop`);
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(dashboard);
    await page.waitForSelector('#alert-banner:not([hidden])', { timeout: 60_000 });
    await page.waitForTimeout(2000);
    const file = join(repoRoot, 'docs', 'dashboard-alert.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`[alert-screenshot] saved ${file}`);
  } finally {
    await browser.close();
  }
}

main()
  .catch((err: unknown) => {
    console.error((err as Error).message);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
