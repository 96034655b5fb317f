/**
 * Load test of pizzashop-api over Pinot holding at least BENCH_ORDERS (default 1,000,000) orders.
 * Usage: tsx pizzashop-api/bench/api-bench.ts <result.json>
 * Runs the API as a child process with the shared-query cache on and off, drives /orders/overview
 * and /orders/popular with autocannon at 50 and 200 connections, and records throughput, p50/p99
 * and, per Pinot query, the time Pinot reported (timeUsedMs) during each run. The machine's load
 * average before each run is recorded too: on a shared box other work shows up in the latencies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createLogger, infraEnvSchema, loadConfig, onShutdown, PinotClient } from '@pizzashop/common';
import { z } from 'zod';
import { createPrivatePipeline } from '../../bench/private-pipeline.js';
import { ensureOrders } from './load-orders.js';

const benchEnvSchema = infraEnvSchema.extend({
  BENCH_ORDERS: z.coerce.number().int().min(0).default(1_000_000),
  BENCH_DURATION_S: z.coerce.number().int().min(1).default(15),
  BENCH_API_PORT: z.coerce.number().int().default(18490),
});

const here = dirname(fileURLToPath(import.meta.url));
const log = createLogger('api-bench');

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`pizzashop-api did not become ready at ${url} within ${timeoutMs} ms`);
}

function startApi(port: number, cacheTtlMs: number, privateEnv: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, '..', 'src', 'main.ts')], {
    cwd: join(here, '..', '..'),
    env: { ...process.env, ...privateEnv, API_PORT: String(port), API_HOST: '127.0.0.1', QUERY_CACHE_TTL_MS: String(cacheTtlMs) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code, signal) => log.debug({ code, signal, pid: child.pid }, 'api exited'));
  return child;
}

function stopApi(child: ChildProcess): Promise<void> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null) return resolvePromise();
    child.once('exit', () => resolvePromise());
    child.kill('SIGTERM');
  });
}

/** Sum and count of `pinot_query_time_used_seconds` and round-trip histograms per query name. */
async function pinotTimes(baseUrl: string): Promise<Map<string, { usedSum: number; count: number; roundTripSum: number }>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const out = new Map<string, { usedSum: number; count: number; roundTripSum: number }>();
  const entry = (query: string) => {
    const existing = out.get(query);
    if (existing) return existing;
    const created = { usedSum: 0, count: 0, roundTripSum: 0 };
    out.set(query, created);
    return created;
  };
  for (const line of text.split('\n')) {
    const m = /^(pinot_query_time_used_seconds|pinot_query_duration_seconds)_(sum|count)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const query = /query="([^"]+)"/.exec(m[3] ?? '')?.[1] ?? '?';
    if (/outcome="(?!ok)/.test(m[3] ?? '')) continue;
    const e = entry(query);
    const value = Number(m[4]);
    if (m[1] === 'pinot_query_time_used_seconds' && m[2] === 'sum') e.usedSum += value;
    if (m[1] === 'pinot_query_time_used_seconds' && m[2] === 'count') e.count += value;
    if (m[1] === 'pinot_query_duration_seconds' && m[2] === 'sum') e.roundTripSum += value;
  }
  return out;
}

async function run(baseUrl: string, path: string, connections: number, duration: number) {
  await autocannon({ url: baseUrl + path, connections, duration: 2 });
  const loadAverage1m = loadavg()[0];
  const before = await pinotTimes(baseUrl);
  const result = await autocannon({ url: baseUrl + path, connections, duration });
  const after = await pinotTimes(baseUrl);
  const pinotQueries = Object.fromEntries(
    [...after].map(([query, a]) => {
      const b = before.get(query) ?? { usedSum: 0, count: 0, roundTripSum: 0 };
      const count = a.count - b.count;
      return [
        query,
        {
          calls: count,
          callsPerSecond: Math.round(count / duration),
          avgPinotTimeUsedMs: count ? Math.round(((a.usedSum - b.usedSum) / count) * 1e4) / 10 : null,
          avgRoundTripMs: count ? Math.round(((a.roundTripSum - b.roundTripSum) / count) * 1e4) / 10 : null,
        },
      ];
    }).filter(([, v]) => (v as { calls: number }).calls > 0),
  );
  return {
    path,
    connections,
    durationSeconds: duration,
    loadAverage1m,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    pinotQueries,
  };
}

async function benchmark(output: string, config: z.infer<typeof benchEnvSchema>, privateEnv: Record<string, string>) {
  const pinot = new PinotClient({ brokerUrls: config.PINOT_BROKER_URLS, timeoutMs: 10_000 });
  const load = await ensureOrders(config, pinot, config.BENCH_ORDERS, log);
  await pinot.close();
  log.info(load, 'data ready');

  const runs = [];
  for (const cacheTtlMs of [1000, 0]) {
    const api = startApi(config.BENCH_API_PORT, cacheTtlMs, privateEnv);
    const baseUrl = `http://127.0.0.1:${config.BENCH_API_PORT}`;
    try {
      await waitReady(`${baseUrl}/readyz`, 30_000);
      for (const path of ['/orders/overview', '/orders/popular']) {
        for (const connections of [50, 200]) {
          const result = await run(baseUrl, path, connections, config.BENCH_DURATION_S);
          log.info({ cacheTtlMs, path, connections, rps: result.requestsPerSecond, latencyMs: result.latencyMs, non2xx: result.non2xx }, 'run done');
          runs.push({ cacheTtlMs, ...result });
        }
      }
    } finally {
      await stopApi(api);
    }
  }

  const report = {
    benchmark: 'pizzashop-api',
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    targets: { cacheOn200Connections: { minRequestsPerSecond: 2000, maxP99Ms: 50 } },
    load,
    runs,
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
