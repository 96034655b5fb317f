/**
 * The freshness ramp's decisions: whether a stage was sustainable (every own order and line arrived,
 * freshness p95 under the limit, the target rate actually produced), which rates to try, and why the
 * ramp stopped.
 */
import type { LatencySummary } from '@pizzashop/testkit/bench';
import type { StageAccount } from './ledger.js';

export interface RampLimits {
  /** Freshness p95 limit for Pinot orders, items and the API. */
  p95Ms: number;
  /** Produced rate / target rate below this means the bench could not offer the load. */
  minProducedRatio: number;
}

export interface StageOutcome {
  targetRate: number;
  producedRate: number;
  account: StageAccount;
  /** How long the bench waited for stragglers after the last ack. */
  settleMs: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

function p95Reason(what: string, summary: LatencySummary, limits: RampLimits): string | undefined {
  const p95 = summary.p95.ms;
  if (p95 === null) return undefined;
  return p95 >= limits.p95Ms ? `${what} freshness p95 ${fmt(p95)} ms is over the ${fmt(limits.p95Ms)} ms limit` : undefined;
}

/** Why a stage is not sustainable; empty when it is. */
export function stageProblems(stage: StageOutcome, limits: RampLimits): string[] {
  const a = stage.account;
  const settle = `${fmt(stage.settleMs / 1000)} s after the last ack`;
  const ratio = stage.targetRate > 0 ? stage.producedRate / stage.targetRate : 0;
  return [
    a.ordersMissing > 0 ? `${fmt(a.ordersMissing)} of ${fmt(a.orders)} orders missing from Pinot orders ${settle}` : undefined,
    a.linesMissing > 0 ? `${fmt(a.linesMissing)} of ${fmt(a.lines)} order lines missing from Pinot order_items_enriched ${settle}` : undefined,
    a.apiMissing > 0 ? `${fmt(a.apiMissing)} of ${fmt(a.apiProbes)} probed orders never complete through GET /orders/{id} ${settle}` : undefined,
    a.apiProbes === 0 && a.orders > 0 ? 'no order was probed through the API' : undefined,
    a.duplicates.orders + a.duplicates.lines > 0 ? `duplicates: ${a.duplicates.orders} extra order rows, ${a.duplicates.lines} extra item rows` : undefined,
    p95Reason('Pinot orders', a.ordersFreshnessMs, limits),
    p95Reason('Pinot order_items_enriched', a.itemsFreshnessMs, limits),
    p95Reason('API', a.apiFreshnessMs, limits),
    ratio < limits.minProducedRatio
      ? `produced ${fmt(stage.producedRate)} orders/s, ${ratio.toFixed(2)} of the ${fmt(stage.targetRate)} target (below ${limits.minProducedRatio})`
      : undefined,
  ].filter((r): r is string => r !== undefined);
}

/** Ramp rates after the reported 100 and 1,000 orders/s stages. */
export const RAMP_STEPS = [2000, 3000, 4000, 6000, 8000, 12000, 16000, 24000, 32000];

/**
 * The rates to run: 100, 1,000, then every ramp step the bench's producer could offer on its own
 * (`producerCeiling`, measured alone); a step above it would only measure the producer.
 */
export function plannedRates(producerCeiling: number): number[] {
  return [100, 1000, ...RAMP_STEPS.filter((r) => r <= producerCeiling)];
}

export interface RampVerdict {
  /** Highest rate that passed with every rate below it (null: none). */
  lastGoodRate: number | null;
  /** The rate that failed, null when every planned rate passed. */
  stoppedAtRate: number | null;
  reason: string;
}

/** The ramp's result from the stages run so far, in order (it stops at the first with problems). */
export function rampVerdict(stages: { targetRate: number; problems: string[] }[], planned: number[], producerCeiling: number): RampVerdict {
  let lastGoodRate: number | null = null;
  for (const stage of stages) {
    if (stage.problems.length > 0) {
      return { lastGoodRate, stoppedAtRate: stage.targetRate, reason: `stopped at ${fmt(stage.targetRate)} orders/s: ${stage.problems.join('; ')}` };
    }
    lastGoodRate = stage.targetRate;
  }
  const next = RAMP_STEPS.find((r) => r > (planned.at(-1) ?? 0));
  return {
    lastGoodRate,
    stoppedAtRate: null,
    reason:
      `every planned rate passed up to ${fmt(lastGoodRate ?? 0)} orders/s; ` +
      (next === undefined
        ? 'that is the top of the ramp'
        : `the next step (${fmt(next)} orders/s) is above what the bench's producer offers on its own here (${fmt(producerCeiling)} orders/s), so the pipeline's limit is at least ${fmt(lastGoodRate ?? 0)} orders/s`),
  };
}
