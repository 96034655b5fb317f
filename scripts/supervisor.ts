// Keeps the TypeScript services of `npm start` running: a service that exits unexpectedly is
// started again after a growing pause, the restart is logged and counted, and the state of every
// service is written to <state>/services.json for `npm run stack:status`.
import type { ChildProcess } from 'node:child_process';
import { writeServicesState, type ServiceState } from '@pizzashop/local-stack';
import { runService, type ServiceSpec } from './services.js';

/** Pause before restart n (1, 2, 3, ...): 1 s doubling up to 30 s. */
export function restartDelayMs(restartsInARow: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, restartsInARow - 1));
}

/** A service that ran this long before exiting starts its backoff from the beginning again. */
const STABLE_AFTER_MS = 60_000;
const STOP_GRACE_MS = 15_000;

interface Supervised {
  spec: ServiceSpec;
  url: string;
  env: Record<string, string>;
  child: ChildProcess | null;
  state: ServiceState['state'];
  restarts: number;
  inARow: number;
  lastExit: string | null;
  startedAt: number;
  timer: NodeJS.Timeout | undefined;
}

export class Supervisor {
  private readonly services: Supervised[];
  private stopping = false;

  constructor(
    runs: { spec: ServiceSpec; url: string; env: Record<string, string> }[],
    private readonly o: { stateDir: string; bundleDir: string; logFile: (name: string) => string; say: (line: string) => void },
  ) {
    this.services = runs.map((run) => ({ ...run, child: null, state: 'stopped', restarts: 0, inARow: 0, lastExit: null, startedAt: 0, timer: undefined }));
  }

  start(): void {
    for (const s of this.services) this.launch(s);
  }

  /** The current state of every service (also written to services.json). */
  snapshot(): ServiceState[] {
    return this.services.map((s) => ({ name: s.spec.name, url: s.url, state: s.state, pid: s.child?.pid ?? null, restarts: s.restarts, lastExit: s.lastExit }));
  }

  /** SIGTERM to every service (SIGKILL after the grace period); no restarts from now on. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.services.map(async (s) => {
        clearTimeout(s.timer);
        const child = s.child;
        if (child && child.exitCode === null && child.signalCode === null) {
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          const escalate = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          await exited;
          clearTimeout(escalate);
        }
        s.state = 'stopped';
      }),
    );
    this.record();
  }

  private launch(s: Supervised): void {
    const child = runService(s.spec, s.env, this.o.logFile(s.spec.name), this.o.bundleDir);
    s.child = child;
    s.state = 'running';
    s.startedAt = Date.now();
    child.once('exit', (code, signal) => this.exited(s, code, signal));
    this.record();
  }

  private exited(s: Supervised, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    const ranMs = Date.now() - s.startedAt;
    s.inARow = ranMs >= STABLE_AFTER_MS ? 1 : s.inARow + 1;
    s.restarts++;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    s.lastExit = `${how} after ${(ranMs / 1000).toFixed(1)} s at ${new Date().toISOString()}`;
    const delay = restartDelayMs(s.inARow);
    s.state = 'restarting';
    s.child = null;
    this.o.say(`[start] ${s.spec.name} exited (${how}) after ${(ranMs / 1000).toFixed(1)} s; restart ${s.restarts} in ${delay / 1000} s (log ${this.o.logFile(s.spec.name)})`);
    this.record();
    s.timer = setTimeout(() => {
      if (!this.stopping) this.launch(s);
    }, delay);
  }

  private record(): void {
    writeServicesState(this.o.stateDir, this.snapshot());
  }
}
