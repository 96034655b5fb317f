/**
 * The lifecycle bench's verdict per stage (was the load really carried?) and its result: figures
 * (null with the reason when not measured), README rows, notes and the stage table.
 */
import type { CpuShare, Figure, LatencySummary, Percentile, ReadmeRow, ResultTable } from '@pizzashop/testkit/bench';
import type { ProbeAccount } from './probes.js';

/** The two APIs the bench reads through: the default caches (what a customer sees) and none (Pinot alone). */
export const APIS = ['cached', 'uncached'] as const;
export type ApiName = (typeof APIS)[number];
/** The third reader: the probes' status history queried straight from the Pinot broker, the stage split's middle mark. */
export const PINOT = 'pinot';
export const READERS = [...APIS, PINOT] as const;
export type Reader = (typeof READERS)[number];

export interface LifecycleLimits {
  /** Produced rate / target rate below this means the bench could not offer the load. */
  minProducedRatio: number;
  /** The delivery-service keeps up when it takes an order in (PLACED_ORDER) within this, p95. */
  intakeP95Ms: number;
}

export interface StageOutcome {
  targetRate: number;
  producedRate: number;
  /** Orders produced in the stage and orders the delivery-service reported DELIVERED for it (its metrics). */
  produced: number;
  delivered: number;
  account: ProbeAccount;
  settleMs: number;
}

export interface StageRecord extends StageOutcome {
  label: string;
  seconds: number;
  producedRatio: number;
  /** Status changes the delivery-service published per second while the stage produced. */
  statusesPerSecond: number;
  /** The delivery-service's share: a change's planned time (ts) to the commit that publishes it, from its histogram. */
  commitLag: CommitLag;
  /** The delivery-service's transactions committed per second while the stage produced, and their mean time (first send to commit). */
  transactions: Transactions;
  /** The delivery-service's CPU time while the stage produced, per second (share of one core), and per status change of the stage (settle included). */
  deliveryCpu: { shareOfACore: number; microsPerChange: number | null };
  /** Per reader: its longest single read, ms (API: one GET /orders/{id}; Pinot: the one query for every pending probe). */
  longestReadMs: Record<Reader, number>;
  readErrors: Record<Reader, number>;
  /** The machine's busiest processes while the stage produced, in shares of one core (Linux /proc; empty elsewhere). */
  cpuByProcess: CpuShare[];
  /** The bench's own read load over the stage (production and settling): reads sent per second, and the Pinot queries they cost (the APIs' own counts). */
  readLoad: { readsPerSecond: Record<Reader, number>; pinotQueriesPerSecond: Record<Reader, number> };
  problems: string[];
  sustained: boolean;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

/** The delivery-service's commit-lag histogram as scraped: cumulative counts per upper bound (s), and the sum (s). */
export interface DeliveryCounts {
  statuses: number;
  delivered: number;
  lag: { buckets: { le: number; count: number }[]; sum: number };
  transactions: { count: number; seconds: number };
  cpuSeconds: number;
}

export interface Transactions {
  perSecond: number;
  meanMs: number | null;
}

/** Transactions per second of `seconds` and their mean time, between two scrapes. */
export function transactionsBetween(before: DeliveryCounts, after: DeliveryCounts, seconds: number): Transactions {
  const count = after.transactions.count - before.transactions.count;
  return { perSecond: Number((count / seconds).toFixed(1)), meanMs: count > 0 ? Math.round(((after.transactions.seconds - before.transactions.seconds) / count) * 1000) : null };
}

export interface CommitLag {
  changes: number;
  meanMs: number | null;
  /** Upper bound of the histogram bucket holding the 95th percentile (null beyond the last finite bound or without changes). */
  p95UpToMs: number | null;
}

/** Mean and p95 bucket of the changes committed between two scrapes. */
export function commitLagBetween(before: DeliveryCounts['lag'], after: DeliveryCounts['lag']): CommitLag {
  const at = (lag: DeliveryCounts['lag'], le: number) => lag.buckets.find((b) => b.le === le)?.count ?? 0;
  const buckets = after.buckets.map((b) => ({ le: b.le, count: b.count - at(before, b.le) }));
  const changes = buckets.find((b) => b.le === Infinity)?.count ?? 0;
  if (changes === 0) return { changes, meanMs: null, p95UpToMs: null };
  const p95 = buckets.find((b) => b.count >= 0.95 * changes)!.le;
  return { changes, meanMs: Math.round(((after.sum - before.sum) / changes) * 1000), p95UpToMs: Number.isFinite(p95) ? p95 * 1000 : null };
}

/** Why a stage's load was not carried; empty when it was. */
export function stageProblems(s: StageOutcome, limits: LifecycleLimits): string[] {
  const a = s.account;
  const settle = `${fmt(s.settleMs / 1000)} s after the last order`;
  const intake = a.intakeMs.p95.ms;
  return [
    s.producedRate < limits.minProducedRatio * s.targetRate ? `produced ${fmt(s.producedRate)} orders/s, under ${limits.minProducedRatio} of the ${fmt(s.targetRate)} target` : undefined,
    s.delivered < s.produced ? `the delivery-service delivered ${fmt(s.delivered)} of the ${fmt(s.produced)} orders ${settle}` : undefined,
    ...APIS.map((api) => (a.unfinished[api]! > 0 ? `${a.unfinished[api]} of ${a.probes} probed orders never showed DELIVERED through the ${api} API ${settle}` : undefined)),
    a.duplicates > 0 ? `${a.duplicates} status rows of probed orders duplicated` : undefined,
    intake === null ? `order -> PLACED_ORDER not measured (${a.intakeMs.p95.reason})` : intake >= limits.intakeP95Ms ? `the delivery-service fell behind: order -> PLACED_ORDER p95 ${fmt(intake)} ms is over ${fmt(limits.intakeP95Ms)} ms` : undefined,
  ].filter((p): p is string => p !== undefined);
}

const pct = (name: string, p: Percentile, target?: string): Figure =>
  p.ms === null ? { name, value: null, unit: 'ms', reason: p.reason, ...(target ? { target } : {}) } : { name, value: p.ms, unit: 'ms', ...(target ? { target } : {}) };

const VISIBLE_IN_PINOT = 'status change -> a query straight to the Pinot broker shows it (no API)';
const VISIBLE = { cached: 'status change -> GET /orders/{id} shows it (API, default caches)', uncached: 'status change -> GET /orders/{id} shows it (API without cache)' } as const;

function summaryFigures(name: string, s: LatencySummary, target?: string): Figure[] {
  return [
    pct(`${name} p50`, s.p50),
    pct(`${name} p95`, s.p95, target),
    pct(`${name} p99`, s.p99),
    s.maxMs === null ? { name: `${name} max`, value: null, unit: 'ms', reason: 'no sample' } : { name: `${name} max`, value: s.maxMs, unit: 'ms' },
    { name: `${name}: changes measured (of ${s.samples + s.missing} expected)`, value: s.samples, unit: 'status changes' },
  ];
}

const short = (s: LatencySummary) =>
  (['p50', 'p95', 'p99'] as const).map((k) => (s[k].ms === null ? `${k} n/m (${s[k].reason})` : `${k} ${fmt(s[k].ms)} ms`)).join(', ') + (s.maxMs === null ? '' : `, max ${fmt(s.maxMs)} ms`);

export function lifecycleFigures(stages: StageRecord[], targetP95Ms: number): { figures: Figure[]; readme: ReadmeRow[]; notes: string[]; tables: ResultTable[] } {
  const target = `p95 < ${fmt(targetP95Ms)} ms at 1,000 orders/s`;
  const figures: Figure[] = stages.flatMap((s) => [
    { name: `${s.label}: produced rate (${s.producedRatio.toFixed(2)} of target)`, value: s.producedRate, unit: 'orders/s' },
    { name: `${s.label}: status changes published by the delivery-service`, value: s.statusesPerSecond, unit: 'statuses/s' },
    s.commitLag.meanMs === null
      ? { name: `${s.label}: status change planned -> committed by the delivery-service, mean`, value: null, unit: 'ms', reason: 'no change committed in the stage' }
      : { name: `${s.label}: status change planned -> committed by the delivery-service, mean`, value: s.commitLag.meanMs, unit: 'ms' },
    s.commitLag.p95UpToMs === null
      ? { name: `${s.label}: status change planned -> committed by the delivery-service, p95 at most`, value: null, unit: 'ms', reason: s.commitLag.changes === 0 ? 'no change committed in the stage' : 'beyond the histogram (over 40 s)' }
      : { name: `${s.label}: status change planned -> committed by the delivery-service, p95 at most`, value: s.commitLag.p95UpToMs, unit: 'ms' },
    { name: `${s.label}: delivery-service CPU while producing (share of one core)`, value: s.deliveryCpu.shareOfACore, unit: 'cores' },
    s.deliveryCpu.microsPerChange === null
      ? { name: `${s.label}: delivery-service CPU per status change`, value: null, unit: 'µs', reason: 'no change committed in the stage' }
      : { name: `${s.label}: delivery-service CPU per status change`, value: s.deliveryCpu.microsPerChange, unit: 'µs' },
    s.sustained ? { name: `${s.label}: load carried`, value: 1, unit: 'yes=1' } : { name: `${s.label}: load carried`, value: null, unit: 'yes=1', reason: s.problems.join('; ') },
    s.transactions.meanMs === null
      ? { name: `${s.label}: delivery-service transaction (first send -> commit), mean`, value: null, unit: 'ms', reason: 'no transaction in the stage' }
      : { name: `${s.label}: delivery-service transaction (first send -> commit), mean`, value: s.transactions.meanMs, unit: 'ms' },
    { name: `${s.label}: delivery-service transactions`, value: s.transactions.perSecond, unit: 'transactions/s' },
    ...summaryFigures(`${s.label}: ${VISIBLE_IN_PINOT}`, s.account.visible[PINOT]!),
    ...APIS.flatMap((api) => summaryFigures(`${s.label}: ${VISIBLE[api]}`, s.account.visible[api]!, s.targetRate === 1000 && api === 'cached' ? target : undefined)),
    pct(`${s.label}: order sent -> PLACED_ORDER (delivery-service intake) p95`, s.account.intakeMs.p95),
  ]);
  const k = stages.find((s) => s.targetRate === 1000);
  const verdict = (s: StageRecord) => (s.sustained ? `${fmt(s.producedRate)} orders/s carried` : `load NOT carried: ${s.problems.join('; ')}`);
  const readme: ReadmeRow[] = [
    {
      what: 'freshness, order status change -> `GET /orders/{id}` shows it (API, default caches), 1,000 orders/s of lifecycle traffic',
      measured: k ? `${short(k.account.visible.cached!)} over ${k.account.visible.cached!.samples} changes of ${k.account.probes} orders; ${verdict(k)}` : 'not run',
      target: 'p95 < 1 s',
    },
    {
      what: 'freshness, order status change -> `GET /orders/{id}` shows it (API without cache), 1,000 orders/s of lifecycle traffic',
      measured: k ? short(k.account.visible.uncached!) : 'not run',
    },
  ];
  const cell = (s: LatencySummary) => [s.p50, s.p95, s.p99].map((p) => (p.ms === null ? 'n/m' : fmt(p.ms))).join(' / ') + ` (max ${s.maxMs === null ? 'n/m' : fmt(s.maxMs)})`;
  return {
    figures,
    readme,
    notes: [
      'Latency per status change, from its `ts` (the time the delivery-service plan gives the change, so a late publishing cycle counts) to the answer time of the first GET /orders/{id} whose history shows it.',
      'n/m = not measured: the percentile falls among status changes never seen within the wait (see the stage verdict).',
      'Stage split: planned -> committed is the delivery-service (its commit-lag histogram, every change); Pinot direct minus it is Kafka -> Pinot upsert table visibility (plus up to one 200 ms poll); an API figure minus Pinot direct is the API (its query cache, its queries, the probe polls).',
    ],
    tables: [
      {
        title: 'Stages (ms: p50 / p95 / p99 (max))',
        header: ['stage', 'produced/s (ratio)', 'statuses/s', 'planned -> committed mean (p95 at most)', 'transactions/s (mean ms)', 'probed orders', 'Pinot direct', 'API default caches', 'API no cache', 'changes measured (cache / none)', 'order -> PLACED_ORDER', 'delivered / produced', 'longest read ms (cache / none / Pinot)', 'reads/s -> Pinot queries/s (cache / none / Pinot)', 'verdict'],
        rows: stages.map((s) => [
          s.label,
          `${fmt(s.producedRate)} (${s.producedRatio.toFixed(2)})`,
          fmt(s.statusesPerSecond),
          `${s.commitLag.meanMs === null ? 'n/m' : fmt(s.commitLag.meanMs)} (${s.commitLag.p95UpToMs === null ? 'n/m' : fmt(s.commitLag.p95UpToMs)})`,
          `${s.transactions.perSecond} (${s.transactions.meanMs ?? 'n/m'})`,
          s.account.probes,
          cell(s.account.visible[PINOT]!),
          cell(s.account.visible.cached!),
          cell(s.account.visible.uncached!),
          `${s.account.visible.cached!.samples} / ${s.account.visible.uncached!.samples} of ${s.account.expectedChanges}`,
          cell(s.account.intakeMs),
          `${fmt(s.delivered)} / ${fmt(s.produced)}`,
          `${s.longestReadMs.cached} / ${s.longestReadMs.uncached} / ${s.longestReadMs.pinot}`,
          READERS.map((r) => `${s.readLoad.readsPerSecond[r]} -> ${s.readLoad.pinotQueriesPerSecond[r]}`).join(' / '),
          s.sustained ? 'carried' : s.problems.join('; '),
        ]),
      },
      {
        title: 'Where the CPU went while each stage produced (shares of one core, busiest first; the machine\'s cores are in the run\'s metadata)',
        header: ['stage', 'processes'],
        rows: stages.map((s) => [s.label, s.cpuByProcess.length ? s.cpuByProcess.map((c) => `${c.process}${c.count > 1 ? ` (x${c.count})` : ''} ${c.cores}`).join(', ') : 'n/m (Linux /proc only)']),
      },
    ],
  };
}
