// The TypeScript services `npm start` runs: their entries and ports, each instance's env, bundling and
// running one as a child process with its log.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { portVarOf, SERVICE_LISTEN, type ListeningService } from '@pizzashop/common';
import { memberPort, repoRoot } from '@pizzashop/local-stack';

export interface ServiceSpec {
  name: string;
  entry: string;
  /** The variable the service reads its HTTP port from, and its default (common's SERVICE_LISTEN). */
  portVar: string;
  port: number;
  /** Where to point a browser (or a health check) on that port. */
  path: string;
  /**
   * Run from a bundle of `entry` (as the service's image does) rather than through tsx: a restarted
   * service is up seconds sooner. False for the dashboard, whose server finds its web files next to its source.
   */
  bundled: boolean;
}

function spec(name: ListeningService, entry: string, path: string, bundled: boolean): ServiceSpec {
  return { name, entry, portVar: portVarOf(name), port: SERVICE_LISTEN[name].port, path, bundled };
}

/** The TypeScript services `npm start` runs after the stack, in this order. */
export const services: ServiceSpec[] = [
  spec('orders-service', 'orders-service/src/main.ts', '/readyz', true),
  spec('enricher', 'enricher/src/main.ts', '/readyz', true),
  spec('delivery-service', 'delivery-service/src/main.ts', '/readyz', true),
  spec('pizzashop-api', 'pizzashop-api/src/main.ts', '/docs', true),
  spec('alerts', 'alerts/src/main.ts', '/readyz', true),
  spec('dashboard', 'dashboards/src/server/main.ts', '/', false),
];

/**
 * Each service's port: its variable when set in `env`, else its default shifted by `offset` (the
 * stack's STACK_PORT_OFFSET, so a second system beside `npm start` takes other ports too).
 */
export function servicePort(spec: ServiceSpec, offset: number, env: NodeJS.ProcessEnv = process.env): number {
  const given = env[spec.portVar];
  return given ? Number(given) : spec.port + offset;
}

/** How many instances of a service to run; a service with more than one runs as `<name>-1`, `<name>-2`, ... */
export type InstanceCounts = Partial<Record<string, number>>;

/**
 * The env of each service instance on a stack: the stack's connection keys, its port (instance n on
 * the first one's port + n x 100, as the stack's members), and the API's URL for the dashboard
 * (which proxies to the first API instance).
 */
export function serviceEnvs(present: ServiceSpec[], stackEnv: Record<string, string>, offset: number, instances: InstanceCounts = {}, env: NodeJS.ProcessEnv = process.env) {
  const api = services.find((s) => s.name === 'pizzashop-api')!;
  return present.flatMap((spec) => {
    const count = instances[spec.name] ?? 1;
    return Array.from({ length: count }, (_, i) => {
      const port = memberPort(servicePort(spec, offset, env), i);
      return {
        spec: count > 1 ? { ...spec, name: `${spec.name}-${i + 1}` } : spec,
        url: `http://localhost:${port}${spec.path}`,
        env: { ...stackEnv, [spec.portVar]: String(port), API_URL: env.API_URL ?? `http://localhost:${servicePort(api, offset, env)}` },
      };
    });
  });
}

export const available = (spec: ServiceSpec) => existsSync(join(repoRoot, spec.entry));

const levelNames: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** One pino JSON line as `name | level message`; other lines unchanged. */
export function compactLine(name: string, line: string): string {
  try {
    const rec = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
    const level = levelNames[rec.level ?? 30] ?? String(rec.level);
    const detail = rec.err?.message ? ` (${rec.err.message})` : '';
    return `${name.padEnd(14)} | ${level.padEnd(5)} ${rec.msg ?? ''}${detail}`;
  } catch {
    return `${name.padEnd(14)} | ${line}`;
  }
}

/** The workspace folder of a service (its entry is <workspace>/src/...). */
const workspaceOf = (spec: ServiceSpec) => spec.entry.split('/')[0]!;

/** Where the bundle of a `bundled` service is written under `dir`. */
export function bundlePath(spec: ServiceSpec, dir: string): string {
  return join(dir, workspaceOf(spec), 'main.mjs');
}

/**
 * Bundles every `bundled` service into `dir` in one build of docker/bundle-service.mjs (the images'
 * build step); resolves with the time taken, rejects with esbuild's message.
 */
export async function bundleServices(specs: ServiceSpec[], dir: string): Promise<number> {
  const started = Date.now();
  const workspaces = specs.filter((spec) => spec.bundled).map(workspaceOf);
  try {
    await promisify(execFile)(process.execPath, [join(repoRoot, 'docker/bundle-service.mjs'), '--outdir', dir, ...workspaces]);
  } catch (err) {
    throw new Error(`[start] bundling ${workspaces.join(', ')} failed (${(err as Error).message.trim()}); \`npm run typecheck\` names the error`);
  }
  return Date.now() - started;
}

/**
 * Runs one service as a child process, from its bundle in `bundleDir` when it is `bundled`, else
 * with tsx: its full log goes to `logFile`, a compact stream (info and above) to the console.
 */
export function runService(spec: ServiceSpec, env: Record<string, string>, logFile: string, bundleDir: string): ChildProcess {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  const args = spec.bundled ? ['--enable-source-maps', bundlePath(spec, bundleDir)] : ['--import', 'tsx', resolve(repoRoot, spec.entry)];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C in the terminal reaches only `npm start`, which then stops each
    // service once with SIGTERM (a second signal would make a service skip its graceful flush).
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => {
      log.write(`${line}\n`);
      const rec = compactLine(spec.name, line);
      if (!/\| (trace|debug)/.test(rec)) console.log(rec);
    });
  }
  child.on('exit', (code, signal) => {
    log.end();
    if (code !== 0 && signal === null) console.error(`${spec.name.padEnd(14)} | exited with code ${code}; full log: ${logFile}`);
  });
  return child;
}
