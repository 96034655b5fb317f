import {
  closeServer,
  createIdempotentProducer,
  createKafkaClient,
  createLogger,
  createMetricsRegistry,
  ensureTopics,
  listen,
  loadConfig,
  onShutdown,
  ProducerContracts,
  producedContracts,
  refuseToStart,
  retryUntilDone,
  topicContract,
  withContractHeaders,
} from '@pizzashop/common';
import type { ServerType } from '@hono/node-server';
import { CatalogueStore } from './catalogue-store.js';
import { createCataloguePool, describeDatabaseError } from './catalogue.js';
import { parseCliArgs } from './cli-args.js';
import { ordersServiceEnvSchema } from './config.js';
import { createOrdersHttpApp } from './http-app.js';
import { createOrdersServiceMetrics } from './metrics.js';
import { OrderPublisher } from './order-publisher.js';
import { Simulator } from './simulator.js';

const COMPONENT = 'orders-service';
const log = createLogger(COMPONENT);
const cfg = loadConfig(ordersServiceEnvSchema, process.env, COMPONENT);
const args = parseCliArgs(process.argv.slice(2));
const benchmark = args.count !== undefined;

const registry = createMetricsRegistry(COMPONENT);
const metrics = createOrdersServiceMetrics(registry);
// Schema registry hook: the Order contract is registered (or found) at start, and every record sent
// through `kafka` carries its schema id header; nothing is sent before that (see publisher.start below).
const contracts = new ProducerContracts({
  url: cfg.SCHEMA_REGISTRY_URL,
  produced: producedContracts(cfg, [topicContract('Order')]),
  component: COMPONENT,
  log,
  onIncompatible: refuseToStart(log),
});
const kafka = withContractHeaders(createKafkaClient({ brokers: cfg.KAFKA_BROKERS, clientId: cfg.KAFKA_CLIENT_ID, log }), contracts);
const publisher = new OrderPublisher(createIdempotentProducer(kafka), cfg.ORDERS_TOPIC, cfg.KAFKA_BROKERS, log);
const pool = createCataloguePool(cfg);
const catalogue = new CatalogueStore(pool, cfg.PRODUCTS_RELOAD_MS, log, (n) => metrics.catalogueProducts.set(n));
const simulatorEnabled = benchmark || cfg.SIMULATOR_ENABLED;
const simulator = new Simulator(
  catalogue,
  publisher,
  {
    rate: args.rate ?? cfg.SIMULATOR_RATE,
    batchSize: cfg.SIMULATOR_BATCH_SIZE,
    progressEvery: cfg.SIMULATOR_PROGRESS_EVERY,
    ...(args.count === undefined ? {} : { count: args.count }),
  },
  log,
  (n) => metrics.ordersProduced.inc({ source: 'simulator' }, n),
);

async function loadCatalogueWithRetry(): Promise<void> {
  await retryUntilDone(() => catalogue.load(), { stepMs: 1000, onFailure: (err, retryInMs) => log.warn({ retryInMs }, describeDatabaseError(err, cfg)) });
}

async function ensureOrdersTopic(): Promise<void> {
  await publisher.untilConnected();
  try {
    await ensureTopics(kafka, [{ topic: cfg.ORDERS_TOPIC, numPartitions: cfg.ORDERS_TOPIC_PARTITIONS }], log);
  } catch (err) {
    log.warn({ err: (err as Error).message, topic: cfg.ORDERS_TOPIC }, 'could not check the orders topic; relying on the launcher having created it');
  }
}

async function runSimulator(): Promise<void> {
  await contracts.untilRegistered();
  await Promise.all([loadCatalogueWithRetry(), ensureOrdersTopic()]);
  const result = await simulator.run();
  log.info(result, 'simulator finished');
  if (benchmark) process.stdout.write(`${JSON.stringify({ benchmark: 'orders-simulator', ...result })}\n`);
}

contracts.start();
void contracts.untilRegistered().then(() => publisher.start());
let server: ServerType | undefined;
if (!benchmark) {
  const app = createOrdersHttpApp({
    publisher,
    registry,
    metrics,
    readiness: [
      { name: 'schema-registry', check: () => contracts.registered },
      { name: 'kafka', check: () => publisher.available },
      ...(simulatorEnabled ? [{ name: 'catalogue', check: () => catalogue.loaded }] : []),
    ],
    bodyLimitBytes: cfg.ORDERS_BODY_LIMIT_BYTES,
    sendTimeoutMs: cfg.ORDERS_SEND_TIMEOUT_MS,
    dedupCapacity: cfg.ORDERS_DEDUP_CAPACITY,
    log,
  });
  server = await listen(app, cfg.ORDERS_HTTP_PORT, cfg.ORDERS_HTTP_HOST, log);
}

const simulatorDone = simulatorEnabled ? runSimulator() : Promise.resolve();

async function stop(): Promise<void> {
  contracts.stop();
  simulator.stop();
  catalogue.stop();
  if (server) await closeServer(server);
  await simulatorDone;
  await publisher.stop();
  await pool.end();
}

onShutdown(log, stop);

if (benchmark) {
  try {
    await simulatorDone;
    await stop();
    process.exit(0);
  } catch (err) {
    log.error({ err }, 'benchmark run failed');
    process.exit(1);
  }
} else {
  simulatorDone.catch((err: unknown) => {
    log.fatal({ err }, 'simulator stopped with an error');
    process.exit(1);
  });
}
