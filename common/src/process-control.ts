// Local processes by pid: naming one for good (pid plus start time, since the kernel recycles pids;
// Linux /proc) for lock files and pid records, and stopping one with a grace period.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Fields 3.. of /proc/<pid>/stat (after the command name, which may hold spaces); undefined when it is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * True while a process with this pid runs (EPERM: it exists but belongs to another user). A zombie
 * (exited, not yet reaped by its parent, e.g. after it was re-parented to an init that reaps late) is not.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return statFields(pid)?.[0] !== 'Z';
}

/** When `pid` started (field 22 of /proc/<pid>/stat, clock ticks since boot); undefined when it is gone. */
export function processStartTime(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/** USER_HZ of the /proc/<pid>/stat times (100 on every mainstream Linux kernel). */
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds `pid` has used (fields 14 and 15 of /proc/<pid>/stat); undefined when it is gone or not on Linux. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  const fields = pid === undefined ? undefined : statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND : undefined;
}

/** "<pid> <start time>" of a process (this one by default). */
export function processIdentity(pid = process.pid): string {
  return `${pid} ${processStartTime(pid) ?? ''}`.trim();
}

/** True while the process named by `identity` (processIdentity, or a bare pid) still runs. */
export function isRunning(identity: string): boolean {
  const [pidText, startTime] = identity.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return false;
  return startTime === undefined || processStartTime(pid) === startTime;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM to the process group, then SIGKILL after `graceMs`. Resolves once the pid is gone. */
export async function stopProcess(pid: number, graceMs = 20_000): Promise<'stopped' | 'killed'> {
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(200);
  }
  await killProcess(pid);
  return 'killed';
}

/** kill -9 of the process group, no grace (a crash). Resolves once the pid is gone. */
export async function killProcess(pid: number): Promise<void> {
  signalGroup(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(100);
}
