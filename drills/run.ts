import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@pizzashop/common';
import { clientEnv, createContext, down, loadStackConfig, repoRoot, up } from '@pizzashop/local-stack';
import { closeDrillContext, openDrillContext } from './context.js';
import { createDrills } from './drills.js';
import { runDrill } from './harness.js';
import { renderMarkdown, reportLine, type DrillRun, type RepeatedResult } from './report.js';
import { testPort } from '@pizzashop/testkit';

const USAGE = `npm run drills [-- --orders N] [--rate R] [--hold-ms MS] [--kafka-outage-ms MS] [--only name,name] [--repeat N] [--keep-stack]

Runs the fault drills on the TEST stack (its own state dir .stack-test and ports +10000, so
\`npm start\` can stay up), starting it when it is not running and stopping it afterwards unless
--keep-stack. --repeat N runs the whole set N times (drills are judged on repetition). Writes
drills/results/latest.json and latest.md. Exit code 1 when any run of any drill fails.`;

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '3000' },
    rate: { type: 'string', default: '100' },
    'hold-ms': { type: 'string', default: '5000' },
    'cdc-updates': { type: 'string', default: '120' },
    'kafka-outage-ms': { type: 'string', default: '30000' },
    only: { type: 'string' },
    repeat: { type: 'string', default: '1' },
    'keep-stack': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`drills: --${name} must be a positive number, got "${raw}"\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const orders = positive('orders', values.orders);
const rate = positive('rate', values.rate);
const holdMs = positive('hold-ms', values['hold-ms']);
const repeat = Math.floor(positive('repeat', values.repeat));
const only = values.only?.split(',').map((s) => s.trim());
const progress = (line: string) => console.error(line);

const stack = createContext(loadStackConfig({ ...process.env, STACK_PROFILE: 'test' }), progress);
const { started } = await up(stack);
const ctx = openDrillContext(stack, { ...process.env, ...clientEnv(stack) } as Record<string, string>, { orders: testPort(8491), enricher: testPort(8492), api: testPort(8494), dashboard: testPort(8495), delivery: testPort(8496) }, createLogger('drills', 'warn'), progress);
const drills = createDrills(positive('cdc-updates', values['cdc-updates']), positive('kafka-outage-ms', values['kafka-outage-ms'])).filter((d) => !only || only.includes(d.name));
if (drills.length === 0) {
  console.error(`drills: no drill named ${only?.join(', ')}`);
  process.exit(2);
}

const results: RepeatedResult[] = [];
try {
  for (let repetition = 1; repetition <= repeat; repetition++) {
    for (const drill of drills) {
      if (repeat > 1) progress(`[drills] run ${repetition}/${repeat}: ${drill.name}`);
      const result = await runDrill(ctx, drill, { orders, rate, faultAt: 0.4, holdMs, convergeTimeoutMs: 240_000 });
      results.push({ ...result, repetition });
      console.log(`${repeat > 1 ? `[run ${repetition}] ` : ''}${reportLine(result)}`);
      if (!result.passed) console.error(`[drills] ${drill.name} failed; last output of the services:\n${ctx.pipeline.output()}`);
    }
  }
} finally {
  await closeDrillContext(ctx);
  if (started.length > 0 && !values['keep-stack']) await down(stack, false);
}

const run: DrillRun = { date: new Date().toISOString(), orders, rate, repeat, results };
const dir = join(repoRoot, 'drills', 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(join(dir, 'latest.md'), renderMarkdown(run));
console.error(`[drills] results in ${join(dir, 'latest.md')}`);
process.exit(results.every((r) => r.passed) ? 0 : 1);
