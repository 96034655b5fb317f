// Drill: kill -9 of delivery-service in the middle of a burst of orders, then a restart. Every
// order must end DELIVERED, with each status published exactly once (read_committed, as Pinot
// reads it) and exactly one DELIVERED courier position: nothing stuck, nothing twice.
//   npx tsx drills/delivery-kill.ts [--orders 200]   (on the test stack: STACK_PROFILE=test, with its STACK_PORT_OFFSET)
// `npm run drills -- --only delivery-kill` runs it in the drill harness instead (deliveryKillDrill):
// the harness's workload through orders-service and the enricher, counted in Pinot as in every drill.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createKafkaClient, createLogger, ensureTopics, infraEnv, ORDER_STATUSES, withAdmin, type InfraConfig, type Logger } from '@pizzashop/common';
import type { Kafka } from 'kafkajs';
import { readTopic } from '@pizzashop/testkit';
import { startService, waitForHttpOk, type ServiceProcess } from '@pizzashop/testkit';
import type { Drill } from './harness.js';

export interface DeliveryKillOptions {
  orders: number;
  /** Orders per second POSTed. */
  rate: number;
  /** Kill once this share of the orders was delivered. */
  killAt: number;
  ports: { orders: number; delivery: number };
  timeoutMs: number;
}

/** What the status topics say of a set of orders. */
export interface LifecycleCheck {
  delivered: number;
  /** Orders with a status published more than once, or missing one. */
  wrongHistories: number;
  duplicateStatuses: number;
  duplicateDeliveredPositions: number;
}

export interface DeliveryKillResult extends LifecycleCheck {
  orders: number;
  /** Orders already delivered when the service was killed. */
  deliveredAtKill: number;
  recoveryS: number;
  passed: boolean;
}

/** The statuses (or positions' statuses) published for each of `ids`, read committed. */
async function statusesOf(kafka: Kafka, topic: string, ids: ReadonlySet<string>): Promise<Map<string, string[]>> {
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

/**
 * A delivery-service under drill: its own consumer group, transactional id and compacted state
 * topic (kept across a kill and restart, deleted by cleanup()), on `port`.
 */
export class DeliveryUnderDrill {
  private readonly run = randomUUID().slice(0, 8);
  private readonly env: Record<string, string>;
  private service: ServiceProcess | undefined;
  private readonly kafka: Kafka;

  constructor(
    private readonly cfg: InfraConfig,
    private readonly port: number,
    private readonly log: Logger,
  ) {
    this.kafka = createKafkaClient({ brokers: cfg.KAFKA_BROKERS, clientId: 'delivery-drill', log });
    this.env = {
      ...infraEnv(cfg),
      DELIVERY_HTTP_PORT: String(port),
      DELIVERY_HTTP_HOST: '127.0.0.1',
      DELIVERY_GROUP_ID: `delivery-drill-${this.run}`,
      DELIVERY_TRANSACTIONAL_ID: `delivery-drill-${this.run}`,
      DELIVERY_STATE_TOPIC: `delivery-drill-state-${this.run}`,
      DELIVERY_SPEEDUP: '20',
      DELIVERY_STEP_MIN_MS: '10000',
      DELIVERY_STEP_MAX_MS: '30000',
      DELIVERY_COURIER_KMH: '100',
      LOG_LEVEL: 'warn',
    };
  }

  /** Starts it (creating its state topic the first time) and resolves once it is ready. */
  async start(): Promise<void> {
    await ensureTopics(this.kafka, [{ topic: this.env.DELIVERY_STATE_TOPIC!, numPartitions: 3, configs: { 'cleanup.policy': 'compact' } }], this.log);
    this.service = startService('delivery-service/src/main.ts', this.env);
    await waitForHttpOk(`http://127.0.0.1:${this.port}/readyz`, 180_000, this.service);
  }

  async stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    await this.service?.stop(signal);
    this.service = undefined;
  }

  async countDelivered(ids: ReadonlySet<string>): Promise<number> {
    return [...(await statusesOf(this.kafka, this.cfg.ORDER_STATUSES_TOPIC, ids)).values()].filter((s) => s.includes('DELIVERED')).length;
  }

  /** Waits until every one of `ids` is DELIVERED or `deadline` passes; returns how many are. */
  async untilDelivered(ids: ReadonlySet<string>, deadline: number): Promise<number> {
    let delivered = await this.countDelivered(ids);
    while (delivered < ids.size && Date.now() < deadline) {
      await sleep(1000);
      delivered = await this.countDelivered(ids);
    }
    return delivered;
  }

  /** Every status once, in order, and one DELIVERED position, for each of `ids`. */
  async check(ids: ReadonlySet<string>): Promise<LifecycleCheck> {
    const statuses = await statusesOf(this.kafka, this.cfg.ORDER_STATUSES_TOPIC, ids);
    const positions = await statusesOf(this.kafka, this.cfg.DELIVERY_STATUSES_TOPIC, ids);
    return {
      delivered: [...statuses.values()].filter((s) => s.includes('DELIVERED')).length,
      wrongHistories: [...ids].filter((id) => JSON.stringify(statuses.get(id) ?? []) !== JSON.stringify(ORDER_STATUSES)).length,
      duplicateStatuses: [...statuses.values()].reduce((n, s) => n + s.length - new Set(s).size, 0),
      duplicateDeliveredPositions: [...positions.values()].filter((s) => s.filter((x) => x === 'DELIVERED').length > 1).length,
    };
  }

  output(): string {
    return this.service?.output() ?? '';
  }

  /** Stops it and deletes its state topic and consumer group. */
  async cleanup(): Promise<void> {
    await this.stop('SIGTERM');
    await withAdmin(this.kafka, async (admin) => {
      await admin.deleteTopics({ topics: [this.env.DELIVERY_STATE_TOPIC!] }).catch(() => undefined);
      await admin.deleteGroups([this.env.DELIVERY_GROUP_ID!]).catch(() => undefined);
    });
  }
}

const checkPassed = (c: LifecycleCheck, orders: number) => c.delivered === orders && c.wrongHistories === 0 && c.duplicateStatuses === 0 && c.duplicateDeliveredPositions === 0;
const checkNote = (c: LifecycleCheck, orders: number) =>
  `lifecycle: ${c.delivered}/${orders} DELIVERED, ${c.wrongHistories} wrong histories, ${c.duplicateStatuses} duplicate statuses, ${c.duplicateDeliveredPositions} doubled DELIVERED positions`;

/** Longest wait, after the workload, for every acknowledged order to be DELIVERED. */
const DELIVERED_WITHIN_MS = 240_000;

/**
 * The drill in the harness (`npm run drills -- --only delivery-kill`): a delivery-service of its own
 * takes in the workload's orders; kill -9 of it at the fault, a restart as the repair; the harness
 * counts orders and items in Pinot as for every drill, and verify() requires every acknowledged
 * order DELIVERED with each status once and one DELIVERED position.
 */
export function deliveryKillDrill(): Drill {
  let delivery: DeliveryUnderDrill | undefined;
  return {
    name: 'delivery-kill',
    fault: 'kill -9 the delivery-service with orders in flight, restart it',
    setUp: async (ctx) => {
      delivery = new DeliveryUnderDrill(ctx.infra, ctx.deliveryPort, ctx.log);
      await delivery.start();
    },
    inject: () => delivery!.stop('SIGKILL'),
    repair: () => delivery!.start(),
    verify: async (_ctx, workload) => {
      const ids = new Set(workload.acknowledged.map((o) => o.id));
      await delivery!.untilDelivered(ids, Date.now() + DELIVERED_WITHIN_MS);
      const check = await delivery!.check(ids);
      return { ok: checkPassed(check, ids.size), note: checkNote(check, ids.size) };
    },
    tearDown: async () => {
      await delivery?.cleanup();
    },
  };
}

export async function runDeliveryKillDrill(cfg: InfraConfig, o: DeliveryKillOptions, log: Logger, progress: (line: string) => void): Promise<DeliveryKillResult> {
  const ordersService = startService('orders-service/src/main.ts', { ORDERS_HTTP_PORT: String(o.ports.orders), ORDERS_HTTP_HOST: '127.0.0.1', SIMULATOR_ENABLED: 'false', LOG_LEVEL: 'warn' });
  const delivery = new DeliveryUnderDrill(cfg, o.ports.delivery, log);
  try {
    await waitForHttpOk(`http://127.0.0.1:${o.ports.orders}/readyz`, 180_000, ordersService);
    await delivery.start();
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
    let delivered = 0;
    const deadline = Date.now() + o.timeoutMs;
    while ((delivered = await delivery.countDelivered(ids)) < o.orders * o.killAt && Date.now() < deadline) await sleep(500);
    await delivery.stop('SIGKILL');
    const killedAt = Date.now();
    const deliveredAtKill = delivered;
    progress(`[delivery-kill] kill -9 of delivery-service with ${delivered}/${o.orders} delivered`);
    await sleep(2000);
    await delivery.start();
    await delivery.untilDelivered(ids, deadline);
    const recoveryS = (Date.now() - killedAt) / 1000;
    const check = await delivery.check(ids);
    const result = { orders: o.orders, ...check, deliveredAtKill, recoveryS, passed: checkPassed(check, o.orders) };
    progress(`[delivery-kill] ${JSON.stringify(result)}`);
    return result;
  } finally {
    await delivery.cleanup();
    await ordersService.stop();
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
