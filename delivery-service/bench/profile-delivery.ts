/**
 * CPU profile of the delivery-service working through a backlog: where a status change's time goes.
 * Usage: tsx delivery-service/bench/profile-delivery.ts <out-dir> [orders=20000] [seconds=40]
 * On private topics of its own (testkit's private pipeline, dropped at the end) it writes `orders`
 * synthetic orders, then runs a DeliveryService in this process (time 60x faster, as the lifecycle
 * bench runs it) from the start of that topic while a V8 CPU profile records, and writes
 * `delivery.cpuprofile` (open it in Chrome DevTools) and `summary.json`: orders taken in, status
 * changes and positions committed per second, CPU time used, self time by package and top functions.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, resolve } from 'node:path';
import { createIdempotentProducer, createKafkaClient, createLogger, createMetricsRegistry, infraEnvSchema, loadConfig, sendJson, withAdmin, withContractHeaders } from '@pizzashop/common';
import { buildOrder } from '@pizzashop/testkit';
import { createPrivatePipeline, summariseCpuProfile, type CpuProfile } from '@pizzashop/testkit/bench';
import { deliveryEnvSchema } from '../src/config.js';
import { DeliveryService } from '../src/delivery-service.js';
import { createDeliveryMetrics } from '../src/metrics.js';

const PRODUCT = { id: 'profile-product', name: 'profile', description: 'delivery profile', category: 'bench', image: '/x.jpg', price: 500 };
/** As the lifecycle bench runs it (bench/lifecycle.ts): an order lives about 6 s. */
const DELIVERY_ENV = { DELIVERY_SPEEDUP: '60', DELIVERY_COURIER_KMH: '250', DELIVERY_MIN_POSITION_INTERVAL_MS: '500' };

async function counters(registry: ReturnType<typeof createMetricsRegistry>) {
  const value = async (name: string) => (await registry.getSingleMetric(name)!.get()).values.reduce((n, v) => n + v.value, 0);
  return { orders: await value('delivery_orders_started_total'), statuses: await value('delivery_statuses_published_total'), positions: await value('delivery_positions_published_total'), transactions: await value('delivery_transactions_total') };
}

async function main() {
  const [outDir, ordersArg = '20000', secondsArg = '40'] = process.argv.slice(2);
  if (!outDir) throw new Error('usage: tsx delivery-service/bench/profile-delivery.ts <out-dir> [orders] [seconds]');
  const log = createLogger('delivery-profile', process.env.LOG_LEVEL ?? 'warn');
  const infra = loadConfig(infraEnvSchema, process.env, 'delivery profile');
  const kafka = createKafkaClient({ brokers: infra.KAFKA_BROKERS, clientId: 'delivery-profile', log });
  const pipeline = await createPrivatePipeline(infra, 'deliveryprofile', log, { pinot: false, lifecycle: true });
  try {
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    const total = Number(ordersArg);
    for (let sent = 0; sent < total; sent += 1000) {
      const orders = Array.from({ length: Math.min(1000, total - sent) }, () => buildOrder(randomUUID(), Date.now(), 1, [{ product: PRODUCT, quantity: 1 }]).order);
      await sendJson(producer, pipeline.topics.orders, orders.map((o) => ({ key: o.id, value: o })));
    }
    await producer.disconnect();
    await withAdmin(kafka, async (admin) => {
      const partitions = (await admin.fetchTopicOffsets(pipeline.topics.orders)).map((p) => ({ partition: p.partition, offset: p.low }));
      await admin.setOffsets({ groupId: pipeline.env.DELIVERY_GROUP_ID!, topic: pipeline.topics.orders, partitions });
    });
    const cfg = loadConfig(deliveryEnvSchema, { ...process.env, ...pipeline.env, ...DELIVERY_ENV }, 'delivery profile');
    const registry = createMetricsRegistry('delivery-service');
    // every record stamped with a schema id header, as in the service (the id itself does not matter here)
    const service = new DeliveryService(withContractHeaders(kafka, { schemaIdFor: () => 1 }), cfg, log, createDeliveryMetrics(registry));
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await session.post('Profiler.start');
    await service.start();
    const perSecond: Awaited<ReturnType<typeof counters>>[] = [];
    for (let s = 0; s < Number(secondsArg); s++) {
      await new Promise((r) => setTimeout(r, 1000));
      perSecond.push(await counters(registry));
    }
    const profile = ((await session.post('Profiler.stop')) as { profile: CpuProfile }).profile;
    const wallS = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    session.disconnect();
    await service.stop();
    const last = perSecond.at(-1)!;
    const dir = resolve(outDir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'delivery.cpuprofile'), JSON.stringify(profile));
    const summary = {
      backlogOrders: total,
      wallSeconds: Math.round(wallS * 10) / 10,
      cpuSeconds: Math.round((cpu.user + cpu.system) / 1e5) / 10,
      perSecond: { orders: Math.round(last.orders / wallS), statuses: Math.round(last.statuses / wallS), positions: Math.round(last.positions / wallS), transactions: Math.round(last.transactions / wallS) },
      cpuMicrosPerStatus: last.statuses ? Math.round(((cpu.user + cpu.system) / last.statuses) * 10) / 10 : null,
      timeline: perSecond,
      ...summariseCpuProfile(profile, ['common', 'delivery-service', 'testkit']),
    };
    writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    console.log(JSON.stringify({ ...summary, timeline: undefined }, null, 2));
  } finally {
    await pipeline.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
