// Child processes for tests, benches and drills (a service with tsx, or any command): output kept,
// stopped by PID; and the wait helpers around them.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordService } from './service-records.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  /** The last OUTPUT_KEPT characters the process printed (pino JSON lines). */
  output: () => string;
  exited: Promise<number | null>;
  /**
   * SIGTERM (graceful, SIGKILL after STOP_GRACE_MS) or SIGKILL (crash), by PID; resolves when the
   * process is gone.
   */
  stop: (signal?: 'SIGTERM' | 'SIGKILL') => Promise<void>;
}

const OUTPUT_KEPT = 64_000;
const STOP_GRACE_MS = 15_000;

/**
 * Starts `entry` (e.g. `enricher/src/main.ts`) with tsx as a child process with extra env; recorded
 * under the test stack's state dir while it runs (see service-records.ts).
 */
export function startService(entry: string, env: Record<string, string>, args: string[] = [], logFile?: string): ServiceProcess {
  return startProcess(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: repoRoot, env: { LOG_LEVEL: 'info', ...env }, recordAs: entry, logFile });
}

export interface ProcessOptions {
  /** Added to this process's env. */
  env: Record<string, string>;
  cwd?: string;
  /** How long a SIGTERM stop waits before SIGKILL. */
  graceMs?: number;
  /** Records the process under the test stack's state dir with this entry while it runs. */
  recordAs?: string;
  /** Also appends everything the process prints to this file (kept whole, unlike `output()`). */
  logFile?: string;
}

/** Starts `command` as a child process whose last output is kept, stopped by PID (see ServiceProcess). */
export function startProcess(command: string, args: string[], { env, cwd, graceMs = STOP_GRACE_MS, recordAs, logFile }: ProcessOptions): ServiceProcess {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const file = logFile === undefined ? undefined : createWriteStream(logFile, { flags: 'a' });
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-OUTPUT_KEPT);
    file?.write(d);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const forget = child.pid === undefined || recordAs === undefined ? () => undefined : recordService(child.pid, recordAs);
  const exited = new Promise<number | null>((r) =>
    child.once('exit', (code) => {
      forget();
      file?.end();
      r(code);
    }),
  );
  return {
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid!, signal);
      const escalate = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(escalate);
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

/** Waits until `GET url` answers 200; fails at once when `service` exits meanwhile. */
export async function waitForHttpOk(url: string, timeoutMs = 120000, service?: ServiceProcess): Promise<true> {
  const outputOf = () => (service ? `\n--- service output ---\n${service.output().slice(-4000)}` : '');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { exitCode, signalCode } = service?.child ?? {};
    if (exitCode != null || signalCode != null) throw new Error(`service exited (${exitCode ?? signalCode}) before ${url} answered 200${outputOf()}`);
    // The body read counts against the same 1 s: a slow one (a loaded machine) is another try, not an error.
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) })
      .then(async (res) => {
        await res.arrayBuffer();
        return res.status === 200;
      })
      .catch(() => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${url} to answer 200${outputOf()}`);
}

/**
 * A named service that can be started, stopped and started again, ready once `healthUrl` answers
 * 200; its output stays readable after it stopped.
 */
export class ManagedService {
  private current: ServiceProcess | undefined;
  private last: ServiceProcess | undefined;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    readonly healthUrl: string,
  ) {}

  get pid(): number | undefined {
    return this.current?.child.pid;
  }

  async start(timeoutMs = 90_000): Promise<void> {
    this.current = this.last = startService(this.entry, { LOG_LEVEL: 'warn', ...this.env });
    try {
      await waitForHttpOk(this.healthUrl, timeoutMs, this.current);
    } catch (err) {
      throw new Error(`${this.name}: ${(err as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    const service = this.current;
    this.current = undefined;
    await service?.stop();
  }

  get log(): string {
    return this.last?.output() ?? '';
  }
}

/** Polls `check` until it returns true (or throws with its last answer after `timeoutMs`). */
export async function eventually(what: string, check: () => Promise<true | string>, timeoutMs = 30_000, everyMs = 300): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const result = await check().catch((err: unknown) => String(err));
    if (result === true) return;
    last = result;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what}: not reached within ${timeoutMs} ms; last: ${last}`);
}
