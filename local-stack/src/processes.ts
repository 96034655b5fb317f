// The launcher's process handling: detached launch with a log and pid file, finding running pids,
// resident memory and log tails.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isAlive } from '@pizzashop/common';

export interface LaunchSpec {
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
}

/** Starts a detached process (its own process group) with stdout+stderr appended to `logFile`; records its pid. */
export function launchDetached(spec: LaunchSpec, logFile: string, pidFile: string): number {
  mkdirSync(dirname(logFile), { recursive: true });
  mkdirSync(dirname(pidFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${spec.command}: see ${logFile}`);
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  return child.pid;
}

/** Processes (not this one) whose executable's file name is one of `executables` and whose arguments mention a path under `dir`. */
export function processesUnder(dir: string, executables: string[]): { pid: number; argv: string[] }[] {
  const found: { pid: number; argv: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (executables.includes(basename(argv[0] ?? '')) && argv.some((a) => a.includes(`${dir}/`))) found.push({ pid, argv });
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/**
 * The pid recorded for a component, if that process still runs AND its command line mentions
 * `mustMention` (the stack's state dir), so a recycled pid is never mistaken for ours.
 */
export function runningPid(pidFile: string, mustMention: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    return cmdline.includes(mustMention) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function removePidFile(pidFile: string): void {
  rmSync(pidFile, { force: true });
}

/** Resident memory of a running process in bytes (VmRSS in /proc/<pid>/status), or null when unknown. */
export function residentBytes(pid: number): number | null {
  try {
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? null : Number(kib) * 1024;
  } catch {
    return null;
  }
}

/** A JVM stack frame or its "... 12 more" line: noise in an error message that has room for 25 lines. */
const STACK_FRAME = /^\s+(at |\.\.\. \d+ (more|common frames omitted))/;

/**
 * The last `n` lines of a log file, for error messages, without JVM stack frames: a Java component's
 * last 25 lines are often one trace's frames, which hide the message saying what went wrong.
 */
export function tail(file: string, n = 25): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  const lines = readFileSync(file, 'utf8').split('\n');
  const kept: string[] = [];
  let framesLeftOut = 0;
  for (let i = lines.length - 1; i >= 0 && kept.length <= n; i -= 1) {
    if (STACK_FRAME.test(lines[i]!)) framesLeftOut += 1;
    else kept.unshift(lines[i]!);
  }
  return framesLeftOut > 0 ? `${kept.join('\n')}\n(${framesLeftOut} JVM stack frame lines left out; the whole log is ${file})` : kept.join('\n');
}
