/**
 * Lifecycle freshness benchmark, run by `npm run bench -- lifecycle` as
 * `node --import tsx bench/lifecycle.ts OUT.json` against a running stack.
 *
 * On private topics and Pinot tables of its own (orders, order_items_enriched, order_statuses,
 * delivery_statuses; testkit/src/bench/private-pipeline.ts) it runs its own delivery-service (time
 * sped up, so an order lives a few seconds) and two pizzashop-api instances reading those tables,
 * one with the default caches and one without. It produces orders at 100 and then 1,000
 * orders/s; the delivery-service moves each through its six statuses. One order every 2 s
 * (probes) is polled through `GET /orders/{id}` on both APIs, and straight from the Pinot broker,
 * until their history shows DELIVERED, and each status change is timed from its `ts` to the first
 * answer that shows it (bench/lifecycle/probes.ts). Everything is dropped or stopped at the end.
 */
import { randomUUID } from 'node:crypto';
import { createIdempotentProducer, createKafkaClient, createLogger, identifier, infraEnv, infraEnvSchema, loadConfig, onShutdown, PinotClient, sendJson, sql, sqlList, timestampMs, type Order } from '@pizzashop/common';
import type { Producer } from 'kafkajs';
import { buildOrder, type ServiceProcess, startService, waitForHttpOk } from '@pizzashop/testkit';
import { apiPinotQueryCount, benchPort, cpuShares, cpuSnapshot, createPrivatePipeline, monotonicMs, type PrivatePipeline } from '@pizzashop/testkit/bench';
import { ProbeLedger, type HistoryEntry } from './lifecycle/probes.js';
import { APIS, commitLagBetween, lifecycleFigures, PINOT, READERS, stageProblems, transactionsBetween, type ApiName, type DeliveryCounts, type LifecycleLimits, type Reader, type StageRecord } from './lifecycle/report.js';
import { emitResult, runChild } from './child.js';

const STAGES = [
  { rate: 100, seconds: 40 },
  { rate: 1000, seconds: 40 },
];
const WARM_UP = { rate: 100, seconds: 10 };
const PRODUCE_EVERY_MS = 50;
/**
 * One order per PROBE_EVERY_MS of production is followed through both APIs. Few on purpose: every
 * pending probe costs the uncached API five Pinot queries per read, so the bench's own reads grow
 * with their number; the stage table reports them (reads/s -> Pinot queries/s).
 */
const PROBE_EVERY_MS = 2000;
const POLL_EVERY_MS = 200;
/** The busiest processes a stage reports (CPU while producing). */
const CPU_TOP = 8;
/** How often the API readers look for probes due a read. */
const SCHEDULE_EVERY_MS = 20;
/** After the last order of a stage, how long its orders may take to be delivered and shown. */
const SETTLE_MS = 30_000;
const LIMITS: LifecycleLimits = { minProducedRatio: 0.95, intakeP95Ms: 5000 };
const TARGET_P95_MS = 1000;
/**
 * The delivery-service's clock, sped up: kitchen steps of 0.5-2 s (30-120 s / 60) and a courier fast
 * enough to cover the synthetic orders' 3.8 km in about a second, with a position every 500 ms,
 * so an order lives about 6 s and 1,000 orders/s keep about 6,000 in flight.
 */
const DELIVERY_ENV = { DELIVERY_SPEEDUP: '60', DELIVERY_COURIER_KMH: '250', DELIVERY_MIN_POSITION_INTERVAL_MS: '500' };
const PRODUCT = { id: 'bench-lifecycle-product', name: 'bench', description: 'lifecycle bench', category: 'bench', image: '/x.jpg', price: 500 };

const log = createLogger('lifecycle-bench');
const cfg = loadConfig(infraEnvSchema, process.env, 'lifecycle bench');
const kafka = createKafkaClient({ brokers: cfg.KAFKA_BROKERS, clientId: 'lifecycle-bench', log });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progress = (line: string) => console.error(`[lifecycle] ${line}`);

interface Services {
  delivery: ServiceProcess;
  apis: ServiceProcess[];
  deliveryUrl: string;
  apiUrls: Record<ApiName, string>;
}

async function startServices(pipeline: PrivatePipeline): Promise<Services> {
  const deliveryPort = benchPort('lifecycleDelivery');
  const ports: Record<ApiName, number> = { cached: benchPort('lifecycleApi'), uncached: benchPort('lifecycleApiUncached') };
  const delivery = startService('delivery-service/src/main.ts', { ...infraEnv(cfg), ...pipeline.env, ...DELIVERY_ENV, DELIVERY_HTTP_PORT: String(deliveryPort), DELIVERY_HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
  const apis = APIS.map((api) =>
    startService('pizzashop-api/src/main.ts', { ...infraEnv(cfg), ...pipeline.env, API_HTTP_PORT: String(ports[api]), API_HTTP_HOST: '127.0.0.1', ...(api === 'cached' ? {} : { QUERY_CACHE_TTL_MS: '0', ORDER_CACHE_TTL_MS: '0' }), LOG_LEVEL: 'warn' }),
  );
  try {
    // 300 s: on the shared 2-core machine (load average 30-60) tsx alone takes minutes to start a service
    await waitForHttpOk(`http://127.0.0.1:${deliveryPort}/readyz`, 300_000, delivery);
    for (const [i, api] of APIS.entries()) await waitForHttpOk(`http://127.0.0.1:${ports[api]}/readyz`, 300_000, apis[i]);
  } catch (err) {
    await Promise.all([delivery, ...apis].map((s) => s.stop()));
    throw err;
  }
  return { delivery, apis, deliveryUrl: `http://127.0.0.1:${deliveryPort}`, apiUrls: { cached: `http://127.0.0.1:${ports.cached}`, uncached: `http://127.0.0.1:${ports.uncached}` } };
}

/** What one reader did over a stage: its longest single read, failed reads and reads sent. */
interface ReaderOutcome {
  longestReadMs: number;
  errors: number;
  reads: number;
}

const bound = (le: string | undefined) => (le === '+Inf' ? Infinity : Number(le));

/** The delivery-service's counters: status changes published (all, and DELIVERED), its commit-lag histogram (cumulative count per upper bound in s, sum in s), its transactions (count, time) and its CPU time. */
async function deliveryCounts(url: string): Promise<DeliveryCounts> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
  // labels in any order: status and the registry's default `component`
  const rows = [...text.matchAll(/^delivery_statuses_published_total\{([^}]*)\} (\d+)$/gm)].map((m) => ({ status: /status="([A-Z_]+)"/.exec(m[1]!)?.[1], count: Number(m[2]) }));
  const buckets = [...text.matchAll(/^delivery_status_commit_lag_seconds_bucket\{([^}]*)\} (\d+)$/gm)].map((m) => ({ le: bound(/le="([^"]+)"/.exec(m[1]!)?.[1]), count: Number(m[2]) }));
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    statuses: rows.reduce((n, r) => n + r.count, 0),
    delivered: rows.find((r) => r.status === 'DELIVERED')?.count ?? 0,
    lag: { buckets, sum: value('delivery_status_commit_lag_seconds_sum') },
    transactions: { count: value('delivery_transaction_seconds_count'), seconds: value('delivery_transaction_seconds_sum') },
    cpuSeconds: value('process_cpu_seconds_total'),
  };
}

/** Produces `rate` orders/s for `seconds`, one batch every PRODUCE_EVERY_MS; adds one probe per PROBE_EVERY_MS. Returns orders sent and the rate. */
async function produce(producer: Producer, topic: string, ledger: ProbeLedger, rate: number, seconds: number): Promise<{ sent: number; rate: number }> {
  const started = monotonicMs();
  let sent = 0;
  let probes = 0;
  while (monotonicMs() - started < seconds * 1000) {
    const tick = monotonicMs();
    const due = Math.floor((rate * (tick - started)) / 1000) - sent;
    if (due > 0) {
      const orders: Order[] = Array.from({ length: due }, () => buildOrder(randomUUID(), Date.now(), 1, [{ product: PRODUCT, quantity: 1 }]).order);
      const probesDue = Math.min(due, Math.floor((tick - started) / PROBE_EVERY_MS) + 1 - probes);
      const sentAt = Date.now();
      await sendJson(producer, topic, orders.map((o) => ({ key: o.id, value: o })));
      for (const o of orders.slice(0, probesDue)) ledger.add(o.id, sentAt);
      probes += Math.max(0, probesDue);
      sent += due;
    }
    await sleep(Math.max(0, PRODUCE_EVERY_MS - (monotonicMs() - tick)));
  }
  return { sent, rate: sent / ((monotonicMs() - started) / 1000) };
}

/**
 * Polls each pending probe through one API every POLL_EVERY_MS on its own cadence (a slow answer for
 * one probe delays no other probe's next read) until `finished()`; returns its longest read and
 * error count.
 */
async function pollApi(url: string, api: ApiName, ledger: ProbeLedger, finished: () => boolean): Promise<ReaderOutcome> {
  let longestReadMs = 0;
  let errors = 0;
  let reads = 0;
  const lastAsked = new Map<string, number>();
  const inFlight = new Map<string, Promise<void>>();
  const ask = async (id: string) => {
    const started = monotonicMs();
    try {
      const res = await fetch(`${url}/orders/${id}`, { signal: AbortSignal.timeout(10_000) });
      if (res.status === 404) return;
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
      const body = (await res.json()) as { tracking: { history: HistoryEntry[] } };
      ledger.observe(api, id, Date.now(), body.tracking.history);
    } catch (err) {
      errors++;
      if (errors <= 3) log.warn({ err, api, id }, 'GET /orders/{id} failed');
    } finally {
      longestReadMs = Math.max(longestReadMs, Math.round(monotonicMs() - started));
      inFlight.delete(id);
    }
  };
  while (!finished()) {
    const now = monotonicMs();
    for (const id of ledger.pending(api)) {
      if (inFlight.has(id) || now - (lastAsked.get(id) ?? -Infinity) < POLL_EVERY_MS) continue;
      lastAsked.set(id, now);
      reads++;
      inFlight.set(id, ask(id));
    }
    await sleep(SCHEDULE_EVERY_MS);
  }
  await Promise.all(inFlight.values());
  return { longestReadMs, errors, reads };
}

/**
 * The stage split's middle mark: every POLL_EVERY_MS one query straight to the Pinot broker for the
 * status history of every pending probe (what the API's history query reads, without the API).
 */
async function pollPinot(pinot: PinotClient, table: string, ledger: ProbeLedger, finished: () => boolean): Promise<ReaderOutcome> {
  let longestReadMs = 0;
  let errors = 0;
  let reads = 0;
  while (!finished()) {
    const started = monotonicMs();
    const ids = ledger.pending(PINOT);
    if (ids.length > 0) {
      reads++;
      try {
        const result = await pinot.query(sql`SELECT id, status, ts FROM ${identifier(table)} WHERE id IN ${sqlList(ids)} ORDER BY ts LIMIT 10000 OPTION(skipUpsert=true)`, { name: 'probe-history' });
        const answeredAt = Date.now();
        const histories = new Map<string, HistoryEntry[]>(ids.map((id) => [id, []]));
        for (const [id, status, ts] of result.rows) histories.get(String(id))?.push({ status: String(status), at: new Date(timestampMs(ts)).toISOString() });
        for (const [id, history] of histories) ledger.observe(PINOT, id, answeredAt, history);
      } catch (err) {
        errors++;
        if (errors <= 3) log.warn({ err }, 'direct Pinot read of the probes failed');
      }
    }
    longestReadMs = Math.max(longestReadMs, Math.round(monotonicMs() - started));
    await sleep(Math.max(0, POLL_EVERY_MS - (monotonicMs() - started)));
  }
  return { longestReadMs, errors, reads };
}

async function runStage(producer: Producer, pipeline: PrivatePipeline, services: Services, pinot: PinotClient, rate: number, seconds: number, label: string): Promise<StageRecord> {
  const ledger = new ProbeLedger(READERS);
  const before = await deliveryCounts(services.deliveryUrl);
  const queriesBefore = await Promise.all(APIS.map((api) => apiPinotQueryCount(services.apiUrls[api])));
  const readStarted = monotonicMs();
  let producing = true;
  let settleUntil = Number.POSITIVE_INFINITY;
  const finished = () => (!producing && ledger.allDone()) || monotonicMs() > settleUntil;
  const readers = Promise.all([...APIS.map((api) => pollApi(services.apiUrls[api], api, ledger, finished)), pollPinot(pinot, pipeline.lifecycle!.tables!.orderStatuses, ledger, finished)]);
  let produced = { sent: 0, rate: 0 };
  let during = before;
  const cpuBefore = cpuSnapshot();
  const producingFrom = monotonicMs();
  let cpu: StageRecord['cpuByProcess'] = [];
  try {
    produced = await produce(producer, pipeline.topics.orders, ledger, rate, seconds);
    cpu = cpuShares(cpuBefore, cpuSnapshot(), (monotonicMs() - producingFrom) / 1000).slice(0, CPU_TOP);
    during = await deliveryCounts(services.deliveryUrl);
  } finally {
    producing = false;
    settleUntil = monotonicMs() + SETTLE_MS;
  }
  const reads = await readers;
  const readSeconds = (monotonicMs() - readStarted) / 1000;
  const queriesAfter = await Promise.all(APIS.map((api) => apiPinotQueryCount(services.apiUrls[api])));
  const perSecond = (n: number) => Math.round(n / readSeconds);
  let after = await deliveryCounts(services.deliveryUrl);
  while (after.delivered - before.delivered < produced.sent && monotonicMs() < settleUntil) {
    await sleep(500);
    after = await deliveryCounts(services.deliveryUrl);
  }
  const outcome = { targetRate: rate, producedRate: Math.round(produced.rate), produced: produced.sent, delivered: after.delivered - before.delivered, account: ledger.account(), settleMs: SETTLE_MS };
  const problems = stageProblems(outcome, LIMITS);
  const stage: StageRecord = {
    ...outcome,
    label,
    seconds,
    producedRatio: Number((produced.rate / rate).toFixed(3)),
    statusesPerSecond: Math.round((during.statuses - before.statuses) / seconds),
    commitLag: commitLagBetween(before.lag, after.lag),
    transactions: transactionsBetween(before, during, seconds),
    deliveryCpu: {
      shareOfACore: Number(((during.cpuSeconds - before.cpuSeconds) / seconds).toFixed(2)),
      microsPerChange: after.statuses > before.statuses ? Math.round(((after.cpuSeconds - before.cpuSeconds) * 1e6) / (after.statuses - before.statuses)) : null,
    },
    longestReadMs: { cached: reads[0]!.longestReadMs, uncached: reads[1]!.longestReadMs, pinot: reads[2]!.longestReadMs },
    readErrors: { cached: reads[0]!.errors, uncached: reads[1]!.errors, pinot: reads[2]!.errors },
    cpuByProcess: cpu,
    readLoad: {
      readsPerSecond: { cached: perSecond(reads[0]!.reads), uncached: perSecond(reads[1]!.reads), pinot: perSecond(reads[2]!.reads) },
      pinotQueriesPerSecond: { cached: perSecond(queriesAfter[0]! - queriesBefore[0]!), uncached: perSecond(queriesAfter[1]! - queriesBefore[1]!), pinot: perSecond(reads[2]!.reads) },
    },
    problems,
    sustained: problems.length === 0,
  };
  const p = (api: Reader) => {
    const s = stage.account.visible[api]!;
    return `p50 ${s.p50.ms ?? 'n/m'} p95 ${s.p95.ms ?? 'n/m'} p99 ${s.p99.ms ?? 'n/m'} max ${s.maxMs ?? 'n/m'} ms`;
  };
  progress(
    `${label}: produced ${stage.producedRate}/s, ${stage.statusesPerSecond} statuses/s, planned -> committed mean ${stage.commitLag.meanMs ?? 'n/m'} ms, p95 <= ${stage.commitLag.p95UpToMs ?? 'n/m'} ms, delivery-service CPU ${stage.deliveryCpu.shareOfACore} of a core, ${stage.deliveryCpu.microsPerChange ?? 'n/m'} µs per change; transactions ${stage.transactions.perSecond}/s of mean ${stage.transactions.meanMs ?? 'n/m'} ms; Pinot direct ${p('pinot')}; cached API ${p('cached')}; uncached API ${p('uncached')}; ` +
      `${stage.account.visible.cached!.samples} changes of ${stage.account.probes} probes; CPU while producing: ${cpu.map((c) => `${c.process} ${c.cores}`).join(', ')}; ${problems.length ? `NOT carried: ${problems.join('; ')}` : 'carried'}`,
  );
  return stage;
}

async function main(): Promise<void> {
  const out = process.argv[2];
  const pipeline = await createPrivatePipeline(cfg, 'lifecycle', log, { pinot: true, lifecycle: true });
  progress(`private topics ${pipeline.topics.orders}, ${pipeline.lifecycle?.orderStatuses} ...; tables ${Object.values(pipeline.lifecycle?.tables ?? {}).join(', ')} ...`);
  const producer = createIdempotentProducer(kafka);
  const pinot = new PinotClient({ brokerUrls: cfg.PINOT_BROKER_URLS, timeoutMs: 10_000 });
  const stages: StageRecord[] = [];
  let services: Services | undefined;
  const stop = async () => {
    if (services) await Promise.all([services.delivery, ...services.apis].map((s) => s.stop()));
  };
  onShutdown(log, async () => {
    await producer.disconnect();
    await stop();
    await pipeline.drop();
  });
  try {
    services = await startServices(pipeline);
    try {
      await producer.connect();
      await runStage(producer, pipeline, services, pinot, WARM_UP.rate, WARM_UP.seconds, 'warm-up');
      for (const { rate, seconds } of STAGES) stages.push(await runStage(producer, pipeline, services, pinot, rate, seconds, `${rate.toLocaleString('en')} orders/s`));
    } finally {
      await producer.disconnect();
      await pinot.close();
      await stop();
    }
  } finally {
    await pipeline.drop();
  }
  const result = {
    ...lifecycleFigures(stages, TARGET_P95_MS),
    stages,
    method:
      'Private topics and Pinot tables (orders, order_items_enriched, order_statuses, delivery_statuses from docker/pinot/config), its own delivery-service ' +
      `(${Object.entries(DELIVERY_ENV).map(([k, v]) => `${k}=${v}`).join(', ')}) and two pizzashop-api (default caches, i.e. ORDER_CACHE_TTL_MS=250 for GET /orders/{id}, and every cache off), dropped afterwards. ` +
      `Stages of ${STAGES.map((s) => `${s.rate} orders/s for ${s.seconds} s`).join(', ')} after a ${WARM_UP.seconds} s warm-up at ${WARM_UP.rate}/s. ` +
      `One order per ${PROBE_EVERY_MS} ms of production is polled through GET /orders/{id} on both APIs every ${POLL_EVERY_MS} ms, each probe on its own cadence (or when its last read answered, if later), until its history shows DELIVERED, ` +
      `and all pending probes' status histories straight from the Pinot broker in one query every ${POLL_EVERY_MS} ms (the stage split); ` +
      'latency of a status change = wall-clock answer time of the first answer whose history holds it minus its ts (same host). ' +
      `A change not seen ${SETTLE_MS / 1000} s after the stage's last order is missing; a percentile among the missing is not stated. ` +
      `Load carried = >= ${LIMITS.minProducedRatio} of the target produced, every order DELIVERED (delivery-service metrics), every probe complete on both APIs, no duplicate status, order -> PLACED_ORDER p95 < ${LIMITS.intakeP95Ms} ms.`,
  };
  emitResult(result, out);
}

runChild(main, log, 'lifecycle');
