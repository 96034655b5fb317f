// The `stack` command line: up, status (components and supervised services, as a table or --json) and
// down of the local stack.
import { loadStackConfig } from './config.js';
import { createContext, down, status, up, type ComponentStatus } from './stack.js';
import { readServicesState } from './services-state.js';
import { formatServicesTable, formatStatusTable } from './status-table.js';

const [command, ...flags] = process.argv.slice(2);
const progress = (line: string) => console.error(line);

/** The stack's components, and the services when an `npm start` supervises them; exit code 0 when all are healthy/running. */
function report(rows: ComponentStatus[], stateDir: string, asJson: boolean): number {
  const services = readServicesState(stateDir);
  if (asJson) console.log(JSON.stringify({ components: rows, services }));
  else console.log([formatStatusTable(rows), ...(services.length > 0 ? ['', formatServicesTable(services)] : [])].join('\n'));
  return rows.every((r) => r.healthy) && services.every((s) => s.state === 'running') ? 0 : 1;
}

async function main(): Promise<number> {
  const ctx = createContext(loadStackConfig(), progress);
  switch (command) {
    case 'up': {
      const t0 = Date.now();
      const { components: rows } = await up(ctx);
      progress(`[stack] all healthy in ${((Date.now() - t0) / 1000).toFixed(1)}s (state dir ${ctx.paths.root})`);
      return report(rows, ctx.paths.root, flags.includes('--json'));
    }
    case 'status':
      return report(await status(ctx), ctx.paths.root, flags.includes('--json'));
    case 'down':
      await down(ctx, flags.includes('--reset'));
      return 0;
    default:
      console.error('usage: cli.ts up|status [--json]|down [--reset]');
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
