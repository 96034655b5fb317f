import type { DrillResult } from './harness.js';

const seconds = (s: number | null) => (s === null ? 'n/a' : `${s.toFixed(1)} s`);

/** One line per drill, as printed while the drills run. */
export function reportLine(r: DrillResult): string {
  return [
    `${r.passed ? 'PASS' : 'FAIL'} ${r.name}: ${r.fault}`,
    `orders produced ${r.ordersProduced}, in Pinot ${r.ordersInPinot}`,
    `items ${r.itemsInPinot}/${r.itemsExpected}`,
    `duplicates ${r.duplicates}`,
    `outage ${seconds(r.outageS)}, recovery ${seconds(r.recoveryS)}`,
    `client retries ${r.clientRetries}`,
    ...r.notes,
  ].join(' | ');
}

export interface DrillRun {
  date: string;
  orders: number;
  rate: number;
  results: DrillResult[];
}

/** The drill results table for docs/reliability.md and drills/results/latest.md. */
export function renderMarkdown(run: DrillRun): string {
  const rows = run.results.map((r) =>
    [
      r.fault,
      r.ordersProduced,
      r.ordersInPinot,
      `${r.itemsInPinot} / ${r.itemsExpected}`,
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
    `${run.date}: ${run.orders} orders per drill at ${run.rate} orders/s through orders-service \`POST /orders\`. ` +
      'Outage: fault injected until the broken part is healthy again. Recovery: from then until Pinot holds every order and item acknowledged so far.',
    '',
    '| fault | orders produced | orders in Pinot | items in Pinot / expected | duplicates | outage | recovery | client retries | notes | result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
    '',
  ].join('\n');
}
