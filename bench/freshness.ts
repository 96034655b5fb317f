/**
 * End-to-end freshness benchmark (issue 7 item 4), run by `npm run bench` as
 * `node --import tsx bench/freshness.ts OUT.json` against a running stack.
 *
 * Produces its own orders onto the real `orders` topic (idempotent producer, key = order id) in
 * batches every 50 ms, each stage tagged with its own `status` (BENCH_<runId>_<rate>) and
 * `createdAt` = now. An order's freshness is the time from Kafka acknowledging its batch to its
 * first sight in Pinot `orders` (polled every 100 ms through the broker) and, separately, to its
 * items being queryable in `order_items_enriched` (enriched by the running enricher of group
 * `enricher` when one is active, else by an enricher started here whose own group starts at the
 * end of `orders`, stopped by PID at the end), and to its being counted by `GET /orders/overview`
 * of a pizzashop-api started here (default 1 s query cache, as a dashboard sees it; stopped by PID
 * at the end). Stages: 100 and 1,000 orders/s, then a ramp (2,000, 4,000 orders/s) kept while the
 * Pinot p95s stay under 5 s and every order arrives.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import {
  createIdempotentProducer,
  createKafkaClient,
  createLogger,
  infraEnvSchema,
  loadConfig,
  orderTotal,
  PinotClient,
  sendJson,
  sql,
  type InfraConfig,
  type Order,
} from '@pizzashop/common';
import type { Kafka, Producer } from 'kafkajs';
import mysql from 'mysql2/promise';
import { serviceEnvOf } from '../common/test/support/env.js';
import { startService, waitForHttpOk, type ServiceProcess } from '../common/test/support/services.js';
import { loadProducts, type CatalogueProduct } from '../orders-service/src/catalogue.js';

const STAGE_SECONDS = 20;
const PRODUCE_EVERY_MS = 50;
const POLL_EVERY_MS = 100;
/** After the last order of a stage is acknowledged, how long its stragglers may take to show up. */
const SETTLE_MS = 30_000;
const RAMP_RATES = [2000, 3000, 4000];
/** Short unreported stages until the pipeline is warm (Pinot consumers or the enricher may have just started). */
const WARM_UP = { rate: 100, seconds: 5, attempts: 4, p95Ms: 2000 };
const SUSTAINABLE_P95_MS = 5000;
const ENRICHER_PORT = 18682;
const PRODUCT_GROUP = 'enricher';
const API_PORT = 18683;
/** The API's default QUERY_CACHE_TTL_MS, set explicitly so the figure is what a dashboard sees. */
const API_CACHE_TTL_MS = 1000;
const API_OVERVIEW_URL = `http://127.0.0.1:${API_PORT}/orders/overview?window=1h`;
/** Reads of the API count before a stage, waiting for two reads one cache TTL apart to agree. */
const BASELINE_ATTEMPTS = 10;

const log = createLogger('freshness-bench');
const cfg = loadConfig(infraEnvSchema, process.env, 'freshness bench');
const kafka = createKafkaClient({ brokers: cfg.KAFKA_BROKERS, clientId: 'freshness-bench', log });
const pinot = new PinotClient({ brokerUrls: cfg.PINOT_BROKER_URLS, timeoutMs: 5000 });
const runId = Date.now().toString(36);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Produced {
  id: string;
  createdAtMs: number;
  ackedAtMs: number;
}

/** One read of `totalOrders` from /orders/overview and when its answer arrived. */
interface ApiCount {
  atMs: number;
  totalOrders: number;
}

interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

interface StageResult {
  targetRate: number;
  producedRate: number;
  orders: number;
  ordersSeen: number;
  itemsSeen: number;
  apiCounted: number;
  ordersFreshnessMs: Percentiles | null;
  itemsFreshnessMs: Percentiles | null;
  apiFreshnessMs: Percentiles | null;
  /** The API's totalOrders never settled before the stage: another producer is writing to `orders`. */
  apiBaselineUnsettled: boolean;
  sustainable: boolean;
}

async function loadCatalogue(config: InfraConfig): Promise<CatalogueProduct[]> {
  const pool = mysql.createPool({ host: config.MYSQL_HOST, port: config.MYSQL_PORT, user: config.MYSQL_USER, password: config.MYSQL_PASSWORD, database: config.MYSQL_DATABASE, connectionLimit: 1, decimalNumbers: true });
  try {
    const products = await loadProducts(pool);
    if (products.length === 0) throw new Error(`freshness bench: no products in MariaDB ${config.MYSQL_HOST}:${config.MYSQL_PORT}/${config.MYSQL_DATABASE}; is the stack seeded (npm run stack:status)?`);
    return products;
  } finally {
    await pool.end();
  }
}

function orderFor(catalogue: CatalogueProduct[], status: string, createdAtMs: number): Order {
  const pick = () => catalogue[Math.floor(Math.random() * catalogue.length)] as CatalogueProduct;
  const items = Array.from({ length: 1 + Math.floor(Math.random() * 2) }, () => {
    const product = pick();
    return { productId: product.id, quantity: 1 + Math.floor(Math.random() * 3), price: product.price };
  });
  return { id: randomUUID(), createdAt: new Date(createdAtMs).toISOString(), userId: 1 + Math.floor(Math.random() * 3000), status, price: orderTotal(items), items, deliveryLat: 12.97, deliveryLon: 77.59 };
}

/** Produces `rate` orders/s for `seconds` in batches every PRODUCE_EVERY_MS; returns each order with its ack time. */
async function produceStage(producer: Producer, catalogue: CatalogueProduct[], status: string, rate: number, seconds: number, sink: Produced[]): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor((rate * (Date.now() - started)) / 1000) - sink.length;
    if (due > 0) {
      const createdAtMs = Date.now();
      const orders = Array.from({ length: due }, () => orderFor(catalogue, status, createdAtMs));
      await sendJson(producer, cfg.ORDERS_TOPIC, orders.map((o) => ({ key: o.id, value: o })));
      const ackedAtMs = Date.now();
      for (const o of orders) sink.push({ id: o.id, createdAtMs, ackedAtMs });
    }
    await sleep(PRODUCE_EVERY_MS);
  }
  return sink.length / ((Date.now() - started) / 1000);
}

/**
 * Polls Pinot until every produced order was seen (or `deadline()` passes), recording first sight.
 * `idsSince(fromTs, toTs)` returns the ids Pinot holds for orders created in [fromTs, toTs]; the
 * window starts at the oldest order not yet seen, so each query returns about one freshness worth of rows.
 */
async function pollSeen(produced: Produced[], producing: () => boolean, deadline: () => number, idsSince: (fromTs: number, toTs: number) => Promise<string[]>): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  let firstUnseen = 0;
  while (Date.now() < deadline()) {
    while (firstUnseen < produced.length && seen.has((produced[firstUnseen] as Produced).id)) firstUnseen++;
    if (!producing() && firstUnseen >= produced.length) break;
    const oldest = produced[firstUnseen];
    const newest = produced.at(-1);
    if (oldest && newest) {
      const ids = await idsSince(oldest.createdAtMs, newest.createdAtMs).catch((err: unknown) => {
        log.warn({ err }, 'freshness poll failed; retrying');
        return [];
      });
      const now = Date.now();
      for (const id of ids) if (!seen.has(id)) seen.set(id, now);
    }
    await sleep(POLL_EVERY_MS);
  }
  return seen;
}

async function readApiCount(): Promise<ApiCount> {
  const res = await fetch(API_OVERVIEW_URL, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`freshness bench: GET ${API_OVERVIEW_URL} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  const body = (await res.json()) as { totalOrders: number };
  return { atMs: Date.now(), totalOrders: body.totalOrders };
}

/**
 * The API's totalOrders before a stage: reads one cache TTL apart until two agree (the previous
 * stage's orders are all counted and no cached answer is stale). `settled` is false when the count
 * kept moving, i.e. something else is producing orders.
 */
async function apiBaseline(): Promise<{ totalOrders: number; settled: boolean }> {
  let previous = (await readApiCount()).totalOrders;
  for (let attempt = 1; attempt <= BASELINE_ATTEMPTS; attempt++) {
    await sleep(API_CACHE_TTL_MS + 300);
    const current = (await readApiCount()).totalOrders;
    if (current === previous) return { totalOrders: current, settled: true };
    previous = current;
  }
  return { totalOrders: previous, settled: false };
}

/** Polls the API's totalOrders until it counts every produced order past `baseline` (or `deadline()` passes). */
async function pollApiCounts(baseline: number, produced: Produced[], producing: () => boolean, deadline: () => number): Promise<ApiCount[]> {
  const counts: ApiCount[] = [];
  while (Date.now() < deadline()) {
    if (!producing() && (counts.at(-1)?.totalOrders ?? baseline) >= baseline + produced.length) break;
    try {
      counts.push(await readApiCount());
    } catch (err) {
      log.warn({ err }, 'API overview poll failed; retrying');
    }
    await sleep(POLL_EVERY_MS);
  }
  return counts;
}

/** The i-th acknowledged order is counted at the first read whose totalOrders reaches baseline + i + 1. */
function apiCountedAt(produced: Produced[], baseline: number, counts: ApiCount[]): Map<string, number> {
  const counted = new Map<string, number>();
  let read = 0;
  produced.forEach((order, i) => {
    while (read < counts.length && (counts[read] as ApiCount).totalOrders < baseline + i + 1) read++;
    if (read < counts.length) counted.set(order.id, (counts[read] as ApiCount).atMs);
  });
  return counted;
}

function percentiles(values: number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted.at(-1) as number };
}

function freshness(produced: Produced[], seen: Map<string, number>): Percentiles | null {
  return percentiles(produced.flatMap((o) => (seen.has(o.id) ? [(seen.get(o.id) as number) - o.ackedAtMs] : [])));
}

async function runStage(producer: Producer, catalogue: CatalogueProduct[], rate: number, seconds = STAGE_SECONDS, label = String(rate)): Promise<StageResult> {
  const status = `BENCH_${runId}_${label}`;
  const produced: Produced[] = [];
  let producing = true;
  let settleUntil = Number.POSITIVE_INFINITY;
  const deadline = () => settleUntil;
  const baseline = await apiBaseline();
  const apiPoll = pollApiCounts(baseline.totalOrders, produced, () => producing, deadline);
  const ordersPoll = pollSeen(produced, () => producing, deadline, async (from, to) => {
    const r = await pinot.query(sql`SELECT id FROM orders WHERE status = ${status} AND ts >= ${from} AND ts <= ${to} LIMIT 100000`, { name: 'freshness-orders' });
    return r.rows.map((row) => String(row[0]));
  });
  const itemsPoll = pollSeen(produced, () => producing, deadline, async (from, to) => {
    const r = await pinot.query(sql`SELECT DISTINCT orderId FROM order_items_enriched WHERE ts >= ${from} AND ts <= ${to} LIMIT 100000`, { name: 'freshness-items' });
    return r.rows.map((row) => String(row[0]));
  });
  let producedRate = 0;
  try {
    producedRate = await produceStage(producer, catalogue, status, rate, seconds, produced);
  } finally {
    producing = false;
    settleUntil = Date.now() + SETTLE_MS;
  }
  const [ordersSeen, itemsSeen, apiCounts] = await Promise.all([ordersPoll, itemsPoll, apiPoll]);
  const apiCounted = apiCountedAt(produced, baseline.totalOrders, apiCounts);
  const ordersFreshnessMs = freshness(produced, ordersSeen);
  const itemsFreshnessMs = freshness(produced, itemsSeen);
  const complete = ordersSeen.size === produced.length && itemsSeen.size === produced.length;
  const underLimit = [ordersFreshnessMs, itemsFreshnessMs].every((p) => p === null || p.p95 < SUSTAINABLE_P95_MS);
  const result: StageResult = {
    targetRate: rate,
    producedRate: Math.round(producedRate),
    orders: produced.length,
    ordersSeen: ordersSeen.size,
    itemsSeen: itemsSeen.size,
    apiCounted: apiCounted.size,
    ordersFreshnessMs,
    itemsFreshnessMs,
    apiFreshnessMs: freshness(produced, apiCounted),
    apiBaselineUnsettled: !baseline.settled,
    sustainable: complete && underLimit && producedRate >= rate * 0.95,
  };
  log.info(result, `freshness at ${rate} orders/s (${label})`);
  return result;
}

/** True when the product's enricher group has live members (e.g. `npm start` is running). */
async function productEnricherActive(): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([PRODUCT_GROUP]);
    return groups.some((g) => g.members.length > 0);
  } finally {
    await admin.disconnect();
  }
}

/** Starts an enricher whose own group begins at the current end of `orders`, so it enriches only new orders. */
async function startOwnEnricher(client: Kafka): Promise<{ service: ServiceProcess; waitingTopic: string }> {
  const groupId = `enricher-freshness-${runId}`;
  const waitingTopic = `enricher-waiting-items-freshness-${runId}`;
  const admin = client.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(cfg.ORDERS_TOPIC);
    await admin.setOffsets({ groupId, topic: cfg.ORDERS_TOPIC, partitions: ends.map((p) => ({ partition: p.partition, offset: p.offset })) });
  } finally {
    await admin.disconnect();
  }
  const service = startService('enricher/src/main.ts', {
    ...serviceEnvOf(cfg),
    ORDERS_TOPIC: cfg.ORDERS_TOPIC,
    ENRICHED_ORDER_ITEMS_TOPIC: cfg.ENRICHED_ORDER_ITEMS_TOPIC,
    DEAD_LETTER_TOPIC: cfg.DEAD_LETTER_TOPIC,
    ENRICHER_GROUP_ID: groupId,
    ENRICHER_WAITING_TOPIC: waitingTopic,
    ENRICHER_INSTANCE_ID: `freshness-${runId}`,
    ENRICHER_HTTP_PORT: String(ENRICHER_PORT),
    ENRICHER_HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
  try {
    await waitForHttpOk(`http://127.0.0.1:${ENRICHER_PORT}/readyz`, 150_000, service);
  } catch (err) {
    await service.stop();
    throw err;
  }
  return { service, waitingTopic };
}

/** Starts pizzashop-api on API_PORT with the default query cache, reading the stack from process.env. */
async function startApi(): Promise<ServiceProcess> {
  const service = startService('pizzashop-api/src/main.ts', {
    API_PORT: String(API_PORT),
    API_HOST: '127.0.0.1',
    QUERY_CACHE_TTL_MS: String(API_CACHE_TTL_MS),
    LOG_LEVEL: 'warn',
  });
  try {
    await waitForHttpOk(`http://127.0.0.1:${API_PORT}/readyz`, 60_000, service);
  } catch (err) {
    await service.stop();
    throw err;
  }
  return service;
}

async function removeTopic(topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
  } catch (err) {
    log.warn({ err, topic }, 'could not delete the bench enricher waiting topic; delete it by hand');
  } finally {
    await admin.disconnect();
  }
}

const figure = (name: string, value: number | undefined, unit: string, target?: string) => ({ name, value: value ?? 'n/a', unit, ...(target ? { target } : {}) });

function stageFigures(label: string, s: StageResult, target?: string) {
  return [
    figure(`${label}: produced rate`, s.producedRate, 'orders/s'),
    figure(`${label}: orders freshness p50`, s.ordersFreshnessMs?.p50, 'ms'),
    figure(`${label}: orders freshness p95`, s.ordersFreshnessMs?.p95, 'ms', target),
    figure(`${label}: orders freshness p99`, s.ordersFreshnessMs?.p99, 'ms'),
    figure(`${label}: items freshness p50`, s.itemsFreshnessMs?.p50, 'ms'),
    figure(`${label}: items freshness p95`, s.itemsFreshnessMs?.p95, 'ms', target),
    figure(`${label}: items freshness p99`, s.itemsFreshnessMs?.p99, 'ms'),
    figure(`${label}: api (/orders/overview) freshness p50`, s.apiFreshnessMs?.p50, 'ms'),
    figure(`${label}: api (/orders/overview) freshness p95`, s.apiFreshnessMs?.p95, 'ms', target),
    figure(`${label}: api (/orders/overview) freshness p99`, s.apiFreshnessMs?.p99, 'ms'),
  ];
}

async function main(): Promise<void> {
  const out = process.argv[2];
  const catalogue = await loadCatalogue(cfg);
  const usesRunningEnricher = await productEnricherActive();
  const own = usesRunningEnricher ? undefined : await startOwnEnricher(kafka);
  const api = await startApi().catch(async (err: unknown) => {
    await own?.service.stop();
    throw err;
  });
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const stages: StageResult[] = [];
  const warmUp: StageResult[] = [];
  try {
    for (let attempt = 1; attempt <= WARM_UP.attempts; attempt++) {
      const stage = await runStage(producer, catalogue, WARM_UP.rate, WARM_UP.seconds, `warmup${attempt}`);
      warmUp.push(stage);
      if (stage.sustainable && (stage.ordersFreshnessMs?.p95 ?? Infinity) < WARM_UP.p95Ms && (stage.itemsFreshnessMs?.p95 ?? Infinity) < WARM_UP.p95Ms) break;
    }
    for (const rate of [100, 1000]) stages.push(await runStage(producer, catalogue, rate));
    for (const rate of RAMP_RATES) {
      const stage = await runStage(producer, catalogue, rate);
      stages.push(stage);
      if (!stage.sustainable) break;
    }
  } finally {
    await producer.disconnect();
    await api.stop();
    if (own) {
      await own.service.stop();
      await removeTopic(own.waitingTopic);
    }
    await pinot.close();
  }

  const [at100, at1000] = stages as [StageResult, StageResult];
  const highest = stages.filter((s) => s.sustainable).at(-1);
  const unsettled = [...warmUp, ...stages].filter((s) => s.apiBaselineUnsettled).length;
  const result = {
    figures: [
      ...stageFigures('100 orders/s', at100),
      ...stageFigures('1,000 orders/s', at1000, 'p95 < 2000 ms at 1,000 orders/s'),
      figure('highest sustainable rate (p95 < 5 s, every order arrives)', highest?.targetRate, 'orders/s'),
      ...(highest && highest.targetRate > 1000 ? stageFigures(`${highest.targetRate.toLocaleString('en')} orders/s`, highest) : []),
      figure('stages whose api count kept moving before they started (another producer on orders: api figures then too optimistic)', unsettled, 'stages'),
    ],
    stages,
    warmUp,
    method:
      'freshness = first sight in Pinot (broker polled every 100 ms) minus the Kafka ack of the order\'s produce batch (batches every 50 ms, acks=-1); ' +
      `api = the first /orders/overview?window=1h answer (polled every ${POLL_EVERY_MS} ms, QUERY_CACHE_TTL_MS=${API_CACHE_TTL_MS}, what a dashboard sees) whose totalOrders reaches the count before the stage plus the orders acked up to and including that order's batch ` +
      '(the count before a stage = two reads one cache TTL apart that agree; it assumes no other producer writes to orders, and a count that never settles is reported); ' +
      'sustainable = every order in Pinot orders and order_items_enriched with both p95 under 5 s at >= 95% of the target rate (the api figure does not gate the ramp); ' +
      `${STAGE_SECONDS} s per rate after up to ${WARM_UP.attempts} unreported ${WARM_UP.seconds} s warm-up stages at ${WARM_UP.rate} orders/s (until p95 < ${WARM_UP.p95Ms} ms); items = the order's first row in order_items_enriched. ` +
      (usesRunningEnricher
        ? `Items enriched by the running enricher (group ${PRODUCT_GROUP}).`
        : 'Items enriched by an enricher started for the bench (own group starting at the end of orders); a later run of the product enricher group may enrich these bench orders again.'),
  };
  if (out) writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result.figures));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log.fatal({ err }, 'freshness bench failed');
    process.exit(1);
  },
);
