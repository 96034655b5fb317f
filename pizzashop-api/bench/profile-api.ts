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
import { summariseCpuProfile, type CpuProfile } from '@pizzashop/testkit/bench';

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
  let profile: CpuProfile;
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
    profile = ((await session.post('Profiler.stop')) as { profile: CpuProfile }).profile;
    session.disconnect();
  } finally {
    await service.stop();
  }
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'api.cpuprofile'), JSON.stringify(profile));
  const summary = { path, requestsPerSecond: load.requests.average, latencyMs: { p50: load.latency.p50, p99: load.latency.p99 }, ...summariseCpuProfile(profile, ['common', 'pizzashop-api', 'local-stack']) };
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(JSON.stringify(summary, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
