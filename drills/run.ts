// `npm run drills`: runs the fault drills on the test stack (or the cluster drills on the cluster stack) and writes
// drills/results/latest.json and latest.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@pizzashop/common';
import { clientEnv, createContext, down, loadStackConfig, memberPort, repoRoot, up } from '@pizzashop/local-stack';
import { ApiInstances } from './api-probe.js';
import { createClusterDrills } from './cluster.js';
import { closeDrillContext, openDrillContext } from './context.js';
import { createDrills } from './drills.js';
import { runDrill } from './harness.js';
import { renderMarkdown, reportLine, type DrillRun, type RepeatedResult } from './report.js';
import { testPort, type TestService } from '@pizzashop/testkit';

const USAGE = `npm run drills [-- --profile test|cluster] [--orders N] [--rate R] [--hold-ms MS] [--kafka-outage-ms MS] [--only name,name] [--repeat N] [--keep-stack]

Runs the fault drills on the TEST stack (its own state dir .stack-test and ports +10000, so
\`npm start\` can stay up), starting it when it is not running and stopping it afterwards unless
--keep-stack. --profile cluster runs the cluster drills instead, on the CLUSTER stack (.stack-cluster,
ports +20000: 3 Kafka nodes, 2 Pinot servers and brokers), with two API instances probed throughout.
--repeat N runs the whole set N times (drills are judged on repetition). Writes
drills/results/latest.json and latest.md (cluster: cluster-latest.*). Exit code 1 when any run of any drill fails.`;

const { values } = parseArgs({
  options: {
    profile: { type: 'string', default: 'test' },
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

if (values.profile !== 'test' && values.profile !== 'cluster') {
  console.error(`drills: --profile must be test or cluster, got "${values.profile}"\n\n${USAGE}`);
  process.exit(2);
}
const cluster = values.profile === 'cluster';
const stack = createContext(loadStackConfig({ ...process.env, STACK_PROFILE: values.profile }), progress);
const port = (service: TestService) => testPort(service, stack.cfg.STACK_PORT_OFFSET);
const { started } = await up(stack);
const env = { ...process.env, ...clientEnv(stack) } as Record<string, string>;
const ctx = openDrillContext(stack, env, { orders: port('drills.orders'), enricher: port('drills.enricher'), api: port('drills.api'), dashboard: port('drills.dashboard'), delivery: port('drills.delivery') }, createLogger('drills', 'warn'), progress);
const apis = new ApiInstances(env, Array.from({ length: stack.cfg.API_INSTANCES }, (_, i) => `http://127.0.0.1:${memberPort(port('drills.api-instances'), i)}`));
const allDrills = cluster ? createClusterDrills(apis) : createDrills(positive('cdc-updates', values['cdc-updates']), positive('kafka-outage-ms', values['kafka-outage-ms']));
const drills = allDrills.filter((d) => !only || only.includes(d.name));
if (drills.length === 0) {
  console.error(`drills: no drill named ${only?.join(', ')}`);
  process.exit(2);
}

const results: RepeatedResult[] = [];
try {
  if (cluster) await apis.start();
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
  await apis.stop();
  await closeDrillContext(ctx);
  if (started.length > 0 && !values['keep-stack']) await down(stack, false);
}

const run: DrillRun = { date: new Date().toISOString(), orders, rate, repeat, results };
const dir = join(repoRoot, 'drills', 'results');
mkdirSync(dir, { recursive: true });
const file = cluster ? 'cluster-latest' : 'latest';
writeFileSync(join(dir, `${file}.json`), `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(join(dir, `${file}.md`), renderMarkdown(run));
console.error(`[drills] results in ${join(dir, `${file}.md`)}`);
process.exit(results.every((r) => r.passed) ? 0 : 1);
