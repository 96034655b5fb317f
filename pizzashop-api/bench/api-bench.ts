/**
 * Load test of pizzashop-api over Pinot holding at least BENCH_ORDERS (default 1,000,000) orders in
 * the last hour, measured against the framework's floor in the same run.
 * Usage: tsx pizzashop-api/bench/api-bench.ts <result.json>
 * For /orders/overview?window=1h and /orders/popular?window=1h it runs, one after the other,
 * autocannon at 200 connections against a minimal Hono app serving the API's own answer
 * (minimal-hono.ts) and against the API with its cache on; then the API at 50 connections and
 * with the cache off (every request queries Pinot), recording throughput, p50/p99 and Pinot's
 * timeUsedMs per query; then 1,000 SSE subscribers over every stream channel. The machine's load
 * average before each run is recorded: on a shared box other work shows up in the latencies, so the
 * API-to-minimal-Hono ratio of the same run is the figure to compare.
 *
 * Result (JSON): `figures` [{name, value, unit, target}] (per route: API and minimal Hono req/s and
 * p99 at 200 connections, their ratio and the servers' CPU time per request; stream fan-out),
 * `runs` [{server, cacheTtlMs, path, connections, requestsPerSecond, latencyMs {p50,p90,p99,max},
 * serverCpuMicrosPerRequest, non2xx, errors, timeouts, loadAverage1m, pinotQueries}],
 * `streamFanOut` (see stream-fanout.ts), `load` (one entry per loading round), `machine`, `targets`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createLogger, infraEnvSchema, loadConfig, onShutdown, PinotClient, processCpuSeconds } from '@pizzashop/common';
import { z } from 'zod';
import { benchPort, createPrivatePipeline } from '@pizzashop/testkit/bench';
import { ensureOrders } from './load-orders.js';
import { measureStreamFanOut } from './stream-fanout.js';

const benchEnvSchema = infraEnvSchema.extend({
  BENCH_ORDERS: z.coerce.number().int().min(0).default(1_000_000),
  BENCH_DURATION_S: z.coerce.number().int().min(1).default(10),
  BENCH_API_PORT: z.coerce.number().int().default(benchPort('apiBench')),
  BENCH_MINIMAL_PORT: z.coerce.number().int().default(benchPort('apiBenchMinimal')),
  BENCH_STREAM_SUBSCRIBERS: z.coerce.number().int().min(1).default(1000),
});

const HOUR_MS = 3_600_000;
/** Time left for the measurement before the oldest loaded order leaves the 1-hour window. */
const MEASURE_MARGIN_MS = 5 * 60_000;
const MAX_LOAD_ROUNDS = 4;
const PATHS = ['/orders/overview?window=1h', '/orders/popular?window=1h'];
const TARGETS = { minRequestsPerSecond: 10_000, maxP99Ms: 50, minRatioToMinimalHono: 0.6, maxPinotQueriesPerChannelPerTick: 1 };
const STREAM_INTERVAL_MS = 1000;

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const log = createLogger('api-bench');

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

function startChild(script: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, '..', ...script.split('/')), ...args], {
    cwd: repo,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code, signal) => log.debug({ code, signal, pid: child.pid, script }, 'child exited'));
  return child;
}

function startApi(port: number, cacheTtlMs: number, privateEnv: Record<string, string>): ChildProcess {
  return startChild('src/main.ts', [], { ...privateEnv, API_HTTP_PORT: String(port), API_HTTP_HOST: '127.0.0.1', QUERY_CACHE_TTL_MS: String(cacheTtlMs), STREAM_INTERVAL_MS: String(STREAM_INTERVAL_MS), LOG_LEVEL: 'info' });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolvePromise();
    child.once('exit', () => resolvePromise());
    child.kill('SIGTERM');
  });
}

type PinotTimes = Map<string, { usedSum: number; count: number; roundTripSum: number }>;

/** Sum and count of `pinot_query_time_used_seconds` and round-trip histograms per query name. */
async function pinotTimes(baseUrl: string): Promise<PinotTimes> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const out: PinotTimes = new Map();
  for (const line of text.split('\n')) {
    const m = /^(pinot_query_time_used_seconds|pinot_query_duration_seconds)_(sum|count)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    if (/outcome="(?!ok)/.test(m[3] ?? '')) continue;
    const query = /query="([^"]+)"/.exec(m[3] ?? '')?.[1] ?? '?';
    const e = out.get(query) ?? { usedSum: 0, count: 0, roundTripSum: 0 };
    out.set(query, e);
    const value = Number(m[4]);
    if (m[1] === 'pinot_query_time_used_seconds' && m[2] === 'sum') e.usedSum += value;
    if (m[1] === 'pinot_query_time_used_seconds' && m[2] === 'count') e.count += value;
    if (m[1] === 'pinot_query_duration_seconds' && m[2] === 'sum') e.roundTripSum += value;
  }
  return out;
}

async function run(server: 'api' | 'minimal-hono', pid: number | undefined, baseUrl: string, path: string, connections: number, duration: number, cacheTtlMs: number | undefined) {
  await autocannon({ url: baseUrl + path, connections, duration: 2 });
  const loadAverage1m = loadavg()[0];
  const before = server === 'api' ? await pinotTimes(baseUrl) : undefined;
  const cpuBefore = processCpuSeconds(pid);
  const result = await autocannon({ url: baseUrl + path, connections, duration });
  const cpuAfter = processCpuSeconds(pid);
  const after = server === 'api' ? await pinotTimes(baseUrl) : undefined;
  const pinotQueries = Object.fromEntries(
    [...(after ?? [])].flatMap(([query, a]) => {
      const b = before?.get(query) ?? { usedSum: 0, count: 0, roundTripSum: 0 };
      const calls = a.count - b.count;
      if (calls <= 0) return [];
      const avg = (sum: number) => Math.round((sum / calls) * 1e4) / 10;
      return [[query, { calls, callsPerSecond: Math.round(calls / duration), avgPinotTimeUsedMs: avg(a.usedSum - b.usedSum), avgRoundTripMs: avg(a.roundTripSum - b.roundTripSum) }]];
    }),
  );
  const row = {
    server,
    path: server === 'api' ? path : `${path} (minimal Hono)`,
    cacheTtlMs: cacheTtlMs ?? null,
    connections,
    durationSeconds: duration,
    loadAverage1m,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    requests: result.requests.total,
    /** The server's CPU time per request (independent of how busy the machine is, unlike req/s). */
    serverCpuMicrosPerRequest: cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total > 0 ? Math.round(((cpuAfter - cpuBefore) * 1e6) / result.requests.total) : null,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    pinotQueries,
  };
  log.info({ server, path, cacheTtlMs, connections, rps: row.requestsPerSecond, latencyMs: row.latencyMs, non2xx: row.non2xx }, 'run done');
  return row;
}

/**
 * Fills the last 55 minutes with BENCH_ORDERS orders and tops them up until they are all there at
 * once: loading takes minutes on a busy machine, and orders that slid out of the 1-hour window
 * ending now while Pinot ingested them do not count. The 5 minutes left are the measurement's.
 */
async function loadRecentHour(config: z.infer<typeof benchEnvSchema>, pinot: PinotClient) {
  const rounds = [];
  for (let round = 1; round <= MAX_LOAD_ROUNDS; round++) {
    const now = Date.now();
    const load = await ensureOrders(config, pinot, config.BENCH_ORDERS, log, { range: { fromMs: now - HOUR_MS + MEASURE_MARGIN_MS, toMs: now } });
    rounds.push(load);
    if (load.ordersProduced === 0) break;
  }
  return rounds;
}

function cpuFigure(name: string, micros: number | null) {
  return micros === null ? { name, value: null, unit: 'µs', reason: 'the server\'s CPU time is read from /proc/<pid>/stat (Linux only)' } : { name, value: micros, unit: 'µs' };
}

async function benchmark(output: string, config: z.infer<typeof benchEnvSchema>, privateEnv: Record<string, string>) {
  const pinot = new PinotClient({ brokerUrls: config.PINOT_BROKER_URLS, timeoutMs: 10_000 });
  const load = await loadRecentHour(config, pinot);
  await pinot.close();
  log.info(load, 'data ready');

  const apiUrl = `http://127.0.0.1:${config.BENCH_API_PORT}`;
  const minimalUrl = `http://127.0.0.1:${config.BENCH_MINIMAL_PORT}`;
  const duration = config.BENCH_DURATION_S;
  const runs: Awaited<ReturnType<typeof run>>[] = [];
  const figures: Array<{ name: string; value: number | null; unit: string; target?: string; reason?: string }> = [];
  let streamFanOut: Awaited<ReturnType<typeof measureStreamFanOut>> | undefined;

  const api = startApi(config.BENCH_API_PORT, 1000, privateEnv);
  let minimal: ChildProcess | undefined;
  try {
    await waitReady(`${apiUrl}/readyz`, 30_000);
    const bodies = Object.fromEntries(
      await Promise.all(PATHS.map(async (p) => [new URL(p, apiUrl).pathname, (await (await fetch(apiUrl + p)).json()) as object] as const)),
    );
    const inWindow = (bodies['/orders/overview'] as { currentTimePeriod?: { orders?: number } } | undefined)?.currentTimePeriod?.orders;
    figures.push(
      inWindow === undefined
        ? { name: 'orders in the 1-hour window as the measurement starts', value: null, unit: 'orders', reason: 'the overview answer had no currentTimePeriod.orders' }
        : { name: 'orders in the 1-hour window as the measurement starts', value: inWindow, unit: 'orders', target: `>= ${config.BENCH_ORDERS}` },
    );
    minimal = startChild('bench/minimal-hono.ts', [String(config.BENCH_MINIMAL_PORT)], { MINIMAL_HONO_BODIES: JSON.stringify(bodies) });
    await waitReady(minimalUrl + new URL(PATHS[0] as string, minimalUrl).pathname, 30_000);
    for (const path of PATHS) {
      const floor = await run('minimal-hono', minimal.pid, minimalUrl, path, 200, duration, undefined);
      const ours = await run('api', api.pid, apiUrl, path, 200, duration, 1000);
      runs.push(floor, ours);
      const ratio = Math.round((ours.requestsPerSecond / floor.requestsPerSecond) * 100) / 100;
      figures.push(
        { name: `${path} API, 200 connections`, value: ours.requestsPerSecond, unit: 'req/s', target: `>= ${TARGETS.minRequestsPerSecond}` },
        { name: `${path} API p99, 200 connections`, value: ours.latencyMs.p99, unit: 'ms', target: `< ${TARGETS.maxP99Ms}` },
        { name: `${path} minimal Hono, same body, same run`, value: floor.requestsPerSecond, unit: 'req/s' },
        { name: `${path} minimal Hono p99`, value: floor.latencyMs.p99, unit: 'ms' },
        { name: `${path} API / minimal Hono`, value: ratio, unit: 'x', target: `>= ${TARGETS.minRatioToMinimalHono}` },
        cpuFigure(`${path} API server CPU per request`, ours.serverCpuMicrosPerRequest),
        cpuFigure(`${path} minimal Hono server CPU per request`, floor.serverCpuMicrosPerRequest),
      );
    }
    await stopChild(minimal);
    minimal = undefined;
    for (const path of PATHS) runs.push(await run('api', api.pid, apiUrl, path, 50, duration, 1000));
    streamFanOut = await measureStreamFanOut(apiUrl, config.BENCH_STREAM_SUBSCRIBERS, 10, STREAM_INTERVAL_MS);
    log.info(streamFanOut, 'stream fan-out measured');
    figures.push(
      { name: `stream: ${streamFanOut.subscribers} subscribers over ${streamFanOut.channels} channels, Pinot queries per tick`, value: streamFanOut.pinotQueriesPerTick, unit: 'queries' },
      { name: 'stream: Pinot queries per channel per tick', value: streamFanOut.pinotQueriesPerChannelPerTick, unit: 'queries', target: `<= ${TARGETS.maxPinotQueriesPerChannelPerTick}` },
      { name: `stream: fewest snapshots one subscriber got in ${streamFanOut.ticks} ticks`, value: streamFanOut.snapshotsPerSubscriber.min, unit: 'snapshots', target: '>= 1' },
    );
  } finally {
    if (minimal) await stopChild(minimal);
    await stopChild(api);
  }

  const uncached = startApi(config.BENCH_API_PORT, 0, privateEnv);
  try {
    await waitReady(`${apiUrl}/readyz`, 30_000);
    for (const path of PATHS) runs.push(await run('api', uncached.pid, apiUrl, path, 50, duration, 0));
  } finally {
    await stopChild(uncached);
  }

  const report = {
    benchmark: 'pizzashop-api',
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, loadAverage1mAtEnd: loadavg()[0] },
    targets: TARGETS,
    load,
    figures,
    runs,
    streamFanOut,
  };
  const file = resolve(output);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log.info({ file }, 'benchmark written');
}

/** The bench loads its orders into private topics and Pinot tables (dropped at the end), never into the stack's. */
async function main() {
  const output = process.argv[2];
  if (!output) throw new Error('usage: tsx pizzashop-api/bench/api-bench.ts <result.json>');
  const pipeline = await createPrivatePipeline(loadConfig(benchEnvSchema, process.env, 'api-bench'), 'api', log, { pinot: true });
  onShutdown(log, () => pipeline.drop());
  try {
    await benchmark(output, loadConfig(benchEnvSchema, { ...process.env, ...pipeline.env }, 'api-bench'), pipeline.env);
  } finally {
    await pipeline.drop();
  }
}

main().catch((err: unknown) => {
  log.error({ err }, 'benchmark failed');
  process.exitCode = 1;
});
