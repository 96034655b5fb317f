// Drill: kill -9 of delivery-service in the middle of a burst of orders, then a restart. Every
// order must end DELIVERED, with each status published exactly once (read_committed, as Pinot
// reads it) and exactly one DELIVERED courier position: nothing stuck, nothing twice.
//   npx tsx drills/delivery-kill.ts [--orders 200]   (on the test stack: STACK_PROFILE=test, with its STACK_PORT_OFFSET)
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createKafkaClient, createLogger, ensureTopics, ORDER_STATUSES, withAdmin, type InfraConfig, type Logger } from '@pizzashop/common';
import type { Kafka } from 'kafkajs';
import { readTopic } from '@pizzashop/testkit';
import { startService, waitForHttpOk, type ServiceProcess } from '@pizzashop/testkit';

export interface DeliveryKillOptions {
  orders: number;
  /** Orders per second POSTed. */
  rate: number;
  /** Kill once this share of the orders was delivered. */
  killAt: number;
  ports: { orders: number; delivery: number };
  timeoutMs: number;
}

export interface DeliveryKillResult {
  orders: number;
  delivered: number;
  /** Orders with a status published more than once, or missing one. */
  wrongHistories: number;
  duplicateStatuses: number;
  duplicateDeliveredPositions: number;
  /** Orders already delivered when the service was killed. */
  deliveredAtKill: number;
  recoveryS: number;
  passed: boolean;
}

const DRILL_ENV = (run: string, ports: DeliveryKillOptions['ports']) => ({
  DELIVERY_HTTP_PORT: String(ports.delivery),
  DELIVERY_HTTP_HOST: '127.0.0.1',
  DELIVERY_GROUP_ID: `delivery-drill-${run}`,
  DELIVERY_TRANSACTIONAL_ID: `delivery-drill-${run}`,
  DELIVERY_STATE_TOPIC: `delivery-drill-state-${run}`,
  DELIVERY_SPEEDUP: '20',
  DELIVERY_STEP_MIN_MS: '10000',
  DELIVERY_STEP_MAX_MS: '30000',
  DELIVERY_COURIER_KMH: '100',
});

async function deliveredIds(kafka: Kafka, topic: string, ids: Set<string>): Promise<Map<string, string[]>> {
  const statuses = new Map<string, string[]>();
  const records = await readTopic(kafka, topic, () => false, { timeoutMs: 3000 });
  for (const r of records) {
    if (!r.key || !ids.has(r.key) || !r.value) continue;
    const list = statuses.get(r.key) ?? [];
    list.push((JSON.parse(r.value) as { status: string }).status);
    statuses.set(r.key, list);
  }
  return statuses;
}

export async function runDeliveryKillDrill(cfg: InfraConfig, o: DeliveryKillOptions, log: Logger, progress: (line: string) => void): Promise<DeliveryKillResult> {
  const run = randomUUID().slice(0, 8);
  const kafka = createKafkaClient({ brokers: cfg.KAFKA_BROKERS, clientId: 'delivery-drill', log });
  const env = DRILL_ENV(run, o.ports);
  await ensureTopics(kafka, [{ topic: env.DELIVERY_STATE_TOPIC, numPartitions: 3, configs: { 'cleanup.policy': 'compact' } }], log);
  const ordersService = startService('orders-service/src/main.ts', { ORDERS_HTTP_PORT: String(o.ports.orders), ORDERS_HTTP_HOST: '127.0.0.1', SIMULATOR_ENABLED: 'false', LOG_LEVEL: 'warn' });
  let delivery: ServiceProcess | undefined;
  const startDelivery = async () => {
    delivery = startService('delivery-service/src/main.ts', { ...env, LOG_LEVEL: 'warn' });
    await waitForHttpOk(`http://127.0.0.1:${o.ports.delivery}/readyz`, 180_000, delivery);
  };
  try {
    await waitForHttpOk(`http://127.0.0.1:${o.ports.orders}/readyz`, 180_000, ordersService);
    await startDelivery();
    const ids = new Set<string>();
    for (let i = 0; i < o.orders; i++) {
      const id = randomUUID();
      const res = await fetch(`http://127.0.0.1:${o.ports.orders}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, userId: 1 + (i % 50), items: [{ productId: '1', quantity: 1 }], deliveryLat: 12.9 + (i % 10) / 100, deliveryLon: 77.6 + (i % 7) / 100 }),
      });
      if (res.status !== 202) throw new Error(`delivery drill: POST /orders answered ${res.status}: ${await res.text()}`);
      ids.add(id);
      await sleep(1000 / o.rate);
    }
    progress(`[delivery-kill] ${ids.size} orders placed`);
    const countDelivered = async () => [...(await deliveredIds(kafka, cfg.ORDER_STATUSES_TOPIC, ids)).values()].filter((s) => s.includes('DELIVERED')).length;
    let delivered = 0;
    const deadline = Date.now() + o.timeoutMs;
    while ((delivered = await countDelivered()) < o.orders * o.killAt && Date.now() < deadline) await sleep(500);
    await delivery!.stop('SIGKILL');
    const killedAt = Date.now();
    const deliveredAtKill = delivered;
    progress(`[delivery-kill] kill -9 of delivery-service with ${delivered}/${o.orders} delivered`);
    await sleep(2000);
    await startDelivery();
    while ((delivered = await countDelivered()) < o.orders && Date.now() < deadline) await sleep(1000);
    const recoveryS = (Date.now() - killedAt) / 1000;
    const statuses = await deliveredIds(kafka, cfg.ORDER_STATUSES_TOPIC, ids);
    const positions = await deliveredIds(kafka, cfg.DELIVERY_STATUSES_TOPIC, ids);
    const wrongHistories = [...ids].filter((id) => JSON.stringify(statuses.get(id) ?? []) !== JSON.stringify(ORDER_STATUSES)).length;
    const duplicateStatuses = [...statuses.values()].reduce((n, s) => n + s.length - new Set(s).size, 0);
    const duplicateDeliveredPositions = [...positions.values()].filter((s) => s.filter((x) => x === 'DELIVERED').length > 1).length;
    const result = {
      orders: o.orders,
      delivered,
      wrongHistories,
      duplicateStatuses,
      duplicateDeliveredPositions,
      deliveredAtKill,
      recoveryS,
      passed: delivered === o.orders && wrongHistories === 0 && duplicateStatuses === 0 && duplicateDeliveredPositions === 0,
    };
    progress(`[delivery-kill] ${JSON.stringify(result)}`);
    return result;
  } finally {
    await delivery?.stop();
    await ordersService.stop();
    await withAdmin(kafka, async (admin) => {
      await admin.deleteTopics({ topics: [env.DELIVERY_STATE_TOPIC] }).catch(() => undefined);
      await admin.deleteGroups([env.DELIVERY_GROUP_ID]).catch(() => undefined);
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { orders: { type: 'string', default: '200' } } });
  const { loadStackConfig, createContext, serviceEnv } = await import('@pizzashop/local-stack');
  const { infraEnvSchema, loadConfig } = await import('@pizzashop/common');
  const stack = createContext(loadStackConfig({ ...process.env, STACK_PROFILE: 'test' }), () => undefined);
  Object.assign(process.env, serviceEnv(stack.cfg));
  const offset = stack.cfg.STACK_PORT_OFFSET;
  const result = await runDeliveryKillDrill(
    loadConfig(infraEnvSchema, process.env, 'delivery drill'),
    { orders: Number(values.orders), rate: 20, killAt: 0.3, ports: { orders: 8600 + offset, delivery: 8601 + offset }, timeoutMs: 600_000 },
    createLogger('delivery-drill', 'warn'),
    (line) => console.log(line),
  );
  process.exit(result.passed ? 0 : 1);
}
