/**
 * Turns the freshness stages and the ramp verdict into the bench's result: figures (a figure that
 * could not be measured carries null and the reason), README rows, notes and the stage table.
 */
import type { Figure, LatencySummary, Percentile, ReadmeRow, ResultTable } from '@pizzashop/testkit/bench';
import type { StageAccount } from './ledger.js';
import type { RampLimits, RampVerdict } from './ramp.js';

export interface StageRecord extends StageAccount {
  label: string;
  targetRate: number;
  seconds: number;
  producedRate: number;
  /** producedRate / targetRate. */
  producedRatio: number;
  /** Longest full read cycle of each reader: the resolution of its first sightings. */
  readCycleMaxMs: { orders: number; items: number; api: number };
  readErrors: { orders: number; items: number; api: number };
  problems: string[];
  sustainable: boolean;
}

export interface FreshnessRun {
  stages: StageRecord[];
  planned: number[];
  verdict: RampVerdict;
  producerCeiling: number;
  limits: RampLimits;
  /** The 1,000 orders/s p95 target. */
  targetP95Ms: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const SURFACES = [
  { key: 'ordersFreshnessMs', name: 'orders freshness (Kafka ack -> in Pinot orders)' },
  { key: 'itemsFreshnessMs', name: 'items freshness (Kafka ack -> every line in Pinot order_items_enriched)' },
  { key: 'apiFreshnessMs', name: 'api freshness (Kafka ack -> GET /orders/{id} shows every line with its product)' },
] as const;

const pct = (name: string, p: Percentile, target?: string): Figure =>
  p.ms === null ? { name, value: null, unit: 'ms', reason: p.reason, ...(target ? { target } : {}) } : { name, value: p.ms, unit: 'ms', ...(target ? { target } : {}) };

function stageFigures(label: string, stage: StageRecord | undefined, notRun: string, target?: string): Figure[] {
  if (!stage) {
    return [{ name: `${label}: freshness`, value: null, unit: 'ms', reason: notRun }];
  }
  return [
    { name: `${label}: produced rate (${stage.producedRatio.toFixed(2)} of target)`, value: stage.producedRate, unit: 'orders/s' },
    ...SURFACES.flatMap(({ key, name }) => [
      pct(`${label}: ${name} p50`, stage[key].p50),
      pct(`${label}: ${name} p95`, stage[key].p95, target),
      pct(`${label}: ${name} p99`, stage[key].p99),
    ]),
    { name: `${label}: API probes (orders followed through GET /orders/{id})`, value: stage.apiProbes, unit: 'orders' },
  ];
}

const short = (s: LatencySummary) => ['p50', 'p95', 'p99'].map((k) => {
  const p = s[k as 'p50' | 'p95' | 'p99'];
  return p.ms === null ? `${k} not measured (${p.reason})` : `${k} ${fmt(p.ms)} ms`;
}).join(', ');

export function freshnessFigures(run: FreshnessRun): { figures: Figure[]; readme: ReadmeRow[]; notes: string[]; tables: ResultTable[] } {
  const at = (rate: number) => run.stages.find((s) => s.targetRate === rate);
  const notRun = `not run: the ramp ${run.verdict.reason}`;
  const target = `p95 < ${fmt(run.targetP95Ms)} ms at 1,000 orders/s`;
  const last = run.verdict.lastGoodRate;
  const lastStage = last === null ? undefined : at(last);
  const ratio = last === null ? null : last / run.producerCeiling;
  const figures: Figure[] = [
    ...stageFigures('100 orders/s', at(100), notRun),
    ...stageFigures('1,000 orders/s', at(1000), notRun, target),
    { name: "bench producer alone (ceiling: the orders/s it sends to a topic nothing reads)", value: Math.round(run.producerCeiling), unit: 'orders/s' },
    last === null
      ? { name: 'highest sustainable rate', value: null, unit: 'orders/s', reason: `no stage was sustainable: ${run.verdict.reason}` }
      : { name: 'highest sustainable rate', value: last, unit: 'orders/s' },
    ratio === null
      ? { name: 'highest sustainable rate / bench producer alone', value: null, unit: 'ratio', reason: 'no stage was sustainable' }
      : { name: 'highest sustainable rate / bench producer alone', value: Number(ratio.toFixed(2)), unit: 'ratio' },
    ...(lastStage && last !== null && last > 1000 ? stageFigures(`${fmt(last)} orders/s`, lastStage, '') : []),
  ];
  const k = at(1000);
  const readme: ReadmeRow[] = [
    {
      what: 'freshness, Kafka ack -> `GET /orders/{id}` shows the order with every item (API, default caches), 1,000 orders/s',
      measured: k ? `${short(k.apiFreshnessMs)} (${k.apiProbes} probed orders)` : notRun,
      target: 'p95 < 2 s',
    },
    { what: 'freshness, Kafka ack -> in Pinot `orders`, 1,000 orders/s', measured: k ? short(k.ordersFreshnessMs) : notRun },
    { what: 'freshness, Kafka ack -> every line in `order_items_enriched`, 1,000 orders/s', measured: k ? short(k.itemsFreshnessMs) : notRun },
    {
      what: `highest sustainable rate (every own order and line arrives, p95 < ${fmt(run.limits.p95Ms / 1000)} s, >= ${run.limits.minProducedRatio} of the target produced)`,
      measured:
        (last === null ? 'not measured' : `${fmt(last)} orders/s = ${ratio?.toFixed(2)} x the bench producer alone (${fmt(run.producerCeiling)} orders/s)`) +
        `; ramp ${run.verdict.reason}`,
    },
  ];
  const cell = (p: Percentile) => (p.ms === null ? 'n/m' : fmt(p.ms));
  const stageRow = (s: StageRecord) => [
    s.label,
    fmt(s.targetRate),
    `${fmt(s.producedRate)} (${s.producedRatio.toFixed(2)})`,
    fmt(s.orders),
    ...SURFACES.map(({ key }) => `${cell(s[key].p50)} / ${cell(s[key].p95)} / ${cell(s[key].p99)}`),
    `${s.apiProbes}`,
    `${s.ordersMissing} / ${s.linesMissing} / ${s.apiMissing}`,
    `${s.readCycleMaxMs.orders} / ${s.readCycleMaxMs.items} / ${s.readCycleMaxMs.api}`,
    s.problems.length === 0 ? 'sustainable' : s.problems.join('; '),
  ];
  return {
    figures,
    readme,
    notes: [
      `Ramp: ${run.verdict.reason}.`,
      `Rates planned: ${run.planned.map(fmt).join(', ')} orders/s (ramp steps up to the bench producer's ceiling of ${fmt(run.producerCeiling)} orders/s).`,
      'n/m = not measured: the percentile falls among orders that never arrived within the wait (see the stage problems).',
    ],
    tables: [
      {
        title: 'Stages (ms: p50 / p95 / p99)',
        header: ['stage', 'target/s', 'produced/s (ratio)', 'orders', 'Pinot orders', 'Pinot items', 'API', 'API probes', 'missing orders / lines / probes', 'longest read cycle ms (orders / items / API)', 'verdict'],
        rows: run.stages.map(stageRow),
      },
    ],
  };
}
