/**
 * Pinot time of the API's own queries, uncached, over a 1-hour window holding >= PINOT_BENCH_ORDERS orders.
 * Usage: tsx pizzashop-api/bench/pinot-bench.ts <result.json> (`npm run bench -- pinot` records it as a dated run)
 * Fills [BENCH_HOUR_END - 1 h, BENCH_HOUR_END) (default: the current minute) with orders in time
 * order when it holds fewer, then runs overview and popular for that hour (`at` = its end) and popular
 * for the hour ending now, one after another, straight to the broker, and reports Pinot's
 * `timeUsedMs` p50/p95/max per query.
 * The orders go to private topics and Pinot tables made from docker/pinot/config for the run and
 * dropped at the end (testkit/src/bench/private-pipeline.ts), never into the stack's tables.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { createLogger, infraEnvSchema, loadConfig, onShutdown, PinotClient, type PinotQueryEvent, type SqlFragment } from '@pizzashop/common';
import { z } from 'zod';
import { acquireMeasureLock, createPrivatePipeline, type Figure } from '@pizzashop/testkit/bench';
import { OrdersAnalytics } from '../src/analytics.js';
import { pinotTables, tableStatsQuery, type PinotTables } from '../src/queries.js';
import { comparedPeriods } from '../src/time-windows.js';
import { ensureOrders } from './load-orders.js';
import { explainPlan, runWithStats, timeRangeStatements, type PlanStats } from './pinot-plan-stats.js';

const HOUR_MS = 3_600_000;
const TARGET_P95_MS = 20;
/** Prefix of the statements of popular for the window ending now (whole minutes plus its partial first minute). */
const NOW_FORM = 'now: ';
/** The queries behind each route, as the API names them in its metrics. */
const ROUTES = {
  overview: ['table-stats', 'overview-current', 'overview-previous'],
  popular: ['popular-by-minute'],
  'popular ending now': [`${NOW_FORM}popular-by-minute`, `${NOW_FORM}popular-partial-minute`],
} as const;
const benchEnvSchema = infraEnvSchema.extend({
  PINOT_BENCH_ORDERS: z.coerce.number().int().min(0).default(1_000_000),
  PINOT_BENCH_ROUNDS: z.coerce.number().int().min(1).default(100),
  PINOT_BENCH_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** Rounds of the `ts`-filtered forms the minute-filtered statements replaced, timed on the same data for comparison. */
  PINOT_BENCH_TS_ROUNDS: z.coerce.number().int().min(1).default(20),
  /** The end of the hour to fill and measure (default: the current minute). */
  BENCH_HOUR_END: z.iso.datetime({ offset: true }).optional(),
  /** A lock file (e.g. /work/wt/measure.lock on a shared machine): held while measuring only, not while loading. */
  BENCH_MEASURE_LOCK: z.string().min(1).optional(),
});

const log = createLogger('pinot-bench');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/**
 * Equal rows in any order, numbers within a relative 1e-9 (a star-tree adds doubles in another
 * order), the wider form cut to the narrower's columns (the rollup's rows carry categoryOrders too).
 */
function sameRows(left: unknown[][], right: unknown[][]): boolean {
  const width = Math.min(left[0]?.length ?? 0, right[0]?.length ?? 0);
  const sorted = (rows: unknown[][]) => rows.map((row) => row.slice(0, width)).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
  const [a, b] = [sorted(left), sorted(right)];
  const same = (x: unknown, y: unknown) => (typeof x === 'number' && typeof y === 'number' ? Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y)) : x === y);
  return a.length === b.length && a.every((row, i) => row.length === b[i]?.length && row.every((cell, j) => same(cell, b[i]?.[j])));
}

interface FormDiagnosis {
  stats: PlanStats;
  plan: string[];
  timeUsedMs: { p50: number; p95: number };
}

type DiagnosisEntry = { minute?: FormDiagnosis; ts: FormDiagnosis; sameAnswer?: boolean };

/**
 * How Pinot runs each statement of the measured hour (and of the hour ending 30 minutes earlier):
 * its statistics and EXPLAIN PLAN, in the form the API sends and in the `ts` form it replaced (timed
 * over `rounds` too), and whether both answer alike.
 */
async function diagnose(brokerUrl: string, tables: PinotTables, at: number, rounds: number): Promise<Record<string, DiagnosisEntry>> {
  const form = async (statement: SqlFragment): Promise<{ rows: unknown[][]; diagnosis: FormDiagnosis }> => {
    const first = await runWithStats(brokerUrl, statement);
    const used: number[] = [];
    for (let i = 0; i < rounds; i++) used.push((await runWithStats(brokerUrl, statement)).stats.timeUsedMs ?? 0);
    used.sort((a, b) => a - b);
    const plan = await explainPlan(brokerUrl, statement).catch((err: Error) => [`EXPLAIN PLAN failed: ${err.message}`]);
    return { rows: first.rows, diagnosis: { stats: first.stats, plan, timeUsedMs: { p50: percentile(used, 50), p95: percentile(used, 95) } } };
  };
  const { current, previous } = comparedPeriods('1h', at);
  /** The hour ending 30 minutes earlier cuts committed segments (the measured hour covers its segments whole). */
  const cut = comparedPeriods('1h', at - HOUR_MS / 2);
  const cutStatements = Object.entries(timeRangeStatements(tables, cut.current, cut.previous)).filter(([name]) => name !== 'overview-previous');
  const named = [...Object.entries(timeRangeStatements(tables, current, previous)), ...cutStatements.map(([name, both]) => [`${name} (hour ending 30 min earlier)`, both] as const)];
  const entries: Record<string, DiagnosisEntry> = { 'table-stats': { ts: (await form(tableStatsQuery(tables))).diagnosis } };
  for (const [name, both] of named) {
    const minute = await form(both.minute);
    const ts = await form(both.ts);
    entries[name] = { minute: minute.diagnosis, ts: ts.diagnosis, sameAnswer: sameRows(minute.rows, ts.rows) };
  }
  return entries;
}

/** One line per statement: docs scanned and Pinot time of each form, and whether they agree. */
function diagnosisNote(name: string, d: DiagnosisEntry): string {
  const line = (label: string, f: FormDiagnosis) =>
    `${label}: ${f.stats.numDocsScanned ?? '?'} docs scanned of ${f.stats.totalDocs ?? '?'}, ${f.stats.numEntriesScannedPostFilter ?? '?'} entries post filter, ${f.stats.numEntriesScannedInFilter ?? '?'} in filter, segments queried/processed/matched ${f.stats.numSegmentsQueried ?? '?'}/${f.stats.numSegmentsProcessed ?? '?'}/${f.stats.numSegmentsMatched ?? '?'} (${f.stats.numConsumingSegmentsQueried ?? '?'} consuming), timeUsedMs p50 ${f.timeUsedMs.p50} p95 ${f.timeUsedMs.p95}`;
  const forms = d.minute ? [line('on tsMinute (as sent)', d.minute), line('on ts (before)', d.ts), d.sameAnswer ? 'same answer' : 'ANSWERS DIFFER'] : [line('as sent', d.ts)];
  return `${name}: ${forms.join('; ')}.`;
}

async function benchmark(output: string, config: z.infer<typeof benchEnvSchema>) {
  const hourEnd = config.BENCH_HOUR_END ? Date.parse(config.BENCH_HOUR_END) : Math.floor(Date.now() / 60_000) * 60_000;
  const range = { fromMs: hourEnd - HOUR_MS, toMs: hourEnd };

  const loader = new PinotClient({ brokerUrls: config.PINOT_BROKER_URLS, timeoutMs: 10_000 });
  const load = await ensureOrders(config, loader, config.PINOT_BENCH_ORDERS, log, { range });
  await loader.close();
  log.info(load, 'data ready');

  const samples = new Map<string, { timeUsedMs: number[]; roundTripMs: number[]; failed: number }>();
  const record = (event: PinotQueryEvent) => {
    const entry = samples.get(event.name) ?? { timeUsedMs: [], roundTripMs: [], failed: 0 };
    samples.set(event.name, entry);
    if (event.outcome !== 'ok' || event.timeUsedMs === undefined) entry.failed++;
    else {
      entry.timeUsedMs.push(event.timeUsedMs);
      entry.roundTripMs.push(event.durationMs);
    }
  };
  const pinot = new PinotClient({ brokerUrls: config.PINOT_BROKER_URLS, timeoutMs: config.PINOT_BENCH_TIMEOUT_MS, onQuery: record });
  const analytics = new OrdersAnalytics(pinot, pinotTables(config));
  const nowPinot = new PinotClient({ brokerUrls: config.PINOT_BROKER_URLS, timeoutMs: config.PINOT_BENCH_TIMEOUT_MS, onQuery: (event) => record({ ...event, name: `${NOW_FORM}${event.name}` }) });
  const nowAnalytics = new OrdersAnalytics(nowPinot, pinotTables(config));
  const at = hourEnd;
  const lock = config.BENCH_MEASURE_LOCK ? await acquireMeasureLock(config.BENCH_MEASURE_LOCK, () => log.info({ file: config.BENCH_MEASURE_LOCK }, 'waiting for the measurement lock')) : undefined;
  const loadAverageBefore = loadavg()[0];
  const answers: Record<string, unknown> = {};
  /**
   * One overview and one popular for the hour, as the API asks for them, and popular for the hour
   * ending now (it starts inside the filled hour: whole minutes plus a partial first minute); a failed
   * query (e.g. a timeout) is counted, not fatal.
   */
  const round = async () => {
    answers.overview = await analytics.overview({ window: '1h', at }).catch((err: Error) => ({ failed: err.message }));
    answers.popular = await analytics.popular({ window: '1h', limit: 5, at }).catch((err: Error) => ({ failed: err.message }));
    answers.popularEndingNow = await nowAnalytics.popular({ window: '1h', limit: 5, at: undefined }).catch((err: Error) => ({ failed: err.message }));
  };
  for (let i = 0; i < Math.min(5, config.PINOT_BENCH_ROUNDS); i++) await round();
  samples.clear();
  for (let i = 0; i < config.PINOT_BENCH_ROUNDS; i++) {
    await round();
    if ((i + 1) % 10 === 0) log.info({ rounds: i + 1, of: config.PINOT_BENCH_ROUNDS }, 'measuring');
  }
  lock?.release();
  await Promise.all([pinot.close(), nowPinot.close()]);
  log.info('collecting Pinot statistics and plans, minute form against ts form');
  const diagnosis = await diagnose(config.PINOT_BROKER_URLS[0] as string, pinotTables(config), at, config.PINOT_BENCH_TS_ROUNDS).catch((err: Error) => {
    log.error({ err }, 'diagnosis failed; the measured figures are kept');
    return { failed: err.message };
  });

  const queries = Object.fromEntries(
    [...samples].map(([name, s]) => {
      const used = [...s.timeUsedMs].sort((a, b) => a - b);
      const trip = [...s.roundTripMs].sort((a, b) => a - b);
      return [
        name,
        {
          calls: used.length,
          failed: s.failed,
          timeUsedMs: { p50: percentile(used, 50), p95: percentile(used, 95), max: used.at(-1) ?? 0 },
          roundTripMs: { p50: Math.round(percentile(trip, 50) * 10) / 10, p95: Math.round(percentile(trip, 95) * 10) / 10 },
        },
      ];
    }),
  );
  const ordersInHour = load.ordersInPinot.toLocaleString('en');
  const windowOf = (route: string) => (route.endsWith('ending now') ? '1-hour window ending now (its first minute partly in the filled hour)' : `1-hour window holding ${ordersInHour} orders`);
  const p95 = (name: string) => queries[name]?.timeUsedMs.p95;
  const figures = Object.entries(ROUTES).flatMap(([route, names]) =>
    names.flatMap((name): Figure[] => {
      const q = queries[name];
      const failed = q ? q.failed : config.PINOT_BENCH_ROUNDS;
      if (!q || q.calls === 0) return [{ name: `${route}: ${name} timeUsedMs p95`, value: null, unit: 'ms', target: `< ${TARGET_P95_MS}`, reason: `all ${failed} calls failed` }];
      return [
        { name: `${route}: ${name} timeUsedMs p50`, value: q.timeUsedMs.p50, unit: 'ms' },
        { name: `${route}: ${name} timeUsedMs p95`, value: q.timeUsedMs.p95, unit: 'ms', target: `< ${TARGET_P95_MS}` },
      ];
    }),
  );
  const readme = Object.entries(ROUTES).map(([route, names]) => ({
    what: `Pinot timeUsedMs of ${route}'s queries (${names.join(', ')}), uncached, ${windowOf(route)}`,
    measured: `p95 ${names.map((n) => `${p95(n) ?? 'n/m'}`).join(' / ')} ms`,
    target: `p95 < ${TARGET_P95_MS} ms`,
  }));
  const report = {
    benchmark: 'pinot-queries',
    figures,
    readme,
    notes: [
      ...('failed' in diagnosis ? [`diagnosis failed: ${String(diagnosis.failed)}`] : Object.entries(diagnosis).map(([name, d]) => diagnosisNote(name, d))),
      `${config.PINOT_BENCH_ROUNDS} rounds of overview then popular (limit 5) for the hour ending ${new Date(hourEnd).toISOString()}, then popular for the hour ending now, straight to the broker, after 5 warm-up rounds; failed calls: ${Object.entries(queries).map(([n, q]) => `${n} ${q.failed}`).join(', ')}.`,
    ],
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, loadAverage1mBefore: loadAverageBefore, loadAverage1mAfter: loadavg()[0] },
    hourEnd: new Date(hourEnd).toISOString(),
    window: '1h',
    target: { maxTimeUsedP95Ms: 20 },
    load,
    queries,
    diagnosis,
    answers,
  };
  const file = resolve(output);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log.info({ file, queries }, 'pinot benchmark written');
}

async function main() {
  const output = process.argv[2];
  if (!output) throw new Error('usage: tsx pizzashop-api/bench/pinot-bench.ts <result.json>');
  const pipeline = await createPrivatePipeline(loadConfig(benchEnvSchema, process.env, 'pinot-bench'), 'pinot', log, { pinot: true });
  onShutdown(log, () => pipeline.drop());
  try {
    await benchmark(output, loadConfig(benchEnvSchema, { ...process.env, ...pipeline.env }, 'pinot-bench'));
  } finally {
    await pipeline.drop();
  }
}

main().catch((err: unknown) => {
  log.error({ err }, 'pinot benchmark failed');
  process.exitCode = 1;
});
