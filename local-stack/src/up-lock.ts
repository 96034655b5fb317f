import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from './processes.js';

/**
 * Serialises `up` per state dir: a second `up` (another terminal, a parallel test run) waits for the
 * first to finish instead of racing it for ports and files. A lock left by a dead process is taken over.
 */
export async function withUpLock<T>(stateDir: string, progress: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  mkdirSync(stateDir, { recursive: true });
  const lock = join(stateDir, 'up.lock');
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number(readFileSync(lock, 'utf8').trim() || 0);
      if (!holder || !isAlive(holder)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (!announced) progress(`[stack] another start (pid ${holder}) is in progress for ${stateDir}; waiting for it`);
      announced = true;
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}
