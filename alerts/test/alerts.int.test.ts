// Integration test of the alerts service on the real test stack with an accelerated clock.
import { createServer, type Server } from 'node:http';
import { alertSchema, createIdempotentProducer, createLogger, infraEnv, sendJson, type Alert } from '@pizzashop/common';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderFor, stackEnv, testPort, testKafka, startService, waitFor, waitForHttpOk, type ServiceProcess } from '@pizzashop/testkit';
import { createPrivatePipeline, type PrivatePipeline } from '@pizzashop/testkit/bench';

/**
 * The alerts service on the real test stack with an accelerated clock: the simulator plays the
 * daily curve 40x faster (an hour of curve in 90 s), the alerts service compares 5 s windows every
 * 5 s. Normal curve traffic raises nothing; a burst raises an orders spike and the simulator
 * stopping an orders drop, each within 2 minutes; a Slack-like receiver gets every alert opening
 * and closing once across a kill -9 and restart of the alerts service, except a delivery the kill
 * cut off between its 2xx and its record on the topic (at-least-once: at most twice).
 *
 * Everything runs on a private pipeline (its own orders and alerts topics and Pinot tables, dropped
 * at the end): the other suites fill the stack's `orders` table at the same time, and their orders
 * in the baseline raised false alerts.
 */
const cfg = stackEnv();
const kafka = testKafka(cfg.KAFKA_BROKERS);
const log = createLogger('alerts-it', 'warn');
const ALERTS_PORT = testPort('alerts-it.alerts');
const API_PORT = testPort('alerts-it.api');
const HOOK_PORT = testPort('alerts-it.webhook');
const ACCELERATION = 40;
const DETECTION_LIMIT_MS = 120_000;

interface Seen {
  alert: Alert;
  at: number;
}
const seen: Seen[] = [];
const deliveries: { text: string; at: number }[] = [];
let hookRequests = 0;
/**
 * Deliveries the webhook had answered but the topic did not show as recorded when the service was
 * killed: the crash window the README names, where a repeat after the restart is allowed.
 */
const unrecordedAtKill = new Set<string>();
let hook: Server;
let consumer: Consumer;
let simulator: ServiceProcess;
let alerts: ServiceProcess | undefined;
let api: ServiceProcess;
let pipeline: PrivatePipeline | undefined;

/** The stack's env with the private topics and tables in place of the shared ones. */
const env = () => ({ ...infraEnv(cfg), PINOT_BROKER_URLS: cfg.PINOT_BROKER_URLS.join(','), ...pipeline!.env });
const alertsEnv = () => ({
  ...env(),
  ALERTS_HTTP_PORT: String(ALERTS_PORT),
  ALERTS_HTTP_HOST: '127.0.0.1',
  ALERTS_INTERVAL_MS: '5000',
  ALERTS_WINDOW_MS: '5000',
  ALERTS_INGEST_LAG_MS: '3000',
  ALERTS_TRAILING_WINDOWS: '20',
  ALERTS_WEBHOOK_URL: `http://127.0.0.1:${HOOK_PORT}/hook`,
  ALERTS_WEBHOOK_BACKOFF_MS: '200',
  // The receiver is this test worker: on a loaded machine its 200 can come later than the default 5 s,
  // and an attempt that timed out is sent again by design (at-least-once, see the README); what this
  // test judges is the once-only across a restart.
  ALERTS_WEBHOOK_TIMEOUT_MS: '30000',
});

async function startAlerts(): Promise<void> {
  alerts = startService('alerts/src/main.ts', alertsEnv());
  await waitForHttpOk(`http://127.0.0.1:${ALERTS_PORT}/readyz`, 120_000, alerts);
}

/**
 * A burst: `rate` orders per second for `ms` on top of the curve, produced from here onto the private
 * orders topic, so its timing holds no process start-up (a simulator process took over a minute to
 * start at a load average of 50).
 */
async function burst(rate: number, ms: number): Promise<void> {
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    const started = Date.now();
    for (let tick = 0; tick * 250 < ms; tick++) {
      const orders = Array.from({ length: rate / 4 }, () => orderFor([{ productId: '1', quantity: 1, price: 239 }]));
      await sendJson(producer, pipeline!.topics.orders, orders.map((o) => ({ key: o.id, value: o })));
      await new Promise((r) => setTimeout(r, Math.max(0, started + (tick + 1) * 250 - Date.now())));
    }
  } finally {
    await producer.disconnect();
  }
}

/** What a webhook message delivers: the alert's id and stage, and both as one key `<id> <stage>`. */
function delivered(text: string): { id: string; stage: 'open' | 'closed'; key: string } {
  const id = /Alert ([0-9a-f-]{36})/.exec(text)?.[1] ?? '';
  const stage = text.startsWith(':white_check_mark:') ? 'closed' : 'open';
  return { id, stage, key: `${id} ${stage}` };
}

/** Alerts opened (first record of an id with status open) at or after `since`. */
const openedSince = (since: number) => {
  const firsts = new Map<string, Seen>();
  for (const s of seen) if (!firsts.has(s.alert.id)) firsts.set(s.alert.id, s);
  return [...firsts.values()].filter((s) => s.alert.status === 'open' && Date.parse(s.alert.openedAt) >= since);
};
const latest = (id: string) => seen.filter((s) => s.alert.id === id).at(-1)?.alert;

/** Waits for an alert on `metric` in `direction` opened at or after `since`; returns it with the delay from `since`. */
async function detected(metric: string, direction: Alert['direction'], since: number): Promise<{ alert: Alert; delayMs: number }> {
  await waitFor(`${metric} ${direction} alert`, () => openedSince(since).some((s) => s.alert.metric === metric && s.alert.direction === direction), DETECTION_LIMIT_MS + 20_000);
  const found = openedSince(since).find((s) => s.alert.metric === metric && s.alert.direction === direction)!;
  return { alert: found.alert, delayMs: found.at - since };
}

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hookRequests++;
      // The very first POST fails: the service must retry it.
      if (hookRequests === 1) return void res.writeHead(500).end('try again');
      deliveries.push({ text: (JSON.parse(body) as { text: string }).text, at: Date.now() });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(HOOK_PORT, '127.0.0.1', r));
  pipeline = await createPrivatePipeline(cfg, 'alertsit', log, { pinot: true, alerts: true });
  consumer = kafka.consumer({ groupId: pipeline.group('reader'), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: pipeline.topics.alerts, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value) seen.push({ alert: alertSchema.parse(JSON.parse(message.value.toString())), at: Date.now() });
    },
  });
  simulator = startService('orders-service/src/main.ts', {
    ...env(),
    ORDERS_HTTP_PORT: String(testPort('alerts-it.simulator')),
    ORDERS_HTTP_HOST: '127.0.0.1',
    SIMULATOR_PROFILE: 'daily',
    SIMULATOR_RATE: '20',
    SIMULATOR_SEED: '7',
    SIMULATOR_TIME_ACCELERATION: String(ACCELERATION),
    SIMULATOR_START_TIME: '2026-12-02T15:05:00Z',
    SIMULATOR_BURSTS_PER_DAY: '0',
  });
  api = startService('pizzashop-api/src/main.ts', { ...env(), API_HTTP_PORT: String(API_PORT), API_HTTP_HOST: '127.0.0.1', QUERY_CACHE_TTL_MS: '0' });
  await waitForHttpOk(`http://127.0.0.1:${testPort('alerts-it.simulator')}/readyz`, 120_000, simulator);
  await waitForHttpOk(`http://127.0.0.1:${API_PORT}/readyz`, 120_000, api);
  // Warm-up: more than half of the 20 trailing windows must hold this curve before judging it.
  await new Promise((r) => setTimeout(r, 60_000));
  await startAlerts();
}, 400_000);

afterAll(async () => {
  await alerts?.stop();
  await simulator?.stop();
  await api?.stop();
  await consumer?.disconnect();
  await new Promise((r) => hook?.close(r));
  await pipeline?.drop();
});

describe('alerts on the real stack (accelerated clock)', () => {
  it('raises no alert over 60 minutes of the daily curve (90 s at 40x)', async () => {
    await new Promise((r) => setTimeout(r, 90_000));
    // The alerts topic is this file's own: every alert on it so far is a false one.
    const falseAlerts = openedSince(0);
    console.log(`alerts.int: ${falseAlerts.length} false alerts over 60 simulated minutes`, falseAlerts.map((s) => s.alert.metric));
    expect(falseAlerts.map((s) => `${s.alert.metric} ${s.alert.direction}`)).toEqual([]);
  }, 120_000);

  it('raises an orders spike within 2 minutes of a burst, tells the webhook once across a kill -9, and closes it after', async () => {
    const burstFrom = Date.now();
    const burstDone = burst(40, 30_000);
    const { alert, delayMs } = await detected('orders', 'spike', burstFrom);
    console.log(`alerts.int: orders spike detected ${delayMs} ms after the burst began`, alert);
    expect(delayMs).toBeLessThan(DETECTION_LIMIT_MS);
    await waitFor('the webhook delivery recorded on the topic', () => latest(alert.id)?.notified.includes('open') ?? false, 60_000);
    expect(deliveries.filter((d) => d.text.includes(alert.id) && d.text.includes('spike'))).toHaveLength(1);

    await alerts!.stop('SIGKILL');
    for (const { id, stage, key } of deliveries.map((d) => delivered(d.text))) {
      if (!latest(id)?.notified.includes(stage)) unrecordedAtKill.add(key);
    }
    console.log(`alerts.int: deliveries not yet recorded on the topic at the kill -9: ${[...unrecordedAtKill].join(', ') || 'none'}`);
    await startAlerts();
    await burstDone;
    await waitFor('the spike alert closing once the burst is over', () => latest(alert.id)?.status === 'closed', 120_000);
    await waitFor('the closing delivered', () => latest(alert.id)?.notified.includes('closed') ?? false, 30_000);
    const forAlert = deliveries.filter((d) => d.text.includes(alert.id));
    expect(forAlert.map((d) => (d.text.startsWith(':white_check_mark:') ? 'closed' : 'open'))).toEqual(['open', 'closed']);
    expect(openedSince(burstFrom).filter((s) => s.alert.metric === 'orders'), 'no second orders alert after the restart').toHaveLength(1);
  }, 300_000);

  it('raises an orders drop within 2 minutes of the simulator stopping, served by GET /alerts', async () => {
    const stoppedAt = Date.now();
    await simulator.stop();
    const { alert, delayMs } = await detected('orders', 'drop', stoppedAt);
    console.log(`alerts.int: orders drop detected ${delayMs} ms after the simulator stopped`, alert);
    expect(delayMs).toBeLessThan(DETECTION_LIMIT_MS);
    // A full stop is critical. It may open as a warning first: the trailing windows can still hold the
    // burst above, whose spread lowers |z| until those windows roll out; it must be critical in time.
    await waitFor('the drop raised to critical', () => latest(alert.id)?.severity === 'critical', Math.max(1000, stoppedAt + DETECTION_LIMIT_MS + 20_000 - Date.now()));
    const criticalAt = seen.find((s) => s.alert.id === alert.id && s.alert.severity === 'critical')!.at;
    console.log(`alerts.int: orders drop critical ${criticalAt - stoppedAt} ms after the simulator stopped (opened as ${alert.severity})`);
    expect(criticalAt - stoppedAt).toBeLessThan(DETECTION_LIMIT_MS);
    await waitFor(
      'GET /alerts listing the drop',
      async () => {
        const res = await fetch(`http://127.0.0.1:${API_PORT}/alerts?status=open`);
        const body = (await res.json()) as { alerts: Alert[] };
        return body.alerts.some((a) => a.id === alert.id);
      },
      60_000,
    );
    await waitFor('the drop delivered', () => deliveries.some((d) => d.text.includes(alert.id)), 60_000);
    const counts = new Map<string, number>();
    for (const { key } of deliveries.map((d) => delivered(d.text))) counts.set(key, (counts.get(key) ?? 0) + 1);
    const wrong = [...counts.entries()].filter(([key, n]) => n !== 1 && !(n === 2 && unrecordedAtKill.has(key)));
    expect(wrong, 'every alert opening and closing delivered once (twice only if the kill -9 came between its 2xx and its record)').toEqual([]);
    expect(hookRequests).toBe(deliveries.length + 1);
  }, 200_000);
});
