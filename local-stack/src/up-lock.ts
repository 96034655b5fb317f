// The per-state-dir lock that makes a second `up` wait for the first, and takes over a lock left by a
// killed run.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRunning, processIdentity } from '@pizzashop/common';

/**
 * Serialises `up` per state dir: a second `up` (another terminal, a parallel test run) waits for the
 * first to finish instead of racing it for ports and files. The lock names its holder by pid and
 * start time, so a lock left by a killed run (its pid gone, or recycled by an unrelated process) is
 * reported and taken over instead of waited on forever.
 */
export async function withUpLock<T>(stateDir: string, progress: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  mkdirSync(stateDir, { recursive: true });
  const lock = join(stateDir, 'up.lock');
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lock, processIdentity(), { flag: 'wx' });
      break;
    } catch {
      const holder = readHolder(lock);
      if (holder === undefined) continue;
      if (!isRunning(holder)) {
        progress(`[stack] ${lock} was held by pid ${holder.split(' ')[0] || '?'}, which no longer runs (an interrupted start): taking it over`);
        rmSync(lock, { force: true });
        continue;
      }
      if (!announced) progress(`[stack] another start (pid ${holder.split(' ')[0]}) is in progress for ${stateDir}; waiting for it`);
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

/** The lock's content, or undefined when it vanished between our attempt and this read. */
function readHolder(lock: string): string | undefined {
  try {
    return readFileSync(lock, 'utf8').trim();
  } catch {
    return undefined;
  }
}
