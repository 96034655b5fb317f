// Vitest global setup of the integration project: brings up or reuses the test stack and exports its
// env to every test.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, processIdentity } from '@pizzashop/common';
import { stopLeftoverServices, TEST_RUN_ENV } from '@pizzashop/testkit';
import { clientEnv, createContext, down, loadStackConfig, up } from '../src/index.js';

/**
 * Vitest global setup for the integration project: brings up (or reuses) the TEST stack — its own
 * state dir and ports shifted by STACK_PORT_OFFSET (+10000 by default), so it runs beside `npm start` —
 * and exports the env every test and service reads: common's infraEnvSchema keys,
 * MYSQL_ADMIN_USER/PASSWORD/SOCKET (root over the instance's unix socket, for tests that change the
 * catalogue) and the STACK_* keys (for tests that stop and restart components through the launcher).
 *
 * What an interrupted run left (a stale lock or pid files, half-written dirs, stack processes or test
 * services still running) is reported in one line each and cleared: `up` does the stack's part.
 *
 * Teardown stops the test stack when this run started it, or adopted it from an interrupted run; a
 * stack that was already up is left running. TEST_STACK_KEEP=1 always keeps it (handy while
 * iterating on one test file).
 */
export default async function setup(): Promise<() => Promise<void>> {
  process.env.STACK_PROFILE = 'test';
  const log = (line: string) => console.error(line);
  const ctx = createContext(loadStackConfig(process.env), log);
  const run = claimRun(ctx.paths.root, log);
  await stopLeftoverServices(ctx.paths.root, log);
  const t0 = Date.now();
  const { components, started } = await up(ctx);
  console.error(`[test-stack] ${components.length} components healthy in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  Object.assign(process.env, clientEnv(ctx), { [TEST_RUN_ENV]: processIdentity() });
  return async () => {
    const keep = process.env.TEST_STACK_KEEP === '1' || (started.length === 0 && !run.adoptedInterrupted);
    if (!keep) await down(ctx, false);
    run.release();
  };
}

/**
 * Marks the state dir as used by this run until its teardown. A mark whose run no longer runs means
 * that run was interrupted before its teardown: its stack is this run's to stop.
 */
function claimRun(stateDir: string, log: (line: string) => void): { adoptedInterrupted: boolean; release: () => void } {
  const mark = join(stateDir, 'test-run');
  const me = processIdentity();
  let previous: string | undefined;
  try {
    previous = readFileSync(mark, 'utf8').trim();
  } catch {
    previous = undefined;
  }
  if (previous && isRunning(previous)) return { adoptedInterrupted: false, release: () => undefined };
  if (previous) log(`[test-stack] the test run before (pid ${previous.split(' ')[0]}) was interrupted before its teardown: clearing what it left; this run stops the stack at its end`);
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(mark, me);
  return {
    adoptedInterrupted: previous !== undefined,
    release: () => {
      try {
        if (readFileSync(mark, 'utf8').trim() === me) rmSync(mark);
      } catch {
        // gone with a --reset
      }
    },
  };
}
