import { clientEnv, createContext, down, loadStackConfig, up } from '../src/index.js';

/**
 * Vitest global setup for the integration project: brings up (or reuses) the TEST stack — its own
 * state dir and ports shifted by +10000, so it runs beside `npm start` — and exports the env every
 * test and service reads: common's infraEnvSchema keys, MYSQL_ADMIN_USER/PASSWORD/SOCKET (root over
 * the instance's unix socket, for tests that change the catalogue) and the STACK_* keys (for tests
 * that stop and restart components through the launcher).
 *
 * Teardown stops the test stack when this run started it; a stack that was already up is left
 * running. TEST_STACK_KEEP=1 always keeps it (handy while iterating on one test file).
 */
export default async function setup(): Promise<() => Promise<void>> {
  process.env.STACK_PROFILE = 'test';
  const ctx = createContext(loadStackConfig(process.env), (line) => console.error(line));
  const t0 = Date.now();
  const { components, started } = await up(ctx);
  console.error(`[test-stack] ${components.length} components healthy in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  Object.assign(process.env, clientEnv(ctx));
  return async () => {
    if (process.env.TEST_STACK_KEEP === '1' || started.length === 0) return;
    await down(ctx, false);
  };
}
