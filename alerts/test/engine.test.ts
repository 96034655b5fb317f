// Unit tests of AlertsEngine ticks against a fake window source and a local webhook server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { alertSchema, createLogger, type Alert } from '@pizzashop/common';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertBook } from '../src/alert-book.js';
import { AlertsEngine } from '../src/engine.js';
import { WebhookNotifier } from '../src/webhook.js';
import type { WindowSource, WindowStats } from '../src/window-stats.js';

const log = createLogger('test', 'silent');
const WINDOW = 10_000;

/** Orders per window from a function of the window's start; 5 units per order, 500 per order. */
function source(ordersAt: (from: number) => number): WindowSource {
  return {
    async series(from: number, width: number, count: number): Promise<WindowStats[]> {
      return Array.from({ length: count }, (_, i) => {
        const start = from + i * width;
        const orders = ordersAt(start);
        return { from: start, to: start + width, orders, revenue: orders * 500, units: { pizzas: orders * 5 } };
      });
    },
    async oldestOrderTime() {
      return 0;
    },
  };
}

/** A local Slack-like receiver; the first `failFirst` POSTs answer 500. */
async function receiver(failFirst: number): Promise<{ url: string; texts: string[]; server: Server }> {
  const texts: string[] = [];
  let seen = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen++;
      if (seen <= failFirst) {
        res.writeHead(500).end();
        return;
      }
      texts.push((JSON.parse(body) as { text: string }).text);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, texts, server };
}

let servers: Server[] = [];
afterEach(() => {
  for (const s of servers) s.close();
  servers = [];
});

function engine(src: WindowSource, topic: Alert[], url: string, clock: () => number) {
  return new AlertsEngine({
    source: src,
    book: new AlertBook({ zWarning: 4, zCritical: 8, zClose: 2, openAfter: 2, closeAfter: 2 }),
    publish: async (alerts) => {
      for (const a of alerts) topic.push(alertSchema.parse(a));
    },
    notifier: new WebhookNotifier({ url, attempts: 3, timeoutMs: 2000, backoffMs: 10 }, log),
    options: { intervalMs: WINDOW, windowMs: WINDOW, openAfter: 2, ingestLagMs: 0, dayMs: 86_400_000, seasonalDays: 7, seasonalMinDays: 3, trailingWindows: 10, minOrders: 30 },
    log,
    clock,
  });
}

/** The latest record per id, like the compacted topic read back. */
const latest = (topic: Alert[]) => [...new Map(topic.map((a) => [a.id, a])).values()];

describe('AlertsEngine', () => {
  it('raises a drop, tells the webhook once (after a failed attempt), and nothing again after a restart', async () => {
    const hook = await receiver(1);
    servers.push(hook.server);
    const outageFrom = 200_000;
    let now = 190_000;
    const src = source((from) => (from >= outageFrom - WINDOW ? 0 : 100 + ((from / WINDOW) % 5)));
    const topic: Alert[] = [];
    const first = engine(src, topic, hook.url, () => now);
    for (; now <= 230_000; now += WINDOW) await first.tick();
    const open = latest(topic).filter((a) => a.status === 'open');
    expect(open.map((a) => a.metric).sort()).toEqual(['orders', 'revenue']);
    expect(open.every((a) => a.direction === 'drop' && a.notified.includes('open'))).toBe(true);
    expect(open.find((a) => a.metric === 'orders')?.severity).toBe('critical');
    expect(hook.texts).toHaveLength(2);
    expect(hook.texts[0]).toMatch(/\[critical\] (orders|revenue) drop: 0 in/);

    const second = engine(src, topic, hook.url, () => now);
    second.restore(latest(topic));
    for (let i = 0; i < 3; i++, now += WINDOW) await second.tick();
    expect(hook.texts, 'no second message for the alerts already sent').toHaveLength(2);
    expect(latest(topic).filter((a) => a.status === 'open')).toHaveLength(2);
  });

  it('sends an alert owed before a restart, and its closing once', async () => {
    const hook = await receiver(0);
    servers.push(hook.server);
    let now = 300_000;
    const spikeFrom = now - WINDOW;
    let spikeEnd = Infinity;
    const src = source((from) => (from >= spikeFrom && from < spikeEnd ? 400 : 100));
    const topic: Alert[] = [];
    const quiet = new AlertsEngine({
      source: src,
      book: new AlertBook({ zWarning: 4, zCritical: 8, zClose: 2, openAfter: 2, closeAfter: 2 }),
      publish: async (alerts) => void topic.push(...alerts),
      options: { intervalMs: WINDOW, windowMs: WINDOW, openAfter: 2, ingestLagMs: 0, dayMs: 86_400_000, seasonalDays: 7, seasonalMinDays: 3, trailingWindows: 10, minOrders: 30 },
      log,
      clock: () => now,
    });
    for (let i = 0; i < 2; i++, now += WINDOW) await quiet.tick();
    expect(latest(topic).filter((a) => a.status === 'open' && a.notified.length === 0).length).toBeGreaterThan(0);

    spikeEnd = now - WINDOW;
    const closing = engine(src, topic, hook.url, () => now);
    closing.restore(latest(topic));
    for (let i = 0; i < 3; i++, now += WINDOW) await closing.tick();
    const spikes = hook.texts.filter((t) => t.includes('orders spike'));
    const resolved = hook.texts.filter((t) => t.includes('resolved: orders'));
    expect(spikes).toHaveLength(1);
    expect(resolved).toHaveLength(1);
    expect(latest(topic).find((a) => a.metric === 'orders')).toMatchObject({ status: 'closed', notified: ['open', 'closed'] });
  });

  it('sees a drop right after a burst: the burst is left out of the baseline once it closed', async () => {
    const hook = await receiver(0);
    servers.push(hook.server);
    const burst = [500_000, 560_000];
    const outage = 700_000;
    const src = source((from) => (from >= outage ? 0 : from >= burst[0]! && from < burst[1]! ? 400 : 100 + ((from / WINDOW) % 3)));
    const topic: Alert[] = [];
    let now = 420_000;
    const e = engine(src, topic, hook.url, () => now);
    for (; now <= outage + 3 * WINDOW; now += WINDOW) await e.tick();
    const orders = latest(topic).filter((a) => a.metric === 'orders');
    expect(orders.map((a) => `${a.direction} ${a.status}`)).toEqual(['spike closed', 'drop open']);
  });

  it('sees a drop that starts as soon as a burst closed: older windows stand in for the burst in the baseline', async () => {
    const hook = await receiver(0);
    servers.push(hook.server);
    const burst = [500_000, 560_000];
    const src = source((from) => (from >= burst[0]! && from < burst[1]! ? 400 : 100 + ((from / WINDOW) % 3)));
    const topic: Alert[] = [];
    let now = 420_000;
    const e = engine(src, topic, hook.url, () => now);
    for (; latest(topic).every((a) => a.status !== 'closed'); now += WINDOW) await e.tick();
    const outage = now;
    const outageSrc = source((from) => (from >= outage - WINDOW ? 0 : from >= burst[0]! && from < burst[1]! ? 400 : 100 + ((from / WINDOW) % 3)));
    Object.assign(src, outageSrc);
    for (const stop = outage + 3 * WINDOW; now <= stop; now += WINDOW) await e.tick();
    const orders = latest(topic).filter((a) => a.metric === 'orders');
    expect(orders.map((a) => `${a.direction} ${a.status}`)).toEqual(['spike closed', 'drop open']);
  });
});
