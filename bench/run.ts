/** `npm run bench`: runs the benches against the stack and records every run as a dated file (see bench/README.md). */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createContext, loadStackConfig, repoRoot, serviceEnv, up } from '@pizzashop/local-stack';
import { benches, type BenchSpec } from './benches.js';
import { writeReports } from './report.js';
import type { BenchResult } from '@pizzashop/testkit/bench';
import { resultsDir, writeRunFile, type RunFile, type RunMeta } from './results.js';
import { loadAverage, machine, topicEnd, versions } from './run-meta.js';

const only = process.argv.slice(2);

function runScript(script: string, out: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, script), out], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function devOrdersEnd(brokers: string[], topic: string): Promise<number | string> {
  return topicEnd(brokers, topic).catch((err: unknown) => `could not read the end offsets of ${topic}: ${(err as Error).message}`);
}

/** Runs one bench script and records it as a dated run file. */
async function runBench(bench: BenchSpec, env: Record<string, string>): Promise<RunFile> {
  const out = join(resultsDir, 'tmp', `${bench.name}.json`);
  rmSync(out, { force: true });
  const brokers = env.KAFKA_BROKERS?.split(',') ?? [];
  const topic = env.ORDERS_TOPIC ?? 'orders';
  const runVersions = await versions();
  const startedAt = new Date();
  const before = loadAverage();
  const endBefore = await devOrdersEnd(brokers, topic);
  const code = await runScript(bench.script, out, { ...env, ...bench.env?.(env) });
  const endedAt = new Date();
  const after = loadAverage();
  const endAfter = await devOrdersEnd(brokers, topic);
  const seconds = (endedAt.getTime() - startedAt.getTime()) / 1000;
  const traffic: RunMeta['devOrdersTraffic'] =
    typeof endBefore === 'number' && typeof endAfter === 'number'
      ? { topic, messages: endAfter - endBefore, perSecond: Math.round((endAfter - endBefore) / seconds) }
      : { error: [endBefore, endAfter].find((e) => typeof e === 'string') as string };
  const meta: RunMeta = {
    bench: bench.name,
    what: bench.what,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    loadAverage: { before, after },
    machine: machine(),
    versions: runVersions,
    devOrdersTraffic: traffic,
    exitCode: code,
  };
  if (code === 0 && existsSync(out)) return { meta, result: JSON.parse(readFileSync(out, 'utf8')) as BenchResult };
  return { meta, result: null, error: `${bench.script} exited with code ${code}${existsSync(out) ? '' : ' without writing its result'}` };
}

/**
 * `npm run bench [name...]`: brings up (or reuses) the local stack, runs every benchmark (or the named
 * ones) one after another, records each as bench/results/runs/<start>-<name>.json, then regenerates
 * latest.json, latest.md and the README's benchmark block from the run files.
 */
async function main(): Promise<void> {
  const unknown = only.filter((name) => !benches.some((b) => b.name === name));
  if (unknown.length > 0) throw new Error(`bench: unknown bench ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`);
  const cfg = loadStackConfig();
  const ctx = createContext(cfg, (line) => console.error(line));
  await up(ctx);
  const env = { ...serviceEnv(cfg), STACK_PORT_OFFSET: String(cfg.STACK_PORT_OFFSET) };
  mkdirSync(join(resultsDir, 'tmp'), { recursive: true });

  let failed = false;
  for (const bench of benches.filter((b) => (only.length === 0 ? !b.onlyWhenNamed : only.includes(b.name)))) {
    console.error(`\n[bench] ${bench.name}: ${bench.what}`);
    const run = await runBench(bench, env);
    const file = writeRunFile(run);
    failed ||= run.result === null;
    console.error(`[bench] ${bench.name}: ${run.result ? 'done' : `FAILED (${run.error})`}; load average ${run.meta.loadAverage.before?.[0]} -> ${run.meta.loadAverage.after?.[0]}; wrote ${file}`);
  }
  for (const file of writeReports()) console.error(`[bench] wrote ${file}`);
  if (failed) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
