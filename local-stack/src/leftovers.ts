// What an interrupted run (a launcher or test run killed in the middle of `up`) leaves in a state dir:
// found and cleared before the next start, each kind reported in one line.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { stackComponents, type StackContext } from './components/index.js';
import { stopProcess } from '@pizzashop/common';
import { processesUnder, removePidFile, runningPid } from './processes.js';

/** Staged directories (Maven classpaths, a MariaDB datadir) are renamed into place when complete; one still named so was interrupted. */
const STAGING = /\.staging-\d+$/;

const launched = (ctx: StackContext) => stackComponents(ctx.cfg).filter((c) => c.kind === 'process');

/**
 * Components whose stop (by `down`, or by a failed `up` cleaning after itself) was begun by a run that
 * was killed before it finished: their processes may still be shutting down, and adopting one would
 * lose it moments later. The stop is finished.
 */
export async function finishInterruptedStops(ctx: StackContext): Promise<string[]> {
  const names = launched(ctx).map((c) => c.name).filter((name) => existsSync(ctx.paths.stopping(name)));
  const running = names.flatMap((name): [string, number][] => {
    const pid = runningPid(ctx.paths.pid(name), ctx.paths.root);
    return pid === undefined ? [] : [[name, pid]];
  });
  if (names.length > 0) {
    const state = (name: string) => running.find(([n]) => n === name)?.[1];
    ctx.progress(`[stack] finishing the stops an interrupted run began: ${names.map((n) => `${n} (${state(n) ? `pid ${state(n)}` : 'already gone'})`).join(', ')}`);
    await Promise.all(running.map(([, pid]) => stopProcess(pid)));
  }
  for (const name of names) {
    removePidFile(ctx.paths.pid(name));
    rmSync(ctx.paths.stopping(name), { force: true });
  }
  return running.map(([name]) => name);
}

/** Pid files whose process is gone, or whose pid now belongs to a process that is not this stack's. */
export function removeStalePidFiles(ctx: StackContext): string[] {
  const stale = launched(ctx)
    .map((c) => c.name)
    .filter((name) => existsSync(ctx.paths.pid(name)) && runningPid(ctx.paths.pid(name), ctx.paths.root) === undefined);
  for (const name of stale) removePidFile(ctx.paths.pid(name));
  if (stale.length > 0) ctx.progress(`[stack] removed stale pid files of ${stale.join(', ')} (process gone or not this stack's): left by an interrupted run`);
  return stale;
}

/** A short name for a process of this stack: the JVM's main class and command, or the executable. */
function describe(argv: string[]): string {
  const cp = argv.indexOf('-cp');
  const main = cp >= 0 ? argv.slice(cp + 2, cp + 4) : [];
  return [basename(argv[0] ?? '?'), ...main.map((a, i) => (i === 0 ? (a.split('.').pop() ?? a) : a))].filter((a) => !a.startsWith('/')).join(' ');
}

/**
 * Stops every JVM or MariaDB server that runs from this state dir but that no pid file records (its
 * launcher was killed before it could record it, or its pid file was lost): left running it would
 * hold the ports the next start needs.
 */
export async function stopUnrecordedProcesses(ctx: StackContext): Promise<number[]> {
  const recorded = new Set(launched(ctx).flatMap((c) => runningPid(ctx.paths.pid(c.name), ctx.paths.root) ?? []));
  const executables = [ctx.tools.java, ctx.tools.mariadbd].map((path) => basename(path));
  const strays = processesUnder(ctx.paths.root, executables).filter(({ pid }) => !recorded.has(pid));
  if (strays.length === 0) return [];
  ctx.progress(
    `[stack] stopping ${strays.length} process(es) of ${ctx.paths.root} that no pid file records (${strays.map((s) => `pid ${s.pid} ${describe(s.argv)}`).join(', ')}): left by an interrupted run`,
  );
  await Promise.all(strays.map((s) => stopProcess(s.pid)));
  return strays.map((s) => s.pid);
}

/** Staging dirs of an interrupted Maven copy or MariaDB install (only `up`, under its lock, creates them). */
export async function removeHalfWrittenDirs(ctx: StackContext): Promise<string[]> {
  const parents = [join(ctx.paths.root, 'lib'), ctx.paths.connectPlugins, ctx.paths.data('mariadb')];
  const halfWritten = parents.flatMap((dir) => (existsSync(dir) ? readdirSync(dir).filter((e) => STAGING.test(e)).map((e) => join(dir, e)) : []));
  if (halfWritten.length === 0) return [];
  ctx.progress(`[stack] removing ${halfWritten.length} half-written dir(s) left by an interrupted run: ${halfWritten.map((d) => relative(ctx.paths.root, d)).join(', ')}`);
  await Promise.all(halfWritten.map((d) => rm(d, { recursive: true, force: true })));
  return halfWritten;
}

/** All of the above, in order: interrupted stops and pid files first (so neither is adopted), then strays, then dirs. */
export async function clearLeftovers(ctx: StackContext): Promise<void> {
  await finishInterruptedStops(ctx);
  removeStalePidFiles(ctx);
  await stopUnrecordedProcesses(ctx);
  await removeHalfWrittenDirs(ctx);
}
