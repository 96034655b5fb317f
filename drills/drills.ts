// The single-stack fault drills: kills and restarts of each component, enricher zombie and failover, CDC, Kafka outage.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { partitionCount, sql, sqlList } from '@pizzashop/common';
import { stopComponent, up } from '@pizzashop/local-stack';
import type { Drill, DrillContext } from './harness.js';
import { compactionDrill, oversizedRecordsDrill } from './day8.js';
import { deliveryKillDrill } from './delivery-kill.js';
import { kafkaOutageDrill } from './kafka-outage.js';
import { ProductPriceBurst } from './product-updates.js';
import { postOrder } from './workload.js';

/** Products whose prices the CDC drills change (and restore afterwards). */
const BURST_PRODUCTS = ['75', '76', '77', '78', '79', '80'];

async function restartStack(ctx: DrillContext): Promise<void> {
  await up(ctx.stack);
}

/**
 * Places one order holding every changed product until the enricher prices all of them at their
 * final value in `order_items_enriched` (its cache may trail the CDC topic by a moment): a change
 * applied twice or out of order would leave an older price. Returns the probes it took, or 0.
 */
async function probeFinalPrices(ctx: DrillContext, finals: Map<string, number>, attempts = 20): Promise<number> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const probe = { id: randomUUID(), items: [...finals.keys()].map((productId) => ({ productId, quantity: 1 })) };
    const status = await postOrder(ctx.pipeline.ordersUrl, probe, 1);
    if (status !== 202) throw new Error(`drill probe order: POST ${ctx.pipeline.ordersUrl}/orders answered ${status}`);
    const priced = new Map<string, number>();
    for (let i = 0; i < 60 && priced.size < finals.size; i++) {
      await sleep(500);
      const result = await ctx.pinot.query(sql`SELECT productId, productPrice FROM order_items_enriched WHERE orderId IN ${sqlList([probe.id])} LIMIT 100`).catch(() => undefined);
      for (const [productId, price] of result?.rows ?? []) priced.set(String(productId), Number(price));
    }
    if ([...finals].every(([productId, price]) => priced.get(productId) === price)) return attempt;
    await sleep(1000);
  }
  return 0;
}

/** CDC outcome of a price burst: every change on the topic, and the final prices in effect. */
async function verifyBurst(ctx: DrillContext, burst: ProductPriceBurst): Promise<{ ok: boolean; note: string }> {
  const cdc = await burst.checkTopic(ctx.kafka, ctx.cdcTopic, 120_000);
  const probes = await probeFinalPrices(ctx, burst.finalPrices());
  await burst.restoreOriginals();
  const ok = cdc.delivered === cdc.expected && probes > 0;
  const priced = probes > 0 ? `final prices in effect (probe ${probes})` : 'final prices NOT in effect';
  const when = cdc.completeAfterS === null ? '' : ` (all there <= ${cdc.completeAfterS} s after the last change)`;
  return { ok, note: `CDC ${cdc.delivered}/${cdc.expected} changes on ${ctx.cdcTopic}${when}, ${cdc.redelivered} redelivered; ${priced}` };
}

/** A counter or gauge of an enricher's /metrics summed over its labels, or null when unreachable. */
async function enricherMetric(url: string, name: string, labels = ''): Promise<number | null> {
  const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) }).then((r) => r.text(), () => null);
  if (text === null) return null;
  const line = new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm');
  let sum = 0;
  for (const m of text.matchAll(line)) if ((m[1] ?? '').includes(labels)) sum += Number(m[2]);
  return sum;
}

/**
 * Two instances; `a` is paused (SIGSTOP) until `b` has taken every orders partition (after a's
 * session timeout), held there, then resumed (SIGCONT). Whatever `a` had fetched or was writing when
 * it froze must not be committed: `b` opened the partitions' transactional ids, which fenced a's
 * producers, so a's transactions fail and a gives the partitions up until the group assigns again.
 * The counts then show no duplicate; the note says how many of a's transactions were fenced.
 */
function zombieDrill(): Drill {
  let takeoverS: number | null = null;
  return {
    name: 'enricher-zombie',
    fault: 'two enricher instances; SIGSTOP one past its session timeout until the other owns every partition, then SIGCONT it',
    enrichers: ['a', 'b'],
    inject: async (ctx) => {
      const stoppedAt = Date.now();
      ctx.processes.signalEnricher('a', 'SIGSTOP');
      for (let i = 0; i < 240 && takeoverS === null; i++) {
        await sleep(500);
        const ready = await enricherMetric(ctx.pipeline.enricherUrl('b'), 'enricher_orders_partitions', 'phase="ready"');
        const partitions = await partitionCount(ctx.kafka, ctx.topics.orders).catch(() => 0);
        if (ready !== null && partitions > 0 && ready >= partitions) takeoverS = (Date.now() - stoppedAt) / 1000;
      }
      if (takeoverS === null) throw new Error('enricher-zombie drill: b did not take every orders partition within 120 s of a\'s SIGSTOP');
    },
    repair: async (ctx) => {
      ctx.processes.signalEnricher('a', 'SIGCONT');
      for (let i = 0; i < 240; i++) {
        const ok = await fetch(`${ctx.pipeline.enricherUrl('a')}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
        if (ok) return;
        await sleep(500);
      }
      throw new Error('enricher-zombie drill: a not ready within 120 s of SIGCONT');
    },
    verify: async (ctx) => {
      const fenced = await enricherMetric(ctx.pipeline.enricherUrl('a'), 'enricher_transactions_failed_total', 'fenced="true"');
      const failed = await enricherMetric(ctx.pipeline.enricherUrl('a'), 'enricher_transactions_failed_total');
      const what = fenced ? `${fenced} of the zombie's transactions fenced (${failed} failed in all)` : 'the zombie had no transaction in flight when it froze (none fenced)';
      return { ok: true, note: `b owned every partition ${takeoverS?.toFixed(1)} s after a's SIGSTOP; ${what}` };
    },
  };
}

/** Longest a service killed under `npm start` may take to be back and ready. */
const SUPERVISED_RESTART_LIMIT_MS = 30_000;

/**
 * kill -9 of one service `npm start` supervises, mid-workload: the supervisor must start it again
 * and it must be ready within SUPERVISED_RESTART_LIMIT_MS, with nothing lost or doubled.
 */
function supervisedKill(service: 'enricher' | 'orders-service'): Drill {
  let killed: { pid: number; at: number } | undefined;
  let backAfterMs: number | null = null;
  return {
    name: `npm-start-${service}-kill`,
    fault: `kill -9 the ${service} npm start supervises; it must be back and ready within ${SUPERVISED_RESTART_LIMIT_MS / 1000} s`,
    underNpmStart: true,
    inject: async (ctx) => {
      killed = { pid: await ctx.npmStart.kill(service), at: Date.now() };
    },
    repair: async (ctx) => {
      backAfterMs = await ctx.npmStart.untilBack(service, killed!.pid, killed!.at, 120_000);
    },
    verify: async () => ({
      ok: backAfterMs !== null && backAfterMs <= SUPERVISED_RESTART_LIMIT_MS,
      note: backAfterMs === null ? `${service} not back within 120 s` : `${service} restarted by npm start and ready ${(backAfterMs / 1000).toFixed(1)} s after the kill`,
    }),
  };
}

/** The fault drills of docs/reliability.md, each a fresh object (some keep state between steps). */
export function createDrills(cdcUpdates: number, kafkaOutageMs?: number): Drill[] {
  const newBurst = (ctx: DrillContext) => new ProductPriceBurst(ctx.db, BURST_PRODUCTS);
  let burst: ProductPriceBurst | undefined;
  let bursting: Promise<void> | undefined;
  return [
    {
      name: 'enricher-kill',
      fault: 'kill -9 the enricher mid-stream, restart it',
      inject: (ctx) => ctx.pipeline.stopEnricher('a', 'SIGKILL'),
      repair: (ctx) => ctx.pipeline.startEnricher('a'),
    },
    {
      name: 'enricher-failover',
      fault: 'two enricher instances, kill -9 one; the other takes over',
      enrichers: ['a', 'b'],
      inject: (ctx) => ctx.pipeline.stopEnricher('a', 'SIGKILL'),
      repair: async () => undefined,
    },
    {
      name: 'connect-kill',
      fault: `kill -9 Kafka Connect halfway through ${cdcUpdates} product updates, restart it`,
      inject: async (ctx) => {
        burst = newBurst(ctx);
        let half!: () => void;
        const halfway = new Promise<void>((r) => (half = r));
        bursting = burst.run(cdcUpdates, 20, half);
        await halfway;
        await stopComponent(ctx.stack, 'kafka-connect', 'kill');
      },
      repair: restartStack,
      verify: async (ctx) => {
        await bursting;
        return verifyBurst(ctx, burst!);
      },
    },
    {
      name: 'mariadb-restart',
      fault: `restart MariaDB right after ${Math.ceil(cdcUpdates / 2)} product updates, ${Math.floor(cdcUpdates / 2)} more after`,
      inject: async (ctx) => {
        burst = newBurst(ctx);
        await burst.run(Math.ceil(cdcUpdates / 2), 50);
        await stopComponent(ctx.stack, 'mariadb', 'stop');
      },
      repair: async (ctx) => {
        await restartStack(ctx);
        await burst!.run(Math.floor(cdcUpdates / 2), 50);
      },
      verify: (ctx) => verifyBurst(ctx, burst!),
    },
    {
      name: 'pinot-server-kill',
      fault: 'kill -9 the Pinot server, restart it',
      inject: async (ctx) => {
        await stopComponent(ctx.stack, 'pinot-server', 'kill');
      },
      repair: restartStack,
    },
    {
      name: 'kafka-restart',
      fault: 'restart the Kafka broker under load',
      inject: async (ctx) => {
        await stopComponent(ctx.stack, 'kafka', 'stop');
      },
      repair: restartStack,
    },
    zombieDrill(),
    compactionDrill(),
    oversizedRecordsDrill(),
    supervisedKill('enricher'),
    supervisedKill('orders-service'),
    {
      name: 'kafka-kill',
      fault: 'kill -9 the Kafka broker under load, restart it',
      inject: async (ctx) => {
        await stopComponent(ctx.stack, 'kafka', 'kill');
      },
      repair: restartStack,
    },
    kafkaOutageDrill(kafkaOutageMs),
    deliveryKillDrill(),
  ];
}
