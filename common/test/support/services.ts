import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything the process printed so far (pino JSON lines). */
  output: () => string;
  exited: Promise<number | null>;
  /** SIGTERM (graceful) or SIGKILL (crash), by PID; resolves when the process is gone. */
  stop: (signal?: 'SIGTERM' | 'SIGKILL') => Promise<void>;
}

/** Starts `entry` (e.g. `enricher/src/main.ts`) with tsx as a child process with extra env. */
export function startService(entry: string, env: Record<string, string>, args: string[] = []): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, signal);
      await exited;
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

/** Waits until `GET url` answers 200. */
export function waitForHttpOk(url: string, timeoutMs = 120000, service?: ServiceProcess): Promise<true> {
  return waitFor(
    `${url} to answer 200${service ? `\n--- service output ---\n${service.output().slice(-4000)}` : ''}`,
    async () => (await fetch(url)).status === 200,
    timeoutMs,
    500,
  );
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
