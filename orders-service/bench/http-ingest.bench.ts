/**
 * HTTP ingest benchmark (issue 13 item 4): POST /orders per second with 100 connections, against
 * orders-service with micro-batching (ORDERS_PRODUCE_BATCH_MAX default) and, as the peer measured
 * in the same run, with one produce request per order (ORDERS_PRODUCE_BATCH_MAX=1). Every order
 * answered 202 must then be in Pinot `orders` exactly once, and none answered otherwise.
 *
 * Usage (against a running stack, e.g. through `npm run bench -- http-ingest`):
 *   node --import tsx orders-service/bench/http-ingest.bench.ts OUT.json
 * Writes OUT.json and, next to the other results, bench/results/http-ingest.json and .md.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createLogger, infraEnvSchema, loadConfig, PinotClient, processCpuSeconds, sql, sqlList } from '@pizzashop/common';
import mysql from 'mysql2/promise';
import { Pool } from 'undici';
import { z } from 'zod';
import { repoRoot, type ServiceProcess, startService, testPort, waitForHttpOk } from '@pizzashop/testkit';
import { loadProducts } from '../src/catalogue.js';

const benchEnvSchema = infraEnvSchema.extend({
  BENCH_CONNECTIONS: z.coerce.number().int().positive().default(100),
  BENCH_DURATION_S: z.coerce.number().int().positive().default(20),
  BENCH_WARMUP_S: z.coerce.number().int().nonnegative().default(3),
  BENCH_ORDERS_PORT: z.coerce.number().int().positive().default(testPort('http-ingest-bench.orders')),
});
const TARGET_POSTS_PER_S = 5000;
const PINOT_SETTLE_MS = 180_000;

const log = createLogger('http-ingest-bench');
const cfg = loadConfig(benchEnvSchema, process.env, 'http-ingest bench');
const runId = Date.now().toString(36);

interface LoadResult {
  mode: string;
  produceBatchMax: number;
  connections: number;
  durationS: number;
  postsPerSecond: number;
  accepted: number;
  refused: Record<string, number>;
  latencyMs: { p50: number; p99: number; max: number };
  loadAverage1m: number;
  /** CPU time per accepted POST, of orders-service and of this load generator (null where /proc is missing). */
  cpuMsPerPost: { service: number | null; client: number };
  pinot: { rows: number; distinct: number; refusedFound: number; exactlyOnce: boolean };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!);
}

/** POSTs orders on `connections` keep-alive connections for `seconds`; every order has its own id and the run's status tag. */
async function drive(url: string, tag: string, productIds: string[], connections: number, seconds: number) {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const accepted: string[] = [];
  const refused: string[] = [];
  const refusedByStatus: Record<string, number> = {};
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      const id = randomUUID();
      const n = 1 + Math.floor(Math.random() * 3);
      const items = Array.from({ length: n }, (_, i) => ({ productId: productIds[(Math.floor(Math.random() * productIds.length) + i * 7) % productIds.length]!, quantity: 1 }));
      const distinct = items.filter((item, i) => items.findIndex((x) => x.productId === item.productId) === i);
      const body = JSON.stringify({ id, userId: 1 + Math.floor(Math.random() * 3000), status: tag, items: distinct, deliveryLat: 12.97, deliveryLon: 77.59 });
      const t0 = performance.now();
      try {
        const res = await pool.request({ path: '/orders', method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.body.dump();
        latencies.push(performance.now() - t0);
        if (res.statusCode === 202) accepted.push(id);
        else {
          refused.push(id);
          refusedByStatus[res.statusCode] = (refusedByStatus[res.statusCode] ?? 0) + 1;
        }
      } catch (err) {
        refused.push(id);
        const key = (err as Error).name;
        refusedByStatus[key] = (refusedByStatus[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsedS = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return { accepted, refused, refusedByStatus, elapsedS, latencies };
}

/** Rows and distinct ids Pinot holds for the tag, once the rows reach `expected` (or the wait ends). */
async function pinotCount(pinot: PinotClient, tag: string, expected: number): Promise<{ rows: number; distinct: number }> {
  const deadline = Date.now() + PINOT_SETTLE_MS;
  let seen = { rows: 0, distinct: 0 };
  while (Date.now() < deadline) {
    const result = await pinot.query(sql`SELECT COUNT(*), DISTINCTCOUNT(id) FROM orders WHERE status = ${tag}`).catch(() => undefined);
    const [rows, distinct] = result?.rows[0] ?? [0, 0];
    seen = { rows: Number(rows), distinct: Number(distinct) };
    if (seen.rows >= expected) {
      // A moment more, in case a duplicate was still on its way.
      await new Promise((r) => setTimeout(r, 3000));
      const again = await pinot.query(sql`SELECT COUNT(*), DISTINCTCOUNT(id) FROM orders WHERE status = ${tag}`);
      return { rows: Number(again.rows[0]![0]), distinct: Number(again.rows[0]![1]) };
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return seen;
}

/** How many of `ids` Pinot holds (orders answered anything but 202 must not be there). */
async function foundInPinot(pinot: PinotClient, ids: string[]): Promise<number> {
  let found = 0;
  for (let i = 0; i < ids.length; i += 300) {
    const result = await pinot.query(sql`SELECT COUNT(*) FROM orders WHERE id IN ${sqlList(ids.slice(i, i + 300))}`);
    found += Number(result.rows[0]?.[0] ?? 0);
  }
  return found;
}

async function run(mode: string, produceBatchMax: number, productIds: string[], pinot: PinotClient): Promise<LoadResult> {
  const port = cfg.BENCH_ORDERS_PORT;
  const url = `http://127.0.0.1:${port}`;
  const service: ServiceProcess = startService('orders-service/src/main.ts', {
    SIMULATOR_ENABLED: 'false',
    ORDERS_HTTP_PORT: String(port),
    ORDERS_HTTP_HOST: '127.0.0.1',
    ORDERS_PRODUCE_BATCH_MAX: String(produceBatchMax),
    LOG_LEVEL: 'warn',
  });
  const tag = `BENCH_HTTP_${runId}_${mode}`;
  try {
    await waitForHttpOk(`${url}/readyz`, 120_000, service);
    if (cfg.BENCH_WARMUP_S > 0) await drive(url, `${tag}_WARMUP`, productIds, cfg.BENCH_CONNECTIONS, cfg.BENCH_WARMUP_S);
    const loadAverage1m = Number(loadavg()[0]!.toFixed(2));
    const serviceCpuBefore = processCpuSeconds(service.child.pid);
    const clientCpuBefore = process.cpuUsage();
    const load = await drive(url, tag, productIds, cfg.BENCH_CONNECTIONS, cfg.BENCH_DURATION_S);
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const serviceCpuAfter = processCpuSeconds(service.child.pid);
    const perPost = (seconds: number) => Math.round((seconds * 1000 * 1000) / Math.max(1, load.accepted.length)) / 1000;
    const cpuMsPerPost = {
      service: serviceCpuBefore === undefined || serviceCpuAfter === undefined ? null : perPost(serviceCpuAfter - serviceCpuBefore),
      client: perPost((clientCpu.user + clientCpu.system) / 1e6),
    };
    const postsPerSecond = Math.round(load.accepted.length / load.elapsedS);
    log.info({ mode, postsPerSecond, accepted: load.accepted.length, refused: load.refusedByStatus }, 'load done; checking Pinot');
    const counts = await pinotCount(pinot, tag, load.accepted.length);
    const refusedFound = await foundInPinot(pinot, load.refused);
    return {
      mode,
      produceBatchMax,
      connections: cfg.BENCH_CONNECTIONS,
      durationS: cfg.BENCH_DURATION_S,
      postsPerSecond,
      accepted: load.accepted.length,
      refused: load.refusedByStatus,
      latencyMs: { p50: percentile(load.latencies, 0.5), p99: percentile(load.latencies, 0.99), max: Math.round(load.latencies.at(-1) ?? 0) },
      loadAverage1m,
      cpuMsPerPost,
      pinot: {
        ...counts,
        refusedFound,
        exactlyOnce: counts.rows === load.accepted.length && counts.distinct === load.accepted.length && refusedFound === 0,
      },
    };
  } finally {
    await service.stop();
  }
}

function markdown(at: string, runs: LoadResult[], ratio: number): string {
  const rows = runs.map((r) =>
    [
      r.mode,
      r.produceBatchMax,
      r.connections,
      r.postsPerSecond,
      r.latencyMs.p50,
      r.latencyMs.p99,
      Object.entries(r.refused).map(([k, v]) => `${k}: ${v}`).join(', ') || '0',
      `${r.pinot.rows} rows, ${r.pinot.distinct} ids / ${r.accepted} accepted${r.pinot.refusedFound ? `, ${r.pinot.refusedFound} refused found` : ''}`,
      r.pinot.exactlyOnce ? 'yes' : '**no**',
      `${r.cpuMsPerPost.service ?? '?'} / ${r.cpuMsPerPost.client}`,
      r.loadAverage1m,
    ].join(' | '),
  );
  return [
    '# HTTP ingest benchmark',
    '',
    `${at}: \`POST /orders\` for ${runs[0]?.durationS} s with ${runs[0]?.connections} connections against one orders-service on this machine (${cpus().length} cores), ` +
      `micro-batching on and off in the same run. Target: >= ${TARGET_POSTS_PER_S} POST/s, every 202 in Pinot exactly once. ` +
      'The load generator runs on the same cores as the service and the stack, so these are floors.',
    '',
    '| mode | ORDERS_PRODUCE_BATCH_MAX | connections | 202/s | p50 ms | p99 ms | not 202 | Pinot `orders` | exactly once | CPU ms per POST: service / load generator | load avg (1m) before |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
    '',
    `Micro-batching vs one request per order: ${ratio.toFixed(2)}x.`,
    '',
    'CPU per POST is what each process used during the measured window divided by the POSTs answered 202: a measure of cost that other load on the machine does not shrink the way it shrinks the rate.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const output = process.argv[2];
  if (!output) throw new Error('usage: node --import tsx orders-service/bench/http-ingest.bench.ts <result.json>');
  const db = mysql.createPool({ host: cfg.MYSQL_HOST, port: cfg.MYSQL_PORT, user: cfg.MYSQL_USER, password: cfg.MYSQL_PASSWORD, database: cfg.MYSQL_DATABASE, connectionLimit: 1 });
  const productIds = (await loadProducts(db)).map((p) => p.id);
  await db.end();
  const pinot = new PinotClient({ brokerUrls: cfg.PINOT_BROKER_URLS, timeoutMs: 30_000 });
  const runs: LoadResult[] = [];
  try {
    runs.push(await run('micro-batched', 1000, productIds, pinot));
    runs.push(await run('one-request-per-order', 1, productIds, pinot));
  } finally {
    await pinot.close();
  }
  const [batched, single] = runs as [LoadResult, LoadResult];
  const ratio = batched.postsPerSecond / Math.max(1, single.postsPerSecond);
  const at = new Date().toISOString();
  const result = {
    benchmark: 'http-ingest',
    at,
    machine: { cpus: cpus().length, node: process.version },
    figures: [
      { name: 'POST /orders answered 202 per second, micro-batched, 100 connections', value: batched.postsPerSecond, unit: 'POST/s', target: `>= ${TARGET_POSTS_PER_S}` },
      { name: 'the same, one produce request per order (peer)', value: single.postsPerSecond, unit: 'POST/s' },
      { name: 'micro-batched / one request per order', value: Number(ratio.toFixed(2)), unit: 'x' },
      { name: 'orders-service CPU per POST, micro-batched', value: batched.cpuMsPerPost.service ?? 'n/a', unit: 'ms' },
      { name: 'load generator CPU per POST', value: batched.cpuMsPerPost.client, unit: 'ms' },
      { name: 'every 202 in Pinot exactly once, nothing else (both modes)', value: runs.every((r) => r.pinot.exactlyOnce) ? 'yes' : 'no', unit: '' },
    ],
    runs: runs.map((r) => ({ path: `POST /orders (${r.mode})`, connections: r.connections, requestsPerSecond: r.postsPerSecond, latencyMs: r.latencyMs, loadAverage1m: r.loadAverage1m, non2xx: Object.values(r.refused).reduce((a, b) => a + b, 0) })),
    details: runs,
  };
  for (const file of [resolve(output), join(repoRoot, 'bench', 'results', 'http-ingest.json')]) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  }
  writeFileSync(join(repoRoot, 'bench', 'results', 'http-ingest.md'), markdown(at, runs, ratio));
  log.info({ batched: batched.postsPerSecond, single: single.postsPerSecond, ratio: Number(ratio.toFixed(2)) }, 'http-ingest benchmark written');
  if (!runs.every((r) => r.pinot.exactlyOnce)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  log.error({ err }, 'http-ingest benchmark failed');
  process.exitCode = 1;
});
