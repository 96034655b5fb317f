import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createContext, loadStackConfig, repoRoot, serviceEnv, up } from '../local-stack/src/index.js';
import { benches } from './benches.js';
import { renderMarkdown, type BenchResult } from './markdown.js';

const resultsDir = join(repoRoot, 'bench', 'results');
const only = process.argv.slice(2);

function runScript(script: string, out: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, script), out], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

type Section = { name: string; what: string; result: BenchResult | { error: string } };

/** When only some benches ran, the others keep their previous results in latest.json. */
function mergeWithPrevious(sections: Section[]): Section[] {
  const file = join(resultsDir, 'latest.json');
  const previous = existsSync(file) ? ((JSON.parse(readFileSync(file, 'utf8')) as { results?: Record<string, BenchResult> }).results ?? {}) : {};
  return benches.flatMap((bench): Section[] => {
    const fresh = sections.find((s) => s.name === bench.name);
    if (fresh) return [fresh];
    const old = previous[bench.name];
    return old ? [{ name: bench.name, what: `${bench.what} (from an earlier run)`, result: old }] : [];
  });
}

/**
 * `npm run bench [name...]`: brings up (or reuses) the local stack, runs every benchmark (or the named
 * ones) one after another, and writes bench/results/latest.json and latest.md.
 */
async function main(): Promise<void> {
  const cfg = loadStackConfig();
  const ctx = createContext(cfg, (line) => console.error(line));
  await up(ctx);
  const env = serviceEnv(cfg);
  mkdirSync(join(resultsDir, 'tmp'), { recursive: true });

  const sections: Section[] = [];
  for (const bench of benches.filter((b) => only.length === 0 || only.includes(b.name))) {
    console.error(`\n[bench] ${bench.name}: ${bench.what}`);
    const out = join(resultsDir, 'tmp', `${bench.name}.json`);
    const t0 = Date.now();
    const code = await runScript(bench.script, out, env);
    const result: BenchResult | { error: string } =
      code === 0 && existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as BenchResult) : { error: `${bench.script} exited with code ${code}` };
    console.error(`[bench] ${bench.name}: ${code === 0 ? 'done' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
    sections.push({ name: bench.name, what: bench.what, result });
  }

  const meta = {
    at: new Date().toISOString(),
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage1mAtEnd: Number(loadavg()[0]?.toFixed(2)),
    node: process.version,
    versions: JSON.parse(readFileSync(join(repoRoot, 'versions.json'), 'utf8')) as unknown,
  };
  const all = mergeWithPrevious(sections);
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify({ meta, results: Object.fromEntries(all.map((s) => [s.name, s.result])) }, null, 2)}\n`);
  writeFileSync(join(resultsDir, 'latest.md'), renderMarkdown(meta, all));
  console.error(`[bench] wrote ${join(resultsDir, 'latest.json')} and latest.md`);
  if (sections.some((s) => 'error' in s.result)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
