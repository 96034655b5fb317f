/**
 * Order pipeline benchmark against a running stack (default: the `npm start` stack; set the
 * common env keys to point elsewhere). Uses private topics (testkit/src/bench/private-pipeline.ts), deleted at
 * the end, so it neither disturbs nor adds to the stack's data; its enrichers listen on bench ports.
 *
 *   npx tsx enricher/bench/pipeline.bench.ts [OUT.json] [--orders 50000] [--latency-rate 1000] [--latency-seconds 20]
 *
 * The result (`figures` as bench/markdown.ts renders them, plus the raw numbers) goes to OUT.json
 * when given, which is how `npm run bench` calls its scripts.
 *
 * Measures: simulator maximum produce rate (orders/s); enricher sustained throughput with
 * transactions on a backlog (enriched items/s); enrichment latency p50/p99 (order created and
 * produced -> enriched item committed and read by a read_committed consumer) at a steady rate.
 * Prints JSON; fails only if a latency comes out negative (testkit/src/bench/latency.ts).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger, infraEnvSchema, loadConfig, onShutdown } from '@pizzashop/common';
import { benchPort, createPrivatePipeline, type Figure, type Percentile, type PrivatePipeline, summariseLatencies } from '@pizzashop/testkit/bench';
import { type PrivateTopics, readTopic, simulate, startEnricher, testKafka, waitFor } from '@pizzashop/testkit';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    orders: { type: 'string', default: '50000' },
    'latency-rate': { type: 'string', default: '1000' },
    'latency-seconds': { type: 'string', default: '20' },
  },
});
const cfg = loadConfig(infraEnvSchema, process.env, 'pipeline bench');
const kafka = testKafka(cfg.KAFKA_BROKERS);
const ORDERS = Number(values.orders);
const log = createLogger('pipeline-bench', 'warn');

let current: PrivatePipeline | undefined;
// Interrupted (Ctrl-C, kill): drop the phase's private topics before exiting.
onShutdown(log, async () => current?.drop());

/** Private topics and groups for one phase (`group` names a reader's), deleted when `phase` is done. */
async function withPrivateTopics<T>(phase: (topics: PrivateTopics, group: (name: string) => string) => Promise<T>): Promise<T> {
  const pipeline = await createPrivatePipeline(cfg, 'pipeline', log, { pinot: false });
  current = pipeline;
  const { orders, enrichedOrderItems, deadLetters, enricherWaiting } = pipeline.topics;
  try {
    return await phase({
      ORDERS_TOPIC: orders,
      ENRICHED_ORDER_ITEMS_TOPIC: enrichedOrderItems,
      DEAD_LETTER_TOPIC: deadLetters,
      ENRICHER_WAITING_TOPIC: enricherWaiting,
      ENRICHER_GROUP_ID: pipeline.enricherGroup,
    }, pipeline.group);
  } finally {
    await pipeline.drop();
  }
}

async function itemsOut(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(text.match(/^enricher_items_out_total\{[^}]*\} (\d+)/m)?.[1] ?? 0);
}

async function throughput(topics: PrivateTopics) {
  const port = benchPort('pipelineThroughputEnricher');
  const sim = await simulate(cfg, topics, ORDERS, 'max');
  const orders = await readTopic(kafka, topics.ORDERS_TOPIC, (r) => r.length >= ORDERS);
  const items = orders.reduce((n, r) => n + (JSON.parse(r.value!) as { items: unknown[] }).items.length, 0);
  const enricher = await startEnricher(cfg, topics, port);
  try {
    const first = await waitFor('the first enriched items', async () => ((await itemsOut(port)) > 0 ? performance.now() : undefined), 120000, 50);
    const startCount = await itemsOut(port);
    const done = await waitFor('the whole backlog', async () => ((await itemsOut(port)) >= items ? performance.now() : undefined), 600000, 100);
    const seconds = (done - first) / 1000;
    return { simulatorOrdersPerSecond: sim.ordersPerSecond, orders: ORDERS, items, enricherItemsPerSecond: Math.round((items - startCount) / seconds) };
  } finally {
    await enricher.stop();
  }
}

async function latency(topics: PrivateTopics, group: (name: string) => string) {
  const port = benchPort('pipelineLatencyEnricher');
  const rate = Number(values['latency-rate']);
  const count = rate * Number(values['latency-seconds']);
  const enricher = await startEnricher(cfg, topics, port);
  try {
    const latencies: number[] = [];
    const consumer = kafka.consumer({ groupId: group('latency-reader'), readUncommitted: false, maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.ENRICHED_ORDER_ITEMS_TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        latencies.push(Date.now() - Date.parse((JSON.parse(message.value!.toString()) as { createdAt: string }).createdAt));
      },
    });
    await new Promise((r) => setTimeout(r, 5000));
    await simulate(cfg, topics, count, String(rate));
    await waitFor('latency samples', async () => ((await itemsOut(port)) > 0 && latencies.length >= (await itemsOut(port)) ? true : undefined), 120000, 500);
    await consumer.disconnect();
    return { rate, orders: count, ...summariseLatencies(latencies, 'enrichment latency (order createdAt -> enriched item read)') };
  } finally {
    await enricher.stop();
  }
}

const measured = { throughput: await withPrivateTopics(throughput), latency: await withPrivateTopics(latency) };
const { rate } = measured.latency;
const pct = (name: string, p: Percentile, target?: string): Figure => ({ name, value: p.ms, unit: 'ms', ...(p.ms === null ? { reason: p.reason } : {}), ...(target ? { target } : {}) });
const figures: Figure[] = [
  { name: 'simulator max produce rate', value: measured.throughput.simulatorOrdersPerSecond, unit: 'orders/s', target: '>= 20000' },
  { name: 'enricher sustained throughput (transactions)', value: measured.throughput.enricherItemsPerSecond, unit: 'items/s', target: '>= 20000' },
  pct(`enrichment latency p50 at ${rate} orders/s`, measured.latency.p50),
  pct(`enrichment latency p99 at ${rate} orders/s`, measured.latency.p99, '< 250'),
];
const ms = (p: Percentile) => (p.ms === null ? `not measured (${p.reason})` : `${p.ms} ms`);
const result = {
  figures,
  readme: [
    { what: 'simulator max produce rate', measured: `${measured.throughput.simulatorOrdersPerSecond.toLocaleString('en')} orders/s`, target: '20,000' },
    { what: 'enricher sustained throughput, with transactions', measured: `${measured.throughput.enricherItemsPerSecond.toLocaleString('en')} items/s`, target: '20,000' },
    { what: `enrichment latency at ${rate.toLocaleString('en')} orders/s`, measured: `p50 ${ms(measured.latency.p50)}, p99 ${ms(measured.latency.p99)}`, target: 'p99 < 250 ms' },
  ],
  ...measured,
};
console.log(JSON.stringify(result));
if (positionals[0]) writeFileSync(positionals[0], JSON.stringify(result, null, 2));
process.exit(0);
