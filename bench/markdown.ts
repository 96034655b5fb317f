/**
 * Renders bench results as Markdown. A result may carry `figures` ({name, value, unit, target}) and/or
 * `runs` (load-test rows with requestsPerSecond and latencyMs); anything else is shown as JSON.
 */
interface Figure {
  name: string;
  value: number | string;
  unit: string;
  target?: string;
}
interface LoadRun {
  cacheTtlMs?: number;
  path?: string;
  connections?: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number };
  loadAverage1m?: number;
  non2xx?: number;
}
export interface BenchResult {
  figures?: Figure[];
  runs?: LoadRun[];
  [key: string]: unknown;
}

const table = (header: string[], rows: (string | number)[][]) =>
  [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function renderOne(name: string, what: string, result: BenchResult | { error: string }): string {
  const parts = [`## ${name}`, '', what, ''];
  if ('error' in result && typeof result.error === 'string') return [...parts, `**Failed:** ${result.error}`, ''].join('\n');
  const r = result as BenchResult;
  if (r.figures?.length) parts.push(table(['figure', 'value', 'unit', 'target'], r.figures.map((f) => [f.name, f.value, f.unit, f.target ?? ''])), '');
  if (r.runs?.length) {
    parts.push(
      table(
        ['route', 'cache TTL ms', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'load avg'],
        r.runs.map((x) => [x.path ?? '', x.cacheTtlMs ?? '', x.connections ?? '', x.requestsPerSecond, x.latencyMs.p50, x.latencyMs.p99, x.non2xx ?? 0, x.loadAverage1m ?? '']),
      ),
      '',
    );
  }
  if (!r.figures?.length && !r.runs?.length) parts.push('```json', JSON.stringify(r, null, 2), '```', '');
  return parts.join('\n');
}

export function renderMarkdown(meta: Record<string, unknown>, sections: { name: string; what: string; result: BenchResult | { error: string } }[]): string {
  return [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/run.ts); numbers from one run on the machine below, with the whole stack up.',
    '',
    table(['key', 'value'], Object.entries(meta).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    '',
    ...sections.map((s) => renderOne(s.name, s.what, s.result)),
  ].join('\n');
}
