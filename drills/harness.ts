// The drill harness: runs one drill's workload, fault and repair, then checks Pinot holds every acknowledged order.
import { copyFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InfraConfig, Logger, PinotClient } from '@pizzashop/common';
import type { Kafka } from 'kafkajs';
import mysql, { type ConnectionOptions } from 'mysql2/promise';
import { status, type StackContext } from '@pizzashop/local-stack';
import { loadProducts, type CatalogueProduct } from '@pizzashop/orders-service';
import { allPresent, countRows, pinotCounts, pinotRows, type PinotCounts } from './pinot-counts.js';
import { drillLogFile } from './context.js';
import type { NpmStartPipeline } from './npm-start.js';
import type { DrillPipeline, Pipeline } from './pipeline.js';
import { findStages, kafkaRows, summariseStages, type StageFinding } from './stages.js';
import { OrderWorkload, type WorkloadOptions } from './workload.js';

export interface DrillContext {
  stack: StackContext;
  /** The services the current drill runs: `processes`, or `npmStart` for drills with `underNpmStart`. */
  pipeline: DrillPipeline;
  processes: Pipeline;
  npmStart: NpmStartPipeline;
  kafka: Kafka;
  pinot: PinotClient;
  /** The stack's connection settings, for a service a drill starts itself. */
  infra: InfraConfig;
  /** Port of the delivery-service a drill starts (delivery-kill). */
  deliveryPort: number;
  /** Admin account: drills change the catalogue. */
  db: ConnectionOptions;
  cdcTopic: string;
  topics: { orders: string; enriched: string; deadLetters: string };
  log: Logger;
  progress: (line: string) => void;
}

/** One fault: what breaks, how it is repaired, and what else must hold afterwards. */
export interface Drill {
  name: string;
  fault: string;
  /** Enricher instances running when the drill starts (default: `a`). */
  enrichers?: string[];
  /** The services run as `npm start` runs them (supervised) instead of as separate processes. */
  underNpmStart?: boolean;
  /** How the workload's client treats a 503 (default: retries the same order). */
  on503?: WorkloadOptions['on503'];
  /** How long the fault lasts before the repair starts, when not `--hold-ms`. */
  holdMs?: number;
  /** Runs before the workload starts, e.g. a service the drill runs itself. */
  setUp?(ctx: DrillContext): Promise<void>;
  inject(ctx: DrillContext): Promise<void>;
  /** Resolves once the broken part is back (healthy), or at once when nothing is restarted. */
  repair(ctx: DrillContext): Promise<void>;
  /**
   * Watches the drill from the workload's start until Pinot holds every order (e.g. what API clients
   * see), told when the fault is injected; its verdict joins the result.
   */
  observe?(ctx: DrillContext, workload: OrderWorkload): { fault?(at: number): void; stop(): Promise<{ ok: boolean; note: string }> };
  /** Checks beyond the order counts, run once Pinot has every order; a note for the report. */
  verify?(ctx: DrillContext, workload: OrderWorkload): Promise<{ ok: boolean; note: string }>;
  /** Runs after the drill whatever happened: stops and removes what setUp made. */
  tearDown?(ctx: DrillContext): Promise<void>;
}

export interface DrillOptions {
  orders: number;
  /** Orders per second placed by the workload. */
  rate: number;
  /** Fraction of the orders acknowledged before the fault. */
  faultAt: number;
  /** How long the fault lasts before the repair starts. */
  holdMs: number;
  /** Longest wait for Pinot to hold every order after the workload ended. */
  convergeTimeoutMs: number;
}

export interface DrillResult {
  name: string;
  fault: string;
  ordersProduced: number;
  ordersInPinot: number;
  itemsExpected: number;
  itemsInPinot: number;
  duplicates: number;
  /** Fault injected -> broken part healthy again. */
  outageS: number;
  /** Healthy again -> Pinot holds every order and item acknowledged until then. */
  recoveryS: number | null;
  /** POST /orders retried by the client (503 or unreachable) during the drill. */
  clientRetries: number;
  /** The same orders and items counted on the Kafka topics (read committed). */
  kafka: { orders: number; items: number };
  /** Every order or item missing or doubled, with the stage where it went wrong. */
  findings: StageFinding[];
  notes: string[];
  passed: boolean;
}

async function loadCatalogue(db: ConnectionOptions): Promise<CatalogueProduct[]> {
  const pool = mysql.createPool(db);
  try {
    return await loadProducts(pool);
  } finally {
    await pool.end();
  }
}

async function countsOrNull(pinot: PinotClient, placed: Parameters<typeof pinotCounts>[1]): Promise<PinotCounts | null> {
  try {
    return await pinotCounts(pinot, placed);
  } catch {
    return null;
  }
}

/** Polls Pinot until every given order and item is present; the time it took, or null on timeout. */
async function untilPresent(pinot: PinotClient, placed: Parameters<typeof pinotCounts>[1], timeoutMs: number): Promise<number | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const counts = await countsOrNull(pinot, placed);
    if (counts && allPresent(counts, placed.length)) return Date.now() - t0;
    await sleep(500);
  }
  return null;
}

/** Starts the services the drill runs (stopping the other set, so one enricher group is up), and returns the context with them. */
async function prepare(base: DrillContext, drill: Drill): Promise<DrillContext> {
  const [active, other] = drill.underNpmStart ? [base.npmStart, base.processes] : [base.processes, base.npmStart];
  await other.stop();
  const ctx = { ...base, pipeline: active };
  const wanted = drill.enrichers ?? ['a'];
  for (const name of ctx.pipeline.enricherNames) if (!wanted.includes(name)) await ctx.pipeline.stopEnricher(name, 'SIGTERM');
  await ctx.pipeline.startOrdersService();
  for (const name of wanted) await ctx.pipeline.startEnricher(name);
  return ctx;
}

/**
 * Copies the broker's log when a drill lost or doubled something (later restarts and the suite's
 * last tests replace it): how the broker ended each transaction is part of the evidence.
 */
async function keepKafkaLog(ctx: DrillContext, drillName: string): Promise<string> {
  const copy = drillLogFile(`failure-${drillName}-${new Date().toISOString().replaceAll(':', '-')}-kafka`);
  return copyFile(ctx.stack.paths.log('kafka'), copy).then(
    () => `the broker's log at the time: ${copy}`,
    (err: unknown) => `the broker's log could not be kept: ${(err as Error).message}`,
  );
}

/** Components of the stack not healthy now, by name. */
async function unhealthyComponents(stack: StackContext): Promise<string[]> {
  return (await status(stack)).filter((c) => !c.healthy).map((c) => `${c.name} ${c.state}`);
}

/**
 * Runs one drill: a known workload through orders-service, the fault when `faultAt` of it is
 * acknowledged, the repair after `holdMs`, then waits until Pinot holds every acknowledged order
 * and item and counts what is there.
 */
export async function runDrill(base: DrillContext, drill: Drill, o: DrillOptions): Promise<DrillResult> {
  const ctx = await prepare(base, drill);
  try {
    await drill.setUp?.(ctx);
    return await measure(ctx, drill, o);
  } catch (err) {
    return abortedResult(drill, err);
  } finally {
    await drill.tearDown?.(ctx);
  }
}

/**
 * A drill that could not finish (e.g. orders-service answered a status the client cannot retry):
 * a failed result saying why, so the run still writes its results and the set goes on.
 */
export function abortedResult(drill: Pick<Drill, 'name' | 'fault'>, err: unknown): DrillResult {
  return {
    name: drill.name,
    fault: drill.fault,
    ordersProduced: 0,
    ordersInPinot: 0,
    itemsExpected: 0,
    itemsInPinot: 0,
    duplicates: 0,
    outageS: 0,
    recoveryS: null,
    clientRetries: 0,
    kafka: { orders: 0, items: 0 },
    findings: [],
    notes: [`aborted, not measured: ${err instanceof Error ? err.message : String(err)}`],
    passed: false,
  };
}

async function measure(ctx: DrillContext, drill: Drill, o: DrillOptions): Promise<DrillResult> {
  const exitsBefore = ctx.pipeline.unexpectedExits.length;
  const workload = new OrderWorkload({ ordersUrl: ctx.pipeline.ordersUrl, products: await loadCatalogue(ctx.db), rate: o.rate, on503: drill.on503 ?? 'retry' });
  // A workload that fails (an answer it cannot retry) fails the drill where it is awaited, not the
  // process: an unhandled rejection would skip the runner's clean-up and orphan the services.
  let workloadError: unknown;
  const placing = workload.run(o.orders).catch((err: unknown) => {
    workloadError = err;
  });
  const observer = drill.observe?.(ctx, workload);
  while (workload.acknowledged.length < o.orders * o.faultAt && workloadError === undefined) await sleep(50);
  if (workloadError !== undefined) throw workloadError;

  ctx.progress(`[drill] ${drill.name}: ${drill.fault} (${workload.acknowledged.length} orders acknowledged)`);
  const faultAt = Date.now();
  observer?.fault?.(faultAt);
  await drill.inject(ctx);
  await sleep(drill.holdMs ?? o.holdMs);
  await drill.repair(ctx);
  const outageS = (Date.now() - faultAt) / 1000;
  ctx.progress(`[drill] ${drill.name}: repaired after ${outageS.toFixed(1)} s; waiting for Pinot to catch up`);
  const recovery = untilPresent(ctx.pinot, [...workload.acknowledged], o.convergeTimeoutMs);

  await placing;
  if (workloadError !== undefined) throw workloadError;
  const convergedMs = await untilPresent(ctx.pinot, workload.acknowledged, o.convergeTimeoutMs);
  await sleep(3000);
  const placed = workload.acknowledged;
  const rows = await pinotRows(ctx.pinot, placed).catch(() => ({ orders: new Map<string, number>(), items: new Map<string, number>() }));
  const counts = countRows(rows, placed);
  const onTopics = await kafkaRows(ctx.kafka, ctx.topics, placed, ctx.log);
  const findings = findStages(placed, onTopics, rows);
  const recoveryMs = await recovery;
  const extra = convergedMs === null ? undefined : await drill.verify?.(ctx, workload);
  const observed = await observer?.stop();
  const unhealthy = await unhealthyComponents(ctx.stack);
  const exits = ctx.pipeline.unexpectedExits.slice(exitsBefore);
  for (const exit of exits) ctx.progress(`[drill] ${drill.name}: ${exit}`);

  const notes = [
    ...summariseStages(findings),
    ...(extra ? [extra.note] : []),
    ...(observed ? [observed.note] : []),
    ...(workload.outcomeUnknown.length > 0
      ? [`${workload.outcomeUnknown.length} POST /orders answered 500 (outcome unknown) and were sent again with the same id; first: ${workload.outcomeUnknown[0]?.answer}`]
      : []),
    ...(convergedMs === null ? [`Pinot did not hold every order within ${o.convergeTimeoutMs / 1000} s`] : []),
    ...(unhealthy.length > 0 ? [`unhealthy afterwards: ${unhealthy.join(', ')}`] : []),
    ...exits.map((e) => `unexpected exit: ${e.split('\n')[0]}`),
  ];
  const duplicates = counts.orderDuplicates + counts.itemDuplicates;
  const kept = duplicates > 0 || findings.length > 0 ? await keepKafkaLog(ctx, drill.name) : undefined;
  if (kept) notes.push(kept);
  const passed =
    convergedMs !== null &&
    counts.orders === workload.acknowledged.length &&
    counts.items === counts.itemsExpected &&
    duplicates === 0 &&
    findings.length === 0 &&
    (extra?.ok ?? true) &&
    (observed?.ok ?? true) &&
    unhealthy.length === 0 &&
    exits.length === 0;
  return {
    name: drill.name,
    fault: drill.fault,
    ordersProduced: workload.acknowledged.length,
    ordersInPinot: counts.orders,
    itemsExpected: counts.itemsExpected,
    itemsInPinot: counts.items,
    duplicates,
    outageS: Math.round(outageS * 10) / 10,
    recoveryS: recoveryMs === null ? null : Math.round(recoveryMs / 100) / 10,
    clientRetries: workload.retries,
    kafka: { orders: onTopics.orders.size, items: onTopics.items.size },
    findings,
    notes,
    passed,
  };
}
