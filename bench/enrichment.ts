/**
 * Enrichment bench: the enricher against a plain Kafka Streams application doing the seed's
 * KStream-KTable join with exactly_once_v2 (bench/reference, built here with Maven), on one backlog
 * of simulator orders pre-loaded on a private topic, one after the other on the same broker.
 *
 *   npx tsx bench/enrichment.ts [OUT.json] [--orders 50000] [--reference-threads 1] [--reference-max-task-idle-ms 0]
 *   (through npm run bench: BENCH_REFERENCE_THREADS, BENCH_REFERENCE_MAX_TASK_IDLE_MS)
 *
 * Rate = the backlog's items / the time from the first to the last committed output transaction
 * (the output topic's last stable offset; the run ends once the group committed every order and the
 * output has not moved for SETTLE_MS). Each output topic is then read (read committed) and every
 * (order, line) of the backlog counted: missing = dropped, extra = duplicates.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKafkaClient, createLogger, ensureTopics, withAdmin, infraEnvSchema, loadConfig, onShutdown, partitionCount, TopicFollower } from '@pizzashop/common';
import type { Kafka } from 'kafkajs';
import { repoRoot } from '@pizzashop/local-stack';
import { type ServiceProcess, simulate, startEnricher, startProcess } from '@pizzashop/testkit';
import { benchPort, createPrivatePipeline, type Figure, type PrivatePipeline } from '@pizzashop/testkit/bench';
import { loadAverage } from './run-meta.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    orders: { type: 'string', default: '50000' },
    'reference-threads': { type: 'string', default: process.env.BENCH_REFERENCE_THREADS ?? '1' },
    'reference-max-task-idle-ms': { type: 'string', default: process.env.BENCH_REFERENCE_MAX_TASK_IDLE_MS ?? '0' },
  },
});
const ORDERS = Number(values.orders);
const cfg = loadConfig(infraEnvSchema, process.env, 'enrichment bench');
const log = createLogger('enrichment-bench', 'warn');
const kafka: Kafka = createKafkaClient({ brokers: cfg.KAFKA_BROKERS, clientId: 'bench-enrichment', log });
const referenceDir = join(repoRoot, 'bench', 'reference');
const progress = (line: string) => console.error(`[enrichment] ${line}`);

let pipeline: PrivatePipeline | undefined;
const running = new Set<ServiceProcess>();
onShutdown(log, async () => {
  for (const service of running) await service.stop('SIGTERM');
  await pipeline?.drop();
});

/** Builds the reference with Maven (compiles, copies its runtime classpath); resolves with the java classpath. */
async function buildReference(kafkaVersion: string): Promise<string> {
  progress('building the Kafka Streams reference with Maven (bench/reference; the first build downloads kafka-streams)');
  const args = ['-B', '-q', '-f', join(referenceDir, 'pom.xml'), `-Dkafka.version=${kafkaVersion}`, 'clean', 'package', 'dependency:copy-dependencies', '-DoutputDirectory=target/lib', '-DincludeScope=runtime'];
  const child = spawn('mvn', args, { cwd: referenceDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
  child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
  const code = await new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`enrichment bench: mvn package in ${referenceDir} failed (exit ${code}; is Maven installed and Maven Central reachable?):\n${output}`);
  return `${join(referenceDir, 'target', 'classes')}:${join(referenceDir, 'target', 'lib', '*')}`;
}

/** The group's committed offsets on the orders topic (summed), the topic's end, and the output topic's last stable offsets (summed). */
async function progressOf(groupId: string, ordersTopic: string, outputTopic: string): Promise<{ committed: number; end: number; output: number }> {
  return await withAdmin(kafka, async (admin) => {
    const [[committed], ends, output] = await Promise.all([
      admin.fetchOffsets({ groupId, topics: [ordersTopic] }),
      admin.fetchTopicOffsets(ordersTopic),
      admin.fetchTopicOffsets(outputTopic),
    ]);
    const sum = (offsets: { high?: string; offset?: string }[]) => offsets.reduce((n, p) => n + Math.max(0, Number(p.high ?? p.offset)), 0);
    return { committed: sum(committed?.partitions ?? []), end: sum(ends), output: sum(output) };
  });
}

interface RunTiming {
  /** Process start -> first output committed. */
  startupS: number;
  /** First output committed -> last output committed. */
  processingS: number;
  itemsPerSecond: number;
  loadAverage: { before: number[]; after: number[] };
}

/** Output quiet for this long once every order is committed: the run is over. */
const SETTLE_MS = 10_000;

/**
 * Times one enricher on the backlog by its committed output: from the first output transaction to
 * the last one (the output topic's last stable offset stops moving once the group has committed
 * every order: a Kafka Streams app commits the orders topic before its join stage is done).
 */
async function timeBacklog(groupId: string, ordersTopic: string, outputTopic: string, items: number, startedAt: number, service: ServiceProcess, timeoutMs = 900_000): Promise<Omit<RunTiming, 'loadAverage'>> {
  let first: number | undefined;
  let last = 0;
  let lastOutput = 0;
  let lastLog = 0;
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (service.child.exitCode !== null) throw new Error(`enrichment bench: ${groupId} exited (${service.child.exitCode}) before the backlog was done:\n${service.output().slice(-3000)}`);
    const p = await progressOf(groupId, ordersTopic, outputTopic).catch(() => undefined);
    const now = performance.now();
    if (p && p.output > lastOutput) {
      first ??= now;
      last = now;
      lastOutput = p.output;
    }
    if (p && first !== undefined && p.committed >= p.end && now - last >= SETTLE_MS) {
      const processingS = (last - first) / 1000;
      return { startupS: (first - startedAt) / 1000, processingS, itemsPerSecond: Math.round(items / processingS) };
    }
    if (now - lastLog > 10_000) {
      progress(`${groupId}: ${p?.committed ?? '?'}/${p?.end ?? '?'} orders committed, output at offset ${lastOutput}`);
      lastLog = now;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`enrichment bench: ${groupId} did not finish the backlog within ${timeoutMs / 1000} s`);
}

/** Reads a whole topic (read committed, to its last stable offsets) into `apply`. */
async function readAll(topic: string, groupPrefix: string, apply: (value: Buffer | null) => void): Promise<void> {
  const follower = new TopicFollower(kafka, { topic, groupPrefix, log, apply: (records) => records.forEach((r) => apply(r.value)) });
  await follower.start();
  await follower.caughtUp();
  await follower.stop();
}

/** Every (order, line) of the backlog counted on an output topic: missing ones were dropped, extra ones are duplicates. */
async function countOutput(topic: string, groupPrefix: string, expected: Map<string, number>): Promise<{ records: number; dropped: number; duplicates: number; foreign: number }> {
  const seen = new Map<string, number>();
  let records = 0;
  let foreign = 0;
  await readAll(topic, groupPrefix, (value) => {
    records++;
    const item = JSON.parse(value!.toString('utf8')) as { orderId: string; itemIndex: number };
    const lines = expected.get(item.orderId);
    if (lines === undefined || item.itemIndex >= lines) foreign++;
    const key = `${item.orderId}/${item.itemIndex}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  });
  const total = [...expected.values()].reduce((n, l) => n + l, 0);
  const distinct = seen.size - foreign;
  return { records, dropped: total - distinct, duplicates: records - seen.size, foreign };
}

async function runEnricher(p: PrivatePipeline, items: number): Promise<RunTiming> {
  const before = loadAverage();
  const startedAt = performance.now();
  const topics = {
    ORDERS_TOPIC: p.topics.orders,
    ENRICHED_ORDER_ITEMS_TOPIC: p.topics.enrichedOrderItems,
    DEAD_LETTER_TOPIC: p.topics.deadLetters,
    ENRICHER_WAITING_TOPIC: p.topics.enricherWaiting,
    ENRICHER_GROUP_ID: p.enricherGroup,
  };
  const enricher = await startEnricher(cfg, topics, benchPort('enrichmentEnricher'), { ENRICHER_INSTANCE_ID: p.env.ENRICHER_INSTANCE_ID!, LOG_LEVEL: 'warn' });
  running.add(enricher);
  try {
    return { ...(await timeBacklog(p.enricherGroup, p.topics.orders, p.topics.enrichedOrderItems, items, startedAt, enricher)), loadAverage: { before, after: loadAverage() } };
  } finally {
    await enricher.stop('SIGTERM');
    running.delete(enricher);
  }
}

async function runReference(p: PrivatePipeline, classpath: string, outputTopic: string, items: number): Promise<RunTiming> {
  const appId = p.group('reference');
  const stateDir = mkdtempSync(join(tmpdir(), 'enrichment-reference-'));
  const before = loadAverage();
  const startedAt = performance.now();
  const reference = startJava(classpath, {
    KAFKA_BROKERS: cfg.KAFKA_BROKERS.join(','),
    ORDERS_TOPIC: p.topics.orders,
    PRODUCTS_CDC_TOPIC: cfg.PRODUCTS_CDC_TOPIC,
    OUTPUT_TOPIC: outputTopic,
    APPLICATION_ID: appId,
    STATE_DIR: stateDir,
    THREADS: values['reference-threads'],
    MAX_TASK_IDLE_MS: values['reference-max-task-idle-ms'],
  });
  running.add(reference);
  try {
    return { ...(await timeBacklog(appId, p.topics.orders, outputTopic, items, startedAt, reference)), loadAverage: { before, after: loadAverage() } };
  } finally {
    await reference.stop('SIGTERM');
    running.delete(reference);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** The reference as a child process (output kept, stopped by pid like the services). */
function startJava(classpath: string, env: Record<string, string>): ServiceProcess {
  return startProcess('java', ['-Xmx512m', '-cp', classpath, 'pizzashop.reference.EnrichmentReference'], { env, graceMs: 30_000 });
}

async function main(): Promise<void> {
  const versions = JSON.parse(readFileSync(join(repoRoot, 'versions.json'), 'utf8')) as { kafka: string };
  const classpath = await buildReference(versions.kafka);
  pipeline = await createPrivatePipeline(cfg, 'enrichment', log, { pinot: false });
  const p = pipeline;
  const referenceOutput = `${p.group('reference')}-items`;
  // partitioned like the private orders topic (which is partitioned like the stack's; a topic created a moment ago may have no metadata yet)
  await ensureTopics(kafka, [{ topic: referenceOutput, numPartitions: (await partitionCount(kafka, cfg.ORDERS_TOPIC)) || 3 }], log);

  progress(`pre-loading ${ORDERS} simulator orders on ${p.topics.orders}`);
  const sim = await simulate(cfg, { ORDERS_TOPIC: p.topics.orders, ENRICHED_ORDER_ITEMS_TOPIC: '', DEAD_LETTER_TOPIC: '', ENRICHER_WAITING_TOPIC: '', ENRICHER_GROUP_ID: '' }, ORDERS, 'max');
  const expected = new Map<string, number>();
  await readAll(p.topics.orders, p.group('orders-count'), (value) => {
    const order = JSON.parse(value!.toString('utf8')) as { id: string; items: unknown[] };
    expected.set(order.id, order.items.length);
  });
  const items = [...expected.values()].reduce((n, l) => n + l, 0);
  progress(`backlog: ${expected.size} orders, ${items} items (simulator ${sim.ordersPerSecond} orders/s)`);

  progress('running the Kafka Streams reference on the backlog');
  const reference = await runReference(p, classpath, referenceOutput, items);
  progress(`reference: ${reference.itemsPerSecond} items/s`);
  progress('running the enricher on the same backlog');
  const enricher = await runEnricher(p, items);
  progress(`enricher: ${enricher.itemsPerSecond} items/s`);

  const enricherOut = await countOutput(p.topics.enrichedOrderItems, p.group('count-enricher'), expected);
  const referenceOut = await countOutput(referenceOutput, p.group('count-reference'), expected);
  const ratio = Math.round((enricher.itemsPerSecond / reference.itemsPerSecond) * 100) / 100;
  const figures: Figure[] = [
    { name: 'enricher throughput on the backlog', value: enricher.itemsPerSecond, unit: 'items/s' },
    { name: 'Kafka Streams reference throughput on the same backlog', value: reference.itemsPerSecond, unit: 'items/s' },
    { name: 'enricher / Kafka Streams', value: ratio, unit: 'x', target: '>= 1.3' },
    { name: 'items dropped by the enricher', value: enricherOut.dropped, unit: 'items', target: '0' },
    { name: 'items dropped by Kafka Streams', value: referenceOut.dropped, unit: 'items' },
    { name: 'duplicate items, enricher', value: enricherOut.duplicates, unit: 'items', target: '0' },
    { name: 'duplicate items, Kafka Streams', value: referenceOut.duplicates, unit: 'items' },
  ];
  const fmt = (n: number) => n.toLocaleString('en');
  const result = {
    figures,
    readme: [
      {
        what: `enricher vs Kafka Streams (exactly_once_v2, KStream-KTable join, ${values['reference-threads']} stream thread${values['reference-threads'] === '1' ? '' : 's'}) on one backlog of ${fmt(expected.size)} orders (${fmt(items)} items)`,
        measured: `${fmt(enricher.itemsPerSecond)} vs ${fmt(reference.itemsPerSecond)} items/s = ${ratio}x; dropped ${fmt(enricherOut.dropped)} vs ${fmt(referenceOut.dropped)}`,
        target: '>= 1.3x',
      },
    ],
    notes: [
      `Both read the same ${fmt(expected.size)} orders from ${p.topics.orders}, one after the other (reference first), with the products from ${cfg.PRODUCTS_CDC_TOPIC}.`,
      `Rate = backlog items / (time from the first to the last committed output transaction); start-up (JVM, products restore) is excluded for both: reference ${reference.startupS.toFixed(1)} s, enricher ${enricher.startupS.toFixed(1)} s to the first output.`,
      `Load average (1 min) reference ${reference.loadAverage.before[0]} -> ${reference.loadAverage.after[0]}, enricher ${enricher.loadAverage.before[0]} -> ${enricher.loadAverage.after[0]}.`,
      `Kafka Streams ran with ${values['reference-threads']} stream thread(s) and max.task.idle.ms=${values['reference-max-task-idle-ms']} (defaults: 1 and 0); its inner join drops an item whose product its KTable has not loaded yet.`,
    ],
    backlog: { orders: expected.size, items, simulatorOrdersPerSecond: sim.ordersPerSecond },
    enricher: { ...enricher, output: enricherOut },
    reference: { ...reference, output: referenceOut, threads: Number(values['reference-threads']), maxTaskIdleMs: Number(values['reference-max-task-idle-ms']) },
    ratio,
  };
  console.log(JSON.stringify(result));
  if (positionals[0]) writeFileSync(positionals[0], JSON.stringify(result, null, 2));
}

try {
  await main();
} finally {
  await pipeline?.drop();
}
process.exit(0);
