// Drill results as text: one line per drill while running, and the Markdown report.
import type { DrillResult } from './harness.js';

const seconds = (s: number | null) => (s === null ? 'n/a' : `${s.toFixed(1)} s`);

/** One line per drill, as printed while the drills run. */
export function reportLine(r: DrillResult): string {
  return [
    `${r.passed ? 'PASS' : 'FAIL'} ${r.name}: ${r.fault}`,
    `orders produced ${r.ordersProduced}, on Kafka ${r.kafka.orders}, in Pinot ${r.ordersInPinot}`,
    `items ${r.itemsInPinot}/${r.itemsExpected} (on Kafka ${r.kafka.items})`,
    `duplicates ${r.duplicates}`,
    `outage ${seconds(r.outageS)}, recovery ${seconds(r.recoveryS)}`,
    `client retries ${r.clientRetries}`,
    ...r.notes,
  ].join(' | ');
}

/** One drill of one repetition. */
export type RepeatedResult = DrillResult & { repetition: number };

export interface DrillRun {
  date: string;
  orders: number;
  rate: number;
  repeat: number;
  results: RepeatedResult[];
}

/** The drill results table for docs/reliability.md and drills/results/latest.md. */
export function renderMarkdown(run: DrillRun): string {
  const rows = run.results.map((r) =>
    [
      r.repetition,
      r.fault,
      r.ordersProduced,
      `${r.kafka.orders} / ${r.ordersInPinot}`,
      `${r.kafka.items} / ${r.itemsInPinot} / ${r.itemsExpected}`,
      r.duplicates,
      seconds(r.outageS),
      seconds(r.recoveryS),
      r.clientRetries,
      r.notes.join('; ') || '-',
      r.passed ? 'pass' : '**FAIL**',
    ].join(' | '),
  );
  return [
    `# Drill results`,
    '',
    `${run.date}: ${run.orders} orders per drill at ${run.rate} orders/s through orders-service \`POST /orders\`, ` +
      `the set run ${run.repeat} time(s); ${run.results.filter((r) => r.passed).length} of ${run.results.length} drill runs passed. ` +
      'Orders and items are counted on the Kafka topics (read committed) and in Pinot; a loss or duplicate names its stage in the notes. ' +
      'Outage: fault injected until the broken part is healthy again. Recovery: from then until Pinot holds every order and item acknowledged so far.',
    '',
    '| run | fault | orders produced | orders on Kafka / in Pinot | items on Kafka / in Pinot / expected | duplicates | outage | recovery | client retries | notes | result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
    '',
  ].join('\n');
}
