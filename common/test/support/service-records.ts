// Services that tests start are recorded under the test stack's state dir while they run, so the next
// run's global setup can stop those a killed run left behind (they would hold their ports and join
// the consumer groups of the next run's services).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, processIdentity, stopProcess } from '../../src/index.js';

interface ServiceRecord {
  /** processIdentity of the service. */
  service: string;
  /** processIdentity of the process that started it (a test worker, a drill run). */
  owner: string;
  entry: string;
}

const recordsDir = (stateDir: string) => join(stateDir, 'test-services');

/**
 * Records a started service when STACK_STATE_DIR names the test stack (set by the integration global
 * setup); returns what removes the record once the service exited.
 */
export function recordService(pid: number, entry: string, env: NodeJS.ProcessEnv = process.env): () => void {
  const stateDir = env.STACK_STATE_DIR;
  if (!stateDir) return () => undefined;
  const file = join(recordsDir(stateDir), `${pid}.json`);
  mkdirSync(recordsDir(stateDir), { recursive: true });
  const record: ServiceRecord = { service: processIdentity(pid), owner: processIdentity(), entry };
  writeFileSync(file, JSON.stringify(record));
  return () => rmSync(file, { force: true });
}

/**
 * Stops the recorded services whose starter no longer runs (a killed test run) and forgets every
 * record that is done; reports them in one line. Returns the pids it stopped.
 */
export async function stopLeftoverServices(stateDir: string, progress: (line: string) => void): Promise<number[]> {
  const dir = recordsDir(stateDir);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const leftovers: (ServiceRecord & { file: string })[] = [];
  for (const name of files) {
    const file = join(dir, name);
    let record: ServiceRecord | undefined;
    try {
      record = JSON.parse(readFileSync(file, 'utf8')) as ServiceRecord;
    } catch {
      record = undefined;
    }
    if (record && isRunning(record.owner)) continue;
    if (record && isRunning(record.service)) leftovers.push({ ...record, file });
    else rmSync(file, { force: true });
  }
  if (leftovers.length === 0) return [];
  progress(
    `[test-stack] stopping ${leftovers.length} service process(es) left running by an interrupted run (${leftovers.map((l) => `pid ${l.service.split(' ')[0]} ${l.entry}`).join(', ')})`,
  );
  await Promise.all(leftovers.map((l) => stopProcess(Number(l.service.split(' ')[0]), 10_000)));
  for (const l of leftovers) rmSync(l.file, { force: true });
  return leftovers.map((l) => Number(l.service.split(' ')[0]));
}
