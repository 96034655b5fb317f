// Services that tests start are recorded under the test stack's state dir while they run, so the next
// run's global setup can stop those a killed run left behind (they would hold their ports and join
// the consumer groups of the next run's services), with the test worker that started them.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, processIdentity, stopProcess } from '@pizzashop/common';

/** Set by the integration global setup to the test run's main process (processIdentity), for its workers. */
export const TEST_RUN_ENV = 'PIZZASHOP_TEST_RUN';

interface ServiceRecord {
  /** processIdentity of the service. */
  service: string;
  /** processIdentity of the process that started it (a test worker). */
  starter: string;
  /** processIdentity of the run it belongs to (the vitest main process; the starter outside vitest). */
  run: string;
  entry: string;
}

const recordsDir = (stateDir: string) => join(stateDir, 'test-services');
const pidOf = (identity: string) => Number(identity.split(' ')[0]);

/**
 * Records a started service when STACK_STATE_DIR names the test stack (set by the integration global
 * setup); returns what removes the record once the service exited.
 */
export function recordService(pid: number, entry: string, env: NodeJS.ProcessEnv = process.env): () => void {
  const stateDir = env.STACK_STATE_DIR;
  if (!stateDir) return () => undefined;
  const file = join(recordsDir(stateDir), `${pid}.json`);
  mkdirSync(recordsDir(stateDir), { recursive: true });
  const starter = processIdentity();
  const record: ServiceRecord = { service: processIdentity(pid), starter, run: env[TEST_RUN_ENV] || starter, entry };
  writeFileSync(file, JSON.stringify(record));
  return () => rmSync(file, { force: true });
}

/** The record in `file`, or undefined when it is unreadable (a run killed while writing it). */
function readRecord(file: string): ServiceRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServiceRecord>;
    const complete = [record.service, record.starter, record.run, record.entry].every((v) => typeof v === 'string');
    return complete ? (record as ServiceRecord) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops the recorded services whose run no longer runs (a killed test run), and the test workers of
 * that run still hanging on; forgets every record that is done; reports them in one line. Returns
 * the pids it stopped.
 */
export async function stopLeftoverServices(stateDir: string, progress: (line: string) => void): Promise<number[]> {
  const dir = recordsDir(stateDir);
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const services = new Map<number, string>();
  const workers = new Set<number>();
  const done: string[] = [];
  for (const name of files) {
    const record = readRecord(join(dir, name));
    if (record && isRunning(record.run)) continue;
    done.push(join(dir, name));
    if (!record) continue;
    if (isRunning(record.service)) services.set(pidOf(record.service), record.entry);
    if (record.starter !== record.run && isRunning(record.starter)) workers.add(pidOf(record.starter));
  }
  if (services.size + workers.size > 0) {
    const listed = [...[...services].map(([pid, entry]) => `pid ${pid} ${entry}`), ...[...workers].map((pid) => `test worker pid ${pid}`)];
    progress(`[test-stack] stopping ${listed.length} process(es) left running by an interrupted test run (${listed.join(', ')})`);
    await Promise.all([...services.keys(), ...workers].map((pid) => stopProcess(pid, 10_000)));
  }
  for (const file of done) rmSync(file, { force: true });
  return [...services.keys(), ...workers];
}
