// `npm start`: the stack, then every TypeScript service under a supervisor.
import { withRenamedListenVars } from '@pizzashop/common';
import { createContext, down, formatStatusTable, loadStackConfig, serviceEnv, up } from '@pizzashop/local-stack';
import { join } from 'node:path';
import { available, bundleServices, serviceEnvs, services } from './services.js';
import { Supervisor } from './supervisor.js';

/**
 * `npm start`: the stack (started or adopted), then every TypeScript service, supervised (a crashed
 * service is started again). Ctrl-C stops the services, then the stack components this run started.
 */
async function main(): Promise<void> {
  const cfg = loadStackConfig();
  const ctx = createContext(cfg, (line) => console.error(line));
  const t0 = Date.now();
  const present = services.filter(available);
  const bundleDir = join(ctx.paths.root, 'bundles');
  // Bundled while the stack starts; a bundling error is reported after it, before any service runs.
  const bundling = bundleServices(present, bundleDir);
  bundling.catch(() => undefined);
  const { components, started } = await up(ctx);
  console.log(formatStatusTable(components));
  console.log(`stack healthy in ${((Date.now() - t0) / 1000).toFixed(1)}s; logs in ${ctx.paths.root}/logs`);
  console.error(`[start] services bundled in ${((await bundling) / 1000).toFixed(1)}s (${bundleDir})`);

  const instances = { enricher: cfg.ENRICHER_INSTANCES, 'pizzashop-api': cfg.API_INSTANCES };
  const env = withRenamedListenVars(process.env, (message) => console.error(`[start] ${message}`));
  const runs = serviceEnvs(present, serviceEnv(cfg), cfg.STACK_PORT_OFFSET, instances, env);
  const supervisor = new Supervisor(runs, { stateDir: ctx.paths.root, bundleDir, logFile: (name) => ctx.paths.log(name), say: (line) => console.error(line) });
  supervisor.start();

  console.log('\nRunning (a service that crashes is started again; npm run stack:status shows restarts):');
  for (const { spec, url } of runs) console.log(`  ${spec.name.padEnd(16)} ${url}`);
  console.log(`  ${'pinot console'.padEnd(16)} http://localhost:${cfg.PINOT_CONTROLLER_PORT}`);
  console.log(`  ${'kafka connect'.padEnd(16)} http://localhost:${cfg.CONNECT_PORT}/connectors`);
  console.log(`  ${'schema registry'.padEnd(16)} ${serviceEnv(cfg).SCHEMA_REGISTRY_URL}/subjects (npm run contracts)`);
  console.log('Ctrl-C stops everything this command started.\n');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.error('\n[start] stopping services');
    await supervisor.stop();
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
