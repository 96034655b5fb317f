/**
 * Order pipeline benchmark against a running stack (default: the `npm start` stack; set the
 * common env keys to point elsewhere). Uses private topics, so it does not disturb the stack's data.
 *
 *   npx tsx enricher/bench/pipeline.bench.ts [OUT.json] [--orders 50000] [--latency-rate 1000] [--latency-seconds 20]
 *
 * The result (`figures` as bench/markdown.ts renders them, plus the raw numbers) goes to OUT.json
 * when given, which is how `npm run bench` calls its scripts.
 *
 * Measures: simulator maximum produce rate (orders/s); enricher sustained throughput with
 * transactions on a backlog (enriched items/s); enrichment latency p50/p99 (order created and
 * produced -> enriched item committed and read by a read_committed consumer) at a steady rate.
 * Prints JSON and a Markdown table; never asserts.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { infraEnvSchema, loadConfig } from '@pizzashop/common';
import { readTopic, testKafka } from '../../common/test/support/kafka.js';
import { waitFor } from '../../common/test/support/services.js';
import { privateTopics, simulate, startEnricher } from '../test/pipeline-support.js';

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
const PORT = 18591;

async function itemsOut(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(text.match(/^enricher_items_out_total\{[^}]*\} (\d+)/m)?.[1] ?? 0);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function throughput() {
  const topics = privateTopics();
  const sim = await simulate(cfg, topics, ORDERS, 'max');
  const orders = await readTopic(kafka, topics.ORDERS_TOPIC, (r) => r.length >= ORDERS);
  const items = orders.reduce((n, r) => n + (JSON.parse(r.value!) as { items: unknown[] }).items.length, 0);
  const enricher = await startEnricher(cfg, topics, PORT);
  try {
    const first = await waitFor('the first enriched items', async () => ((await itemsOut(PORT)) > 0 ? performance.now() : undefined), 120000, 50);
    const startCount = await itemsOut(PORT);
    const done = await waitFor('the whole backlog', async () => ((await itemsOut(PORT)) >= items ? performance.now() : undefined), 600000, 100);
    const seconds = (done - first) / 1000;
    return { simulatorOrdersPerSecond: sim.ordersPerSecond, orders: ORDERS, items, enricherItemsPerSecond: Math.round((items - startCount) / seconds) };
  } finally {
    await enricher.stop();
  }
}

async function latency() {
  const topics = privateTopics();
  const rate = Number(values['latency-rate']);
  const count = rate * Number(values['latency-seconds']);
  const enricher = await startEnricher(cfg, topics, PORT + 1);
  try {
    const latencies: number[] = [];
    const consumer = kafka.consumer({ groupId: `bench-latency-${Date.now()}`, readUncommitted: false, maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.ENRICHED_ORDER_ITEMS_TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        latencies.push(Date.now() - Date.parse((JSON.parse(message.value!.toString()) as { createdAt: string }).createdAt));
      },
    });
    await new Promise((r) => setTimeout(r, 5000));
    await simulate(cfg, topics, count, String(rate));
    await waitFor('latency samples', async () => ((await itemsOut(PORT + 1)) > 0 && latencies.length >= (await itemsOut(PORT + 1)) ? true : undefined), 120000, 500);
    await consumer.disconnect();
    const sorted = [...latencies].sort((a, b) => a - b);
    return { rate, orders: count, samples: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) };
  } finally {
    await enricher.stop();
  }
}

const measured = { throughput: await throughput(), latency: await latency() };
const result = {
  figures: [
    { name: 'simulator max produce rate', value: measured.throughput.simulatorOrdersPerSecond, unit: 'orders/s', target: '>= 20000' },
    { name: 'enricher sustained throughput (transactions)', value: measured.throughput.enricherItemsPerSecond, unit: 'items/s', target: '>= 20000' },
    { name: `enrichment latency p50 at ${measured.latency.rate} orders/s`, value: measured.latency.p50Ms, unit: 'ms' },
    { name: `enrichment latency p99 at ${measured.latency.rate} orders/s`, value: measured.latency.p99Ms, unit: 'ms', target: '< 500' },
  ],
  ...measured,
};
console.log(JSON.stringify(result));
if (positionals[0]) writeFileSync(positionals[0], JSON.stringify(result, null, 2));
process.exit(0);
