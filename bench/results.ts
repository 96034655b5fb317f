/**
 * Dated result files: every bench run is kept as bench/results/runs/<start time>-<bench>.json with
 * its own metadata, and latest.json / latest.md / the README block are made from the newest
 * successful run of each bench.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@pizzashop/local-stack';
import type { BenchResult } from '@pizzashop/testkit/bench';

export const resultsDir = join(repoRoot, 'bench', 'results');
export const runsDir = join(resultsDir, 'runs');

export type LoadAverage = [oneMinute: number, fiveMinutes: number, fifteenMinutes: number];

export interface RunMeta {
  bench: string;
  what: string;
  /** ISO times; null only for results recorded before dated files existed (see `legacy`). */
  startedAt: string | null;
  endedAt: string | null;
  loadAverage: { before: LoadAverage | null; after: LoadAverage | null };
  machine: { cpus: string; memoryGiB: number };
  versions: { node: string; git: { commit: string; dirty: boolean } | null; components: Record<string, string> };
  /** Messages another producer (e.g. `npm start`'s simulator) added to the stack's orders topic during the run. */
  devOrdersTraffic: { topic: string; messages: number; perSecond: number } | { error: string } | null;
  exitCode: number;
  /** Set on results carried over from before dated files: what is known about them. */
  legacy?: string;
}

export interface RunFile {
  meta: RunMeta;
  /** null when the bench failed. */
  result: BenchResult | null;
  error?: string;
}

export interface StoredRun {
  /** Path relative to the repository root. */
  file: string;
  run: RunFile;
}

/** `2026-12-01T12:30:05.123Z` + `freshness` -> `2026-12-01T12-30-05Z-freshness.json`. */
export function runFileName(bench: string, startedAt: string): string {
  return `${startedAt.replace(/\.\d+Z$/, 'Z').replaceAll(':', '-')}-${bench}.json`;
}

export function writeRunFile(run: RunFile, dir = runsDir): string {
  if (!run.meta.startedAt) throw new Error('bench results: a new run needs its start time');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, runFileName(run.meta.bench, run.meta.startedAt));
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}

export function readRunFiles(dir = runsDir): StoredRun[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.map((name) => {
    const path = join(dir, name);
    try {
      return { file: path.slice(repoRoot.length + 1), run: JSON.parse(readFileSync(path, 'utf8')) as RunFile };
    } catch (err) {
      throw new Error(`bench results: ${path} is not a run file (${(err as Error).message}); fix or remove it`);
    }
  });
}

export interface Section {
  bench: string;
  what: string;
  /** The newest successful run, if any. */
  latest: StoredRun | undefined;
  /** Failed runs newer than `latest`. */
  newerFailures: StoredRun[];
}

const startOf = (r: StoredRun) => r.run.meta.startedAt ?? '';

/** For each bench (in registry order), its newest successful run and the failures after it. */
export function latestSections(runs: StoredRun[], benches: { name: string; what: string }[]): Section[] {
  return benches.map(({ name, what }) => {
    const mine = runs.filter((r) => r.run.meta.bench === name).sort((a, b) => startOf(a).localeCompare(startOf(b)));
    const latest = mine.filter((r) => r.run.result !== null).at(-1);
    const newerFailures = mine.filter((r) => r.run.result === null && (!latest || startOf(r) > startOf(latest)));
    return { bench: name, what, latest, newerFailures };
  });
}

/** One line saying which run a section comes from. */
export function provenance(r: StoredRun): string {
  const m = r.run.meta;
  if (m.legacy) return `${m.legacy} (\`${r.file}\`)`;
  const load = (l: LoadAverage | null) => (l ? l[0].toFixed(2) : '?');
  const git = m.versions.git ? `, git ${m.versions.git.commit.slice(0, 10)}${m.versions.git.dirty ? ' with uncommitted changes' : ''}` : '';
  const traffic = m.devOrdersTraffic && 'messages' in m.devOrdersTraffic ? `; meanwhile another producer added ${m.devOrdersTraffic.messages.toLocaleString('en')} orders (${m.devOrdersTraffic.perSecond}/s) to the stack's \`${m.devOrdersTraffic.topic}\`` : '';
  return `run of ${m.startedAt} to ${m.endedAt}, load average (1 min) ${load(m.loadAverage.before)} before and ${load(m.loadAverage.after)} after on ${m.machine.cpus}${git}${traffic} (\`${r.file}\`)`;
}
