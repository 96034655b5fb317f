// Brings the stack up in dependency order (prerequisites, ports, jars, launch, health), reports its
// status and takes it down.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StackConfig } from './config.js';
import { stackComponents, type Component, type ProcessComponent, type SetupComponent, type StackContext } from './components/index.js';
import { layout } from './layout.js';
import { ensureClasspath, type MavenProject } from './maven.js';
import { isPortFree } from './net.js';
import { clearLeftovers, finishInterruptedStops, removeStalePidFiles, stopUnrecordedProcesses } from './leftovers.js';
import { checkJavaVersion, checkPrerequisites } from './prerequisites.js';
import { killProcess, PizzashopError, stopProcess } from '@pizzashop/common';
import { launchDetached, removePidFile, residentBytes, runningPid, tail } from './processes.js';
import { stopWaves } from './stop-order.js';
import { withUpLock } from './up-lock.js';
import { readVersions } from './versions.js';

export interface ComponentStatus {
  name: string;
  address: string;
  healthy: boolean;
  state: 'healthy' | 'unhealthy' | 'stopped';
  pid: number | null;
  /** Seconds from launch to healthy, for a process the launcher started (null when adopted from before this was recorded, or no process). */
  startupSeconds: number | null;
  /** Resident memory of the process in MiB, now. */
  rssMiB: number | null;
}

/** A component did not come up (exited, not healthy in time, port taken, set-up failed). */
export class StackStartError extends PizzashopError {
  constructor(message: string) {
    super(message, { kind: 'unavailable' });
  }
}

export function createContext(cfg: StackConfig, progress: (line: string) => void): StackContext {
  return { cfg, paths: layout(cfg), tools: checkPrerequisites(cfg), versions: readVersions(), progress };
}

const pidOf = (ctx: StackContext, c: Component) => (c.kind === 'process' ? (runningPid(ctx.paths.pid(c.name), ctx.paths.root) ?? null) : null);

const startupFile = (ctx: StackContext, name: string) => ctx.paths.marker(`${name}.startup.json`);

/** Records how long the process `pid` took from launch to healthy, for `status`. */
function recordStartup(ctx: StackContext, name: string, pid: number, seconds: number): void {
  const file = startupFile(ctx, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ pid, seconds }));
}

/** The recorded launch-to-healthy time of process `pid` (a record of an earlier process does not count). */
function startupOf(ctx: StackContext, name: string, pid: number): number | null {
  const file = startupFile(ctx, name);
  if (!existsSync(file)) return null;
  try {
    const rec = JSON.parse(readFileSync(file, 'utf8')) as { pid?: number; seconds?: number };
    return rec.pid === pid && typeof rec.seconds === 'number' ? rec.seconds : null;
  } catch {
    return null;
  }
}

async function statusOf(ctx: StackContext, c: Component): Promise<ComponentStatus> {
  const pid = pidOf(ctx, c);
  const processUp = c.kind === 'setup' || pid !== null;
  const healthy = processUp && (await c.isHealthy(ctx));
  const rss = pid === null ? null : residentBytes(pid);
  return {
    name: c.name,
    address: c.address(ctx.cfg),
    healthy,
    state: healthy ? 'healthy' : processUp ? 'unhealthy' : 'stopped',
    pid,
    startupSeconds: pid === null ? null : startupOf(ctx, c.name, pid),
    rssMiB: rss === null ? null : Math.round(rss / 1024 / 1024),
  };
}

export function status(ctx: StackContext): Promise<ComponentStatus[]> {
  return Promise.all(stackComponents(ctx.cfg).map((c) => statusOf(ctx, c)));
}

export async function waitHealthy(ctx: StackContext, c: Component, pid: number | null): Promise<void> {
  const deadline = Date.now() + ctx.cfg.STACK_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await c.isHealthy(ctx)) return;
    if (pid !== null && runningPid(ctx.paths.pid(c.name), ctx.paths.root) === undefined) {
      throw new StackStartError(`${c.name}: process ${pid} exited during start-up. Last lines of ${ctx.paths.log(c.name)}:\n${tail(ctx.paths.log(c.name))}`);
    }
    await sleep(500);
  }
  const diagnosis = (await c.diagnose?.(ctx)) ?? '';
  const where = c.kind === 'process' ? `Last lines of ${ctx.paths.log(c.name)}:\n${tail(ctx.paths.log(c.name))}` : `Check ${c.address(ctx.cfg)}. ${diagnosis}`;
  throw new StackStartError(`${c.name}: not healthy after ${ctx.cfg.STACK_START_TIMEOUT_MS / 1000}s (raise STACK_START_TIMEOUT_MS on a slow machine). ${where}`);
}

export async function assertPortsFree(ctx: StackContext, c: ProcessComponent): Promise<void> {
  for (const port of c.ports?.(ctx.cfg) ?? []) {
    if (!(await isPortFree(port))) {
      throw new StackStartError(`${c.name}: port ${port} is already in use by another process. Fix: stop that process (ss -ltnp 'sport = :${port}') or give this stack other ports (see README "Configuration").`);
    }
  }
}

/**
 * Runs a component's set-up step, trying again while it fails for up to STACK_START_TIMEOUT_MS: on
 * a busy machine a just-started server may time out a first connection. The last error is the one
 * reported, naming the component; an error of ours that says trying again cannot help (e.g. a
 * Pinot table that needs dropping first) is reported at once.
 */
async function ensureWithRetries(ctx: StackContext, c: Component, ensure: (ctx: StackContext) => Promise<void>): Promise<void> {
  const deadline = Date.now() + ctx.cfg.STACK_START_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await ensure(ctx);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const hopeless = err instanceof PizzashopError && !err.retriable;
      if (hopeless || Date.now() + 2000 * attempt > deadline) throw new StackStartError(`${c.name}: set-up failed: ${message}`);
      ctx.progress(`[stack] ${c.name}: set-up failed (${message.split('\n')[0]}); trying again in ${2 * attempt} s`);
      await sleep(2000 * attempt);
    }
  }
}

/** Starts (or adopts, when already running) one process, then runs its set-up step. */
async function bringUpProcess(ctx: StackContext, c: ProcessComponent, started: Map<string, number>): Promise<void> {
  const t0 = Date.now();
  let pid = pidOf(ctx, c);
  if (pid === null) {
    await assertPortsFree(ctx, c);
    await c.prepare?.(ctx);
    pid = launchDetached(c.launch(ctx), ctx.paths.log(c.name), ctx.paths.pid(c.name));
    started.set(c.name, pid);
    ctx.progress(`[stack] ${c.name}: started (pid ${pid}), waiting until healthy; log ${ctx.paths.log(c.name)}`);
  }
  await waitHealthy(ctx, c, pid);
  if (started.has(c.name)) recordStartup(ctx, c.name, pid, Math.round((Date.now() - t0) / 100) / 10);
  if (c.ensure) await ensureWithRetries(ctx, c, c.ensure);
  ctx.progress(`[stack] ${c.name}: healthy${started.has(c.name) ? ` in ${((Date.now() - t0) / 1000).toFixed(1)}s` : ' (already running)'}`);
}

/** Applies one piece of configuration and waits until it holds. */
async function bringUpSetup(ctx: StackContext, c: SetupComponent): Promise<void> {
  const t0 = Date.now();
  await ensureWithRetries(ctx, c, c.ensure);
  await waitHealthy(ctx, c, null);
  ctx.progress(`[stack] ${c.name}: healthy in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

/** Starts (or adopts) one component once its dependencies are ready. */
const bringUp = (ctx: StackContext, c: Component, started: Map<string, number>): Promise<void> =>
  c.kind === 'process' ? bringUpProcess(ctx, c, started) : bringUpSetup(ctx, c);

async function fetchClasspaths(ctx: StackContext): Promise<void> {
  const projects = [...new Set(stackComponents(ctx.cfg).flatMap((c) => c.maven ?? []))] as MavenProject[];
  for (const project of projects) {
    const out = project === 'debezium' ? `${ctx.paths.connectPlugins}/debezium` : ctx.paths.lib(project);
    await ensureClasspath(project, out, ctx.versions, ctx.tools.mvn, ctx.progress);
  }
}

export interface UpResult {
  components: ComponentStatus[];
  /** Components whose process this call started (empty when everything was already running). */
  started: string[];
}

/**
 * Starts every component that is not running, in dependency order and in parallel where allowed,
 * and waits until all are healthy; first clears what an interrupted run left behind (stale pid
 * files, unrecorded processes, half-written dirs). On failure stops what this call started and rethrows.
 */
export function up(ctx: StackContext): Promise<UpResult> {
  return withUpLock(ctx.paths.root, ctx.progress, () => upUnlocked(ctx));
}

async function upUnlocked(ctx: StackContext): Promise<UpResult> {
  await checkJavaVersion(ctx.tools.java);
  await clearLeftovers(ctx);
  await fetchClasspaths(ctx);
  const components = stackComponents(ctx.cfg);
  const started = new Map<string, number>();
  const ready = new Map<string, Promise<void>>();
  const start = (c: Component): Promise<void> => {
    let p = ready.get(c.name);
    if (!p) {
      const deps = c.dependsOn.map((d) => components.find((x) => x.name === d)).filter((x): x is Component => x !== undefined);
      p = Promise.all(deps.map(start)).then(() => bringUp(ctx, c, started));
      ready.set(c.name, p);
    }
    return p;
  };
  const results = await Promise.allSettled(components.map(start));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    ctx.progress(`[stack] start failed; stopping the ${started.size} process(es) this run started`);
    await stopPids(ctx, [...started.entries()]);
    throw failure.reason;
  }
  return { components: await status(ctx), started: [...started.keys()] };
}

async function stopPids(ctx: StackContext, entries: [string, number][]): Promise<void> {
  await Promise.all(
    entries.map(async ([name, pid]) => {
      writeFileSync(ctx.paths.stopping(name), String(pid));
      const how = await stopProcess(pid);
      removePidFile(ctx.paths.pid(name));
      rmSync(ctx.paths.stopping(name), { force: true });
      ctx.progress(`[stack] ${name}: ${how} (pid ${pid})`);
    }),
  );
}

/**
 * Stops one running component by pid, for fault drills: `kill` is kill -9 of its process group (a
 * crash), `stop` is SIGTERM then SIGKILL after the grace period (a clean shutdown). `up` starts it again.
 */
export async function stopComponent(ctx: StackContext, name: string, how: 'kill' | 'stop'): Promise<number> {
  const pid = runningPid(ctx.paths.pid(name), ctx.paths.root);
  if (pid === undefined) throw new Error(`${name}: not running in ${ctx.paths.root} (npm run stack:status)`);
  if (how === 'stop') {
    await stopPids(ctx, [[name, pid]]);
    return pid;
  }
  await killProcess(pid);
  removePidFile(ctx.paths.pid(name));
  ctx.progress(`[stack] ${name}: killed with SIGKILL (pid ${pid})`);
  return pid;
}

/**
 * Stops every process the launcher started, by pid: dependents first, SIGTERM then SIGKILL; then
 * any process of this state dir that no pid file records (left by an interrupted run).
 */
export async function down(ctx: StackContext, reset: boolean): Promise<void> {
  await finishInterruptedStops(ctx);
  for (const wave of stopWaves(stackComponents(ctx.cfg))) {
    const entries = wave.flatMap((name): [string, number][] => {
      const pid = runningPid(ctx.paths.pid(name), ctx.paths.root);
      return pid === undefined ? [] : [[name, pid]];
    });
    await stopPids(ctx, entries);
  }
  removeStalePidFiles(ctx);
  await stopUnrecordedProcesses(ctx);
  if (reset) {
    await rm(ctx.paths.root, { recursive: true, force: true });
    ctx.progress(`[stack] state dir ${ctx.paths.root} wiped`);
  }
}
