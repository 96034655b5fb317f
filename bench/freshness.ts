/**
 * End-to-end freshness benchmark, run by `npm run bench` as `node --import tsx bench/freshness.ts OUT.json`
 * against a running stack (with or without `npm start` beside it).
 *
 * It measures only what it produced, on private copies of the pipeline (testkit/src/bench/private-pipeline.ts):
 * its own Kafka topics, its own Pinot tables made from docker/pinot/config/*, its own enricher and
 * its own pizzashop-api reading those tables (its default caches), all dropped or stopped at
 * the end, so the stack's tables get no bench rows and the stack's traffic cannot enter the counts.
 * Each order is followed by id (bench/freshness/ledger.ts): from the Kafka ack of its produce batch
 * to its first sight in Pinot `orders`, to every one of its lines in `order_items_enriched`, and,
 * for one order every 200 ms, to `GET /orders/{id}` showing it with every line joined.
 * Stages: 100 and 1,000 orders/s, then a ramp (bench/freshness/ramp.ts) that stops at the first rate
 * where an order or line goes missing, a p95 passes 5 s or the produced rate falls short.
 */
import { randomUUID } from 'node:crypto';
import {
  infraEnv,
  createIdempotentProducer,
  createKafkaClient,
  createLogger,
  infraEnvSchema,
  loadConfig,
  onShutdown,
  orderTotal,
  PinotClient,
  sendJson,
  type InfraConfig,
  type Order,
} from '@pizzashop/common';
import type { Producer } from 'kafkajs';
import mysql from 'mysql2/promise';
import { type ServiceProcess, startService, waitForHttpOk } from '@pizzashop/testkit';
import { loadProducts, type CatalogueProduct } from '@pizzashop/orders-service';
import { StageLedger, type BenchOrder } from './freshness/ledger.js';
import { emitResult, runChild } from './child.js';
import { plannedRates, rampVerdict, stageProblems, type RampLimits } from './freshness/ramp.js';
import { countDuplicates, POLL_EVERY_MS, pollPinot, probeApi, type PrivateTables } from './freshness/readers.js';
import { freshnessFigures, type StageRecord } from './freshness/report.js';
import { benchPort, createPrivatePipeline, monotonicMs, type PrivatePipeline } from '@pizzashop/testkit/bench';

const STAGE_SECONDS = 20;
const PRODUCE_EVERY_MS = 50;
/** One order per PROBE_EVERY_MS of production is followed through the API (5 orders/s). */
const PROBE_EVERY_MS = 200;
/** After the last ack of a stage, how long its stragglers may take to show up. */
const SETTLE_MS = 30_000;
/** Short unreported stages until the pipeline is warm (new tables, a new enricher). */
const WARM_UP = { rate: 100, seconds: 5, attempts: 4, p95Ms: 2000 };
const LIMITS: RampLimits = { p95Ms: 5000, minProducedRatio: 0.95 };
const TARGET_P95_MS = 2000;
const CEILING = { seconds: 5, batch: 2000 };
/** The API's default ORDER_CACHE_TTL_MS (the cache of GET /orders/{id}), set explicitly so the figure is what a customer polling an order sees. */
const API_CACHE_TTL_MS = 250;

const log = createLogger('freshness-bench');
const cfg = loadConfig(infraEnvSchema, process.env, 'freshness bench');
const kafka = createKafkaClient({ brokers: cfg.KAFKA_BROKERS, clientId: 'freshness-bench', log });
const pinot = new PinotClient({ brokerUrls: cfg.PINOT_BROKER_URLS, timeoutMs: 5000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progress = (line: string) => console.error(`[freshness] ${line}`);

async function loadCatalogue(config: InfraConfig): Promise<CatalogueProduct[]> {
  const pool = mysql.createPool({ host: config.MYSQL_HOST, port: config.MYSQL_PORT, user: config.MYSQL_USER, password: config.MYSQL_PASSWORD, database: config.MYSQL_DATABASE, connectionLimit: 1, decimalNumbers: true });
  try {
    const products = await loadProducts(pool);
    if (products.length < 2) throw new Error(`freshness bench: fewer than 2 products in MariaDB ${config.MYSQL_HOST}:${config.MYSQL_PORT}/${config.MYSQL_DATABASE}; is the stack seeded (npm run stack:status)?`);
    return products;
  } finally {
    await pool.end();
  }
}

/** An order of 1 or 2 distinct products (so each line is known by order id and product id). */
function orderFor(catalogue: CatalogueProduct[], createdAtMs: number): Order {
  const first = Math.floor(Math.random() * catalogue.length);
  const picks = Math.random() < 0.5 ? [first] : [first, (first + 1 + Math.floor(Math.random() * (catalogue.length - 1))) % catalogue.length];
  const items = picks.map((i) => {
    const product = catalogue[i] as CatalogueProduct;
    return { productId: product.id, quantity: 1 + Math.floor(Math.random() * 3), price: product.price };
  });
  return { id: randomUUID(), createdAt: new Date(createdAtMs).toISOString(), userId: 1 + Math.floor(Math.random() * 3000), status: 'PLACED_ORDER', price: orderTotal(items), items, deliveryLat: 12.97, deliveryLon: 77.59 };
}

/** Produces `rate` orders/s for `seconds` in batches every PRODUCE_EVERY_MS, recording each batch in the ledger; returns the produced rate. */
async function produce(producer: Producer, topic: string, ledger: StageLedger, catalogue: CatalogueProduct[], rate: number, seconds: number): Promise<number> {
  const started = monotonicMs();
  let sent = 0;
  let probed = 0;
  let lastCreatedAt = 0;
  while (monotonicMs() - started < seconds * 1000) {
    const tick = monotonicMs();
    const due = Math.floor((rate * (tick - started)) / 1000) - sent;
    if (due > 0) {
      const createdAtMs = Math.max(Date.now(), lastCreatedAt + 1);
      lastCreatedAt = createdAtMs;
      const orders = Array.from({ length: due }, () => orderFor(catalogue, createdAtMs));
      const entries: BenchOrder[] = orders.map((o) => ({ id: o.id, lines: o.items.map((i) => i.productId) }));
      const sentAt = monotonicMs();
      // one probe per PROBE_EVERY_MS of production, however the batches fall (under load they grow and slow down)
      const probes = entries.slice(0, Math.max(0, Math.floor((sentAt - started) / PROBE_EVERY_MS) + 1 - probed));
      probed += probes.length;
      const batch = ledger.sending(entries, createdAtMs, sentAt, probes);
      await sendJson(producer, topic, orders.map((o) => ({ key: o.id, value: o })));
      ledger.acked(batch, monotonicMs());
      sent += due;
    }
    await sleep(Math.max(0, PRODUCE_EVERY_MS - (monotonicMs() - tick)));
  }
  return sent / ((monotonicMs() - started) / 1000);
}

/** Orders/s the bench's producer sends on its own, back to back, to a topic nothing reads. */
async function producerCeiling(producer: Producer, topic: string, catalogue: CatalogueProduct[]): Promise<number> {
  const started = monotonicMs();
  let sent = 0;
  while (monotonicMs() - started < CEILING.seconds * 1000) {
    const createdAtMs = Date.now();
    await sendJson(producer, topic, Array.from({ length: CEILING.batch }, () => orderFor(catalogue, createdAtMs)).map((o) => ({ key: o.id, value: o })));
    sent += CEILING.batch;
  }
  return sent / ((monotonicMs() - started) / 1000);
}

const maxOf = (values: number[]) => values.reduce((m, v) => Math.max(m, v), 0);

async function runStage(producer: Producer, pipeline: PrivatePipeline, apiUrl: string, catalogue: CatalogueProduct[], rate: number, seconds: number, label: string): Promise<StageRecord> {
  const tables = pipeline.tables as PrivateTables;
  const ledger = new StageLedger();
  let producing = true;
  let settleUntil = Number.POSITIVE_INFINITY;
  const finished = (surface: 'orders' | 'items' | 'api') => () => (!producing && ledger.allSeen(surface)) || monotonicMs() > settleUntil;
  const readers = Promise.all([
    pollPinot(pinot, tables, ledger, 'orders', finished('orders'), log),
    pollPinot(pinot, tables, ledger, 'items', finished('items'), log),
    probeApi(apiUrl, ledger, finished('api'), log),
  ]);
  let producedRate = 0;
  try {
    producedRate = await produce(producer, pipeline.topics.orders, ledger, catalogue, rate, seconds);
  } finally {
    producing = false;
    settleUntil = monotonicMs() + SETTLE_MS;
  }
  const [orders, items, api] = await readers;
  await countDuplicates(pinot, tables, ledger);
  const account = ledger.account();
  const problems = stageProblems({ targetRate: rate, producedRate, account, settleMs: SETTLE_MS }, LIMITS);
  const stage: StageRecord = {
    label,
    targetRate: rate,
    seconds,
    producedRate: Math.round(producedRate),
    producedRatio: Number((producedRate / rate).toFixed(3)),
    ...account,
    readCycleMaxMs: { orders: maxOf(orders.cycleMs), items: maxOf(items.cycleMs), api: maxOf(api.cycleMs) },
    readErrors: { orders: orders.errors, items: items.errors, api: api.errors },
    problems,
    sustainable: problems.length === 0,
  };
  const p = (s: StageRecord['ordersFreshnessMs']) => `p50 ${s.p50.ms ?? 'n/m'} p95 ${s.p95.ms ?? 'n/m'} p99 ${s.p99.ms ?? 'n/m'} ms`;
  progress(
    `${label}: produced ${stage.producedRate}/s (${stage.producedRatio} of ${rate}); orders ${p(account.ordersFreshnessMs)}; items ${p(account.itemsFreshnessMs)}; ` +
      `api ${p(account.apiFreshnessMs)} over ${account.apiProbes} probes; ${problems.length ? `NOT sustainable: ${problems.join('; ')}` : 'sustainable'}`,
  );
  return stage;
}

async function startServices(pipeline: PrivatePipeline): Promise<{ enricher: ServiceProcess; api: ServiceProcess; apiUrl: string }> {
  const enricherPort = benchPort('freshnessEnricher');
  const apiPort = benchPort('freshnessApi');
  const enricher = startService('enricher/src/main.ts', {
    ...infraEnv(cfg),
    ...pipeline.env,
    ENRICHER_HTTP_PORT: String(enricherPort),
    ENRICHER_HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
  const api = startService('pizzashop-api/src/main.ts', { ...pipeline.env, API_HTTP_PORT: String(apiPort), API_HTTP_HOST: '127.0.0.1', ORDER_CACHE_TTL_MS: String(API_CACHE_TTL_MS), LOG_LEVEL: 'warn' });
  try {
    await waitForHttpOk(`http://127.0.0.1:${enricherPort}/readyz`, 150_000, enricher);
    await waitForHttpOk(`http://127.0.0.1:${apiPort}/readyz`, 60_000, api);
  } catch (err) {
    await Promise.all([enricher.stop(), api.stop()]);
    throw err;
  }
  return { enricher, api, apiUrl: `http://127.0.0.1:${apiPort}` };
}

async function main(): Promise<void> {
  const out = process.argv[2];
  const catalogue = await loadCatalogue(cfg);
  const pipeline = await createPrivatePipeline(cfg, 'freshness', log, { pinot: true });
  progress(`private topics ${pipeline.topics.orders} ..., tables ${pipeline.tables?.orders}, ${pipeline.tables?.orderItems}`);
  const producer = createIdempotentProducer(kafka);
  const warmUp: StageRecord[] = [];
  const stages: StageRecord[] = [];
  let planned: number[] = [];
  let ceiling = 0;
  let services: Awaited<ReturnType<typeof startServices>> | undefined;
  // Interrupted (Ctrl-C, kill): stop the bench's services and drop its private copies before exiting.
  onShutdown(log, async () => {
    await producer.disconnect();
    if (services) await Promise.all([services.enricher.stop(), services.api.stop()]);
    await pipeline.drop();
  });
  try {
    services = await startServices(pipeline);
    try {
      await producer.connect();
      for (let attempt = 1; attempt <= WARM_UP.attempts; attempt++) {
        const stage = await runStage(producer, pipeline, services.apiUrl, catalogue, WARM_UP.rate, WARM_UP.seconds, `warm-up ${attempt}`);
        warmUp.push(stage);
        if (stage.sustainable && [stage.ordersFreshnessMs, stage.itemsFreshnessMs, stage.apiFreshnessMs].every((s) => (s.p95.ms ?? Infinity) < WARM_UP.p95Ms)) break;
      }
      ceiling = await producerCeiling(producer, pipeline.topics.scratch, catalogue);
      planned = plannedRates(ceiling);
      progress(`bench producer alone: ${Math.round(ceiling)} orders/s; planned rates ${planned.join(', ')}`);
      for (const rate of planned) {
        const stage = await runStage(producer, pipeline, services.apiUrl, catalogue, rate, STAGE_SECONDS, `${rate.toLocaleString('en')} orders/s`);
        stages.push(stage);
        if (!stage.sustainable) break;
      }
    } finally {
      await producer.disconnect();
      await Promise.all([services.enricher.stop(), services.api.stop()]);
    }
  } finally {
    await pipeline.drop();
    await pinot.close();
  }

  const verdict = rampVerdict(
    stages.map((s) => ({ targetRate: s.targetRate, problems: s.problems })),
    planned,
    ceiling,
  );
  progress(`ramp ${verdict.reason}; last good rate ${verdict.lastGoodRate ?? 'none'}`);
  const report = freshnessFigures({ stages, planned, verdict, producerCeiling: ceiling, limits: LIMITS, targetP95Ms: TARGET_P95_MS });
  const result = {
    ...report,
    ramp: verdict,
    producerCeilingOrdersPerSecond: Math.round(ceiling),
    stages,
    warmUp,
    method:
      'Private topics, Pinot tables (from docker/pinot/config), enricher and API per run, dropped afterwards; orders followed by id. ' +
      'freshness = answer time of the first read that shows the order (sent after the order was acknowledged) minus the Kafka ack of its produce batch (batches every 50 ms, acks=-1), on a monotonic clock; ' +
      `Pinot read every ${POLL_EVERY_MS} ms per pending ts range; items = every line (order id, product id) present; api = GET /orders/{id} of one order every ${PROBE_EVERY_MS} ms answering with every line joined to its product (ORDER_CACHE_TTL_MS=${API_CACHE_TTL_MS}); ` +
      `an order not seen ${SETTLE_MS / 1000} s after the last ack is missing, and a percentile that falls among missing orders is not stated. ` +
      `sustainable = nothing missing or duplicated, every p95 under ${LIMITS.p95Ms} ms, >= ${LIMITS.minProducedRatio} of the target rate produced; ${STAGE_SECONDS} s per rate after up to ${WARM_UP.attempts} unreported ${WARM_UP.seconds} s warm-up stages.`,
  };
  emitResult(result, out);
}

runChild(main, log, 'freshness');
