/**
 * CPU profile of pizzashop-api under load: where a request's time goes.
 * Usage: tsx pizzashop-api/bench/profile-api.ts <out-dir> [path=/orders/overview] [seconds=10]
 * Starts the API in this process against the stack in the environment (PINOT_BROKER_URLS), warms
 * the cache, records a V8 CPU profile while autocannon (a separate process, 200 connections) drives
 * `path`, and writes `api.cpuprofile` (open it in Chrome DevTools) and `summary.json`: self time by
 * package (node_modules/<name>, node internals, the repo's own code) and the top functions.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { createLogger, loadConfig } from '@pizzashop/common';
import { apiEnvSchema } from '../src/config.js';
import { createApiService } from '../src/service.js';
import { testPort } from '@pizzashop/testkit';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

/** Which package a script URL belongs to: `node_modules/<pkg>`, `node:internal`, `repo:<folder>` or `(vm)`. */
function owner(url: string): string {
  if (url === '') return '(native/vm)';
  if (url.startsWith('node:')) return 'node internals';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  const repo = /\/(common|pizzashop-api|local-stack)\/src\//.exec(url);
  return repo ? `repo:${repo[1]}` : url;
}

function summarise(profile: Profile) {
  const total = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0) || 1;
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    byOwner.set(owner(url), (byOwner.get(owner(url)) ?? 0) + hits);
    const fn = `${functionName || '(anonymous)'} ${owner(url)}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
  }
  const share = (m: Map<string, number>, top: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, hits]) => ({ name, selfPercent: Math.round((hits / total) * 1000) / 10 }));
  return { samples: total, durationMs: Math.round((profile.endTime - profile.startTime) / 1000), byPackage: share(byOwner, 20), topFunctions: share(byFunction, 30) };
}

function runAutocannon(url: string, seconds: number): Promise<string> {
  const cli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, '-c', '200', '-d', String(seconds), '-j', url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`autocannon exited with ${code}`))));
  });
}

async function main() {
  const [outDir, path = '/orders/overview', seconds = '10'] = process.argv.slice(2);
  if (!outDir) throw new Error('usage: tsx pizzashop-api/bench/profile-api.ts <out-dir> [path] [seconds]');
  const port = testPort('profile-api.api');
  const config = loadConfig(apiEnvSchema, { ...process.env, API_HTTP_PORT: String(port), API_HTTP_HOST: '127.0.0.1' }, 'profile-api');
  const service = createApiService(config, createLogger('pizzashop-api', process.env.LOG_LEVEL ?? 'info'));
  await service.start();
  const url = `http://127.0.0.1:${port}${path}`;
  let profile: Profile;
  let load: { requests: { average: number }; latency: { p50: number; p99: number } };
  try {
    const warm = await fetch(url);
    if (!warm.ok) throw new Error(`GET ${url} answered ${warm.status}: is the stack up (PINOT_BROKER_URLS)? ${await warm.text()}`);
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    load = JSON.parse(await runAutocannon(url, Number(seconds))) as typeof load;
    profile = ((await session.post('Profiler.stop')) as { profile: Profile }).profile;
    session.disconnect();
  } finally {
    await service.stop();
  }
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'api.cpuprofile'), JSON.stringify(profile));
  const summary = { path, requestsPerSecond: load.requests.average, latencyMs: { p50: load.latency.p50, p99: load.latency.p99 }, ...summarise(profile) };
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(JSON.stringify(summary, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
