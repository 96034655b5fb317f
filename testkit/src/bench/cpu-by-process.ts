/**
 * Where the machine's CPU went over a stretch of a bench: every process's CPU time (Linux /proc)
 * at two moments, grouped by what the process is (a JVM by its main class, a Node service by its
 * script), as shares of one core.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { processCpuSeconds } from '@pizzashop/common';

/** Each live process's label and CPU seconds so far, by pid. */
export type CpuSnapshot = Map<number, { label: string; cpuSeconds: number }>;

export interface CpuShare {
  /** What the processes are: a JVM's main class (with PinotAdministrator's command), a Node script, else the command name. */
  process: string;
  /** How many processes with this label used CPU in the stretch. */
  count: number;
  /** CPU seconds per second of the stretch (1 = one core busy all along). */
  cores: number;
}

const JAVA_OPTIONS_WITH_VALUE = new Set(['-cp', '-classpath', '--class-path', '--module-path', '-p', '--add-opens', '--add-exports', '--add-modules']);

/** A short name for a process from its command line (`argv` as in /proc/<pid>/cmdline) and command name; scripts under `root` are named relative to it. */
export function processLabel(argv: readonly string[], comm: string, root = process.cwd()): string {
  const program = (argv[0] ?? '').split('/').at(-1) ?? '';
  if (program === 'java') {
    for (let i = 1; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg === '-jar') return (argv[i + 1] ?? 'java -jar').split('/').at(-1)!;
      if (JAVA_OPTIONS_WITH_VALUE.has(arg)) {
        i++;
        continue;
      }
      if (arg.startsWith('-')) continue;
      const mainClass = arg.split('.').at(-1)!;
      return mainClass === 'PinotAdministrator' && argv[i + 1] ? `Pinot ${argv[i + 1]}` : mainClass;
    }
    return 'java';
  }
  if (program === 'node' || program.startsWith('node')) {
    // the first script given that is not a loader (`--import tsx`) nor a launcher under node_modules (tsx's cli)
    const script = argv.slice(1).find((a, i) => !a.startsWith('-') && argv[i] !== '--import' && argv[i] !== '--require' && !a.includes('node_modules') && /\.(m?[jt]s)$/.test(a));
    if (script) return script.startsWith(`${root}/`) ? script.slice(root.length + 1) : script.split('/').slice(-3).join('/');
  }
  return comm;
}

/** Every readable process's label and CPU seconds (an empty map off Linux). */
export function cpuSnapshot(): CpuSnapshot {
  const out: CpuSnapshot = new Map();
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const cpuSeconds = processCpuSeconds(pid);
      if (cpuSeconds !== undefined) out.set(pid, { label: processLabel(argv, comm), cpuSeconds });
    } catch {
      // gone between the listing and the read
    }
  }
  return out;
}

/**
 * CPU per label between two snapshots `seconds` apart, busiest first, labels under `minCores`
 * left out. A process that started in between counts from zero; one that ended is not seen.
 */
export function cpuShares(before: CpuSnapshot, after: CpuSnapshot, seconds: number, minCores = 0.01): CpuShare[] {
  const byLabel = new Map<string, { count: number; cpuSeconds: number }>();
  for (const [pid, now] of after) {
    const then = before.get(pid);
    const used = now.cpuSeconds - (then?.label === now.label ? then.cpuSeconds : 0);
    if (used <= 0) continue;
    const entry = byLabel.get(now.label) ?? { count: 0, cpuSeconds: 0 };
    entry.count++;
    entry.cpuSeconds += used;
    byLabel.set(now.label, entry);
  }
  return [...byLabel]
    .map(([process, e]) => ({ process, count: e.count, cores: Math.round((e.cpuSeconds / seconds) * 100) / 100 }))
    .filter((s) => s.cores >= minCores)
    .sort((a, b) => b.cores - a.cores);
}
