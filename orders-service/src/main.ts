// orders-service's entry point: loads config, connects Kafka and MariaDB, then runs the HTTP app and
// the simulator (or a bounded benchmark).
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
  partitionCount,
  ProducerContracts,
  producedContracts,
  refuseToStart,
  retryUntilDone,
  topicContract,
  withContractHeaders,
  type IngestRules,
  type Order,
} from '@pizzashop/common';
import { randomInt } from 'node:crypto';
import type { ServerType } from '@hono/node-server';
import { BrokerWatch } from './broker-watch.js';
import { CatalogueStore } from './catalogue-store.js';
import { createCataloguePool, describeDatabaseError } from './catalogue.js';
import { parseCliArgs } from './cli-args.js';
import { ordersServiceEnvSchema } from './config.js';
import { createOrdersHttpApp } from './http-app.js';
import { createOrdersServiceMetrics } from './metrics.js';
import { OrderPublisher } from './order-publisher.js';
import { readRecentOrders } from './recent-orders.js';
import { OrderPricer } from './pricing.js';
import { describeServiceArea } from './service-area.js';
import { seededRandom } from './seeded-random.js';
import { Simulator, simulatorBounds, type Traffic } from './simulator.js';
import { SimulatedClock, TrafficModel } from './traffic-model.js';

const COMPONENT = 'orders-service';
const log = createLogger(COMPONENT);
const cfg = loadConfig(ordersServiceEnvSchema, process.env, COMPONENT);
const args = parseCliArgs(process.argv.slice(2));
const benchmark = args.count !== undefined;
const rules: IngestRules = {
  maxItems: cfg.ORDERS_MAX_ITEMS,
  maxQuantity: cfg.ORDERS_MAX_QUANTITY,
  createdAtMaxAheadMs: cfg.ORDERS_CREATED_AT_MAX_AHEAD_MS,
  createdAtMaxBehindMs: cfg.ORDERS_CREATED_AT_MAX_BEHIND_MS,
};

const registry = createMetricsRegistry(COMPONENT);
const metrics = createOrdersServiceMetrics(registry);
// Schema registry hook: the Order contract is registered (or found) at start, and every record sent
// through `kafka` carries its schema id header; nothing is sent before that (the publisher connects only once it is registered: `ready` below).
const contracts = new ProducerContracts({
  url: cfg.SCHEMA_REGISTRY_URL,
  produced: producedContracts(cfg, [topicContract('Order')]),
  component: COMPONENT,
  log,
  onIncompatible: refuseToStart(log),
});
// Reconnects to a lost broker at least every second and never gives up: the produce request in
// flight when the broker goes away then completes within about a second of its return instead of
// failing after kafkajs' 8 connection retries (an answer of "outcome unknown" for its orders).
const kafka = withContractHeaders(
  createKafkaClient({
    brokers: cfg.KAFKA_BROKERS,
    clientId: cfg.KAFKA_CLIENT_ID,
    log,
    overrides: { retry: { initialRetryTime: 300, maxRetryTime: 1000, retries: Number.MAX_SAFE_INTEGER } },
  }),
  contracts,
);
// The broker check gives up fast: a check that cannot finish within its timeout counts as failed.
const checkTimeoutMs = Math.max(1000, 2 * cfg.ORDERS_BROKER_CHECK_MS);
const watchKafka = createKafkaClient({
  brokers: cfg.KAFKA_BROKERS,
  clientId: `${cfg.KAFKA_CLIENT_ID}-broker-check`,
  // Its failures are the point of the check and logged by BrokerWatch once per change, not by kafkajs every second.
  log: createLogger(COMPONENT, 'silent'),
  overrides: { connectionTimeout: checkTimeoutMs, requestTimeout: checkTimeoutMs, retry: { retries: 0 } },
});
const watch = new BrokerWatch(
  watchKafka.admin(),
  cfg.ORDERS_TOPIC,
  cfg.KAFKA_BROKERS,
  { intervalMs: cfg.ORDERS_BROKER_CHECK_MS, timeoutMs: checkTimeoutMs, failuresBeforeDown: 2 },
  log,
);
watch.onChange((reachable) => metrics.kafkaReachable.set(reachable ? 1 : 0));
const publisher = new OrderPublisher(
  createIdempotentProducer(kafka, 1000), // sends retried at least every second too
  cfg.ORDERS_TOPIC,
  cfg.KAFKA_BROKERS,
  watch,
  {
    maxInFlight: cfg.ORDERS_MAX_IN_FLIGHT,
    maxBatch: cfg.ORDERS_PRODUCE_BATCH_MAX,
    queueTimeoutMs: cfg.ORDERS_SEND_TIMEOUT_MS,
    stallMs: cfg.ORDERS_PRODUCE_STALL_MS,
  },
  log,
  { onBatch: (orders) => metrics.produceBatchOrders.observe(orders) },
);
const pool = createCataloguePool(cfg);
const catalogue = new CatalogueStore(
  pool,
  { reloadMs: cfg.CATALOGUE_RELOAD_MS, missReloadMinIntervalMs: cfg.CATALOGUE_MISS_RELOAD_MIN_INTERVAL_MS },
  log,
  (snapshot) => {
    metrics.catalogueProducts.set(snapshot.products.size);
    metrics.catalogueUsers.set(snapshot.customers.size);
  },
);
const simulatorEnabled = benchmark || cfg.SIMULATOR_ENABLED;
const seed = cfg.SIMULATOR_SEED ?? randomInt(0x7fffffff);
const random = seededRandom(seed);
const rate = args.rate ?? cfg.SIMULATOR_RATE;
const traffic: Traffic =
  cfg.SIMULATOR_PROFILE === 'flat' || rate === Infinity
    ? { profile: 'flat' }
    : {
        profile: 'daily',
        model: new TrafficModel(
          {
            meanRate: rate,
            dailyCurve: cfg.SIMULATOR_DAILY_CURVE,
            weekendFactor: cfg.SIMULATOR_WEEKEND_FACTOR,
            burstsPerDay: cfg.SIMULATOR_BURSTS_PER_DAY,
            burstFactor: cfg.SIMULATOR_BURST_FACTOR,
            burstMs: cfg.SIMULATOR_BURST_MINUTES * 60_000,
          },
          random,
        ),
        clock: new SimulatedClock(Date.now(), cfg.SIMULATOR_START_TIME ? Date.parse(cfg.SIMULATOR_START_TIME) : Date.now(), cfg.SIMULATOR_TIME_ACCELERATION),
      };
if (simulatorEnabled) {
  log.info({ profile: traffic.profile, rate, seed, acceleration: cfg.SIMULATOR_TIME_ACCELERATION, startTime: cfg.SIMULATOR_START_TIME }, 'simulator traffic');
}
const simulator = new Simulator(
  catalogue,
  publisher,
  {
    rate,
    traffic,
    random,
    batchSize: cfg.SIMULATOR_BATCH_SIZE,
    progressEvery: cfg.SIMULATOR_PROGRESS_EVERY,
    serviceArea: cfg.ORDERS_SERVICE_AREA,
    bounds: simulatorBounds(rules),
    ...(args.count === undefined ? {} : { count: args.count }),
  },
  log,
  (n) => metrics.ordersProduced.inc({ source: 'simulator' }, n),
  (n) => metrics.simulatorSkipped.inc(n),
);

async function loadCatalogueWithRetry(): Promise<void> {
  await retryUntilDone(() => catalogue.load(), { stepMs: 1000, onFailure: (err, retryInMs) => log.warn({ err, retryInMs }, describeDatabaseError(err, cfg)) });
}

async function ensureOrdersTopic(): Promise<void> {
  await publisher.untilConnected();
  try {
    await ensureTopics(kafka, [{ topic: cfg.ORDERS_TOPIC, numPartitions: cfg.ORDERS_TOPIC_PARTITIONS }], log);
  } catch (err) {
    log.warn({ err, topic: cfg.ORDERS_TOPIC }, 'could not check the orders topic; relying on the launcher having created it');
  }
}

async function runSimulator(): Promise<void> {
  await ready;
  const result = await simulator.run();
  log.info(result, 'simulator finished');
  if (benchmark) process.stdout.write(`${JSON.stringify({ benchmark: 'orders-simulator', ...result })}\n`);
}

contracts.start();
watch.start();
// The publisher connects (ensureOrdersTopic) only once the Order contract is registered.
const topicReady = contracts.untilRegistered().then(ensureOrdersTopic);
const ready = Promise.all([loadCatalogueWithRetry(), topicReady]);

/**
 * The last ORDERS_DEDUP_CAPACITY orders of the topic, read once the topic is there: remembered by
 * the HTTP app before it deduplicates any POST. Never fails: without them a retry across a restart
 * may be written twice (Pinot `orders` still counts it once), which is logged.
 */
async function recentOrders(): Promise<Order[]> {
  // The topic is there once the broker check sees it: the read-back need not wait for the schema registry.
  await Promise.race([watch.untilReachable(), topicReady]);
  const started = Date.now();
  try {
    const orders = await readRecentOrders(kafka, cfg.ORDERS_TOPIC, cfg.ORDERS_DEDUP_CAPACITY, await partitionCount(kafka, cfg.ORDERS_TOPIC), log);
    log.info({ orders: orders.length, ms: Date.now() - started }, 'recent orders read back: a retried POST of any of them is not sent again');
    return orders;
  } catch (err) {
    log.warn({ err }, 'could not read recent orders back from the topic; a POST retried across this restart may be written twice');
    return [];
  }
}
let server: ServerType | undefined;
if (!benchmark) {
  const recent = recentOrders();
  let recentRead = false;
  void recent.then(() => (recentRead = true));
  const app = createOrdersHttpApp({
    publisher,
    pricer: new OrderPricer(catalogue, cfg.ORDERS_SERVICE_AREA),
    rules,
    serviceArea: describeServiceArea(cfg.ORDERS_SERVICE_AREA),
    registry,
    metrics,
    readiness: [
      { name: 'schema-registry', check: () => contracts.registered },
      { name: 'kafka', check: () => publisher.available },
      { name: 'catalogue', check: () => catalogue.loaded },
      { name: 'recent-orders', check: () => recentRead },
    ],
    bodyLimitBytes: cfg.ORDERS_BODY_LIMIT_BYTES,
    dedupCapacity: cfg.ORDERS_DEDUP_CAPACITY,
    recentOrders: recent,
    log,
  });
  setInterval(() => metrics.httpOrdersInFlight.set(publisher.inFlight), 1000).unref();
  server = await listen(app, cfg.ORDERS_HTTP_PORT, cfg.ORDERS_HTTP_HOST, log);
}

const simulatorDone = simulatorEnabled ? runSimulator() : Promise.resolve();

async function stop(): Promise<void> {
  contracts.stop();
  simulator.stop();
  catalogue.stop();
  if (server) await closeServer(server);
  await simulatorDone;
  await watch.stop();
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
