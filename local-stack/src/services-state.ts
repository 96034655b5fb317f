// What `npm start` records about the TypeScript services it supervises (services.json in the
// state dir), so `stack:status` can show them beside the stack's own components.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isRunning, processIdentity } from '@pizzashop/common';

export interface ServiceState {
  name: string;
  url: string;
  /** running: the process is up; restarting: it exited and waits for its next start; stopped: npm start stopped it. */
  state: 'running' | 'restarting' | 'stopped';
  pid: number | null;
  restarts: number;
  /** The last unexpected exit, e.g. "signal SIGKILL after 41.2 s at 2026-12-01T12:00:00.000Z". */
  lastExit: string | null;
}

export interface ServicesFile {
  /** The `npm start` process that supervises the services ("<pid> <start time>", see processIdentity). */
  supervisor: string;
  services: ServiceState[];
}

export const servicesFile = (stateDir: string) => join(stateDir, 'services.json');

/** Writes the file atomically (a reader never sees half of it), naming this process as the supervisor. */
export function writeServicesState(stateDir: string, services: ServiceState[]): void {
  const content: ServicesFile = { supervisor: processIdentity(), services };
  const file = servicesFile(stateDir);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(content, null, 2));
  renameSync(`${file}.tmp`, file);
}

/** The supervised services, when an `npm start` of this state dir is running; else none. */
export function readServicesState(stateDir: string): ServiceState[] {
  const file = servicesFile(stateDir);
  if (!existsSync(file)) return [];
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as ServicesFile;
    return isRunning(content.supervisor) ? content.services : [];
  } catch {
    return [];
  }
}
