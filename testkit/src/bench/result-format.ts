/**
 * What a bench script writes to the result path it is given (JSON), as the runner, latest.md and the
 * README block read it. Every part is optional; anything else in the result is kept as raw data.
 */

/** One number; `value: null` means not measured, and `reason` says why (never a made-up number). */
export interface Figure {
  name: string;
  value: number | null;
  unit: string;
  target?: string;
  reason?: string;
}

/** A row of the README's benchmark table. */
export interface ReadmeRow {
  what: string;
  measured: string;
  target?: string;
}

export interface ResultTable {
  title: string;
  header: string[];
  rows: (string | number)[][];
}

/** A load-test row (pizzashop-api bench). */
export interface LoadRun {
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
  readme?: ReadmeRow[];
  notes?: string[];
  tables?: ResultTable[];
  [key: string]: unknown;
}

/** A figure's value as shown to people: the number, or "not measured: <reason>". */
export function figureValue(f: Figure): string {
  if (f.value === null) return `not measured: ${f.reason ?? 'no reason given'}`;
  return String(f.value);
}
