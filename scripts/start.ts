import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { createContext, down, formatStatusTable, loadStackConfig, serviceEnv, up } from '../local-stack/src/index.js';
import { available, runService, services } from './services.js';

/**
 * `npm start`: the stack (started or adopted), then every TypeScript service in the foreground.
 * Ctrl-C stops the services, then the stack components this run started.
 */
async function main(): Promise<void> {
  const cfg = loadStackConfig();
  const ctx = createContext(cfg, (line) => console.error(line));
  const t0 = Date.now();
  const { components, started } = await up(ctx);
  console.log(formatStatusTable(components));
  console.log(`stack healthy in ${((Date.now() - t0) / 1000).toFixed(1)}s; logs in ${ctx.paths.root}/logs`);

  const env = serviceEnv(cfg);
  const present = services.filter(available);
  const children: [string, ChildProcess][] = present.map((spec) => [spec.name, runService(spec, env, ctx.paths.log(spec.name))]);

  console.log('\nRunning:');
  for (const spec of present) console.log(`  ${spec.name.padEnd(16)} ${spec.url ?? ''}`);
  console.log(`  ${'pinot console'.padEnd(16)} http://localhost:${cfg.PINOT_CONTROLLER_PORT}`);
  console.log(`  ${'kafka connect'.padEnd(16)} http://localhost:${cfg.CONNECT_PORT}/connectors`);
  console.log('Ctrl-C stops everything this command started.\n');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.error('\n[start] stopping services');
    await Promise.all(
      children.map(
        ([, child]) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            void sleep(15_000).then(() => child.kill('SIGKILL'));
          }),
      ),
    );
    if (started.length > 0) await down(ctx, false);
    else console.error('[start] the stack was already running before this command; left running (npm run stack:down stops it)');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
