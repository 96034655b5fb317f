// Entry point of the alerts service: config, Kafka producer, Pinot source and webhook, then one evaluation per interval.
import {
  closeServer,
  createIdempotentProducer,
  createKafkaClient,
  createLogger,
  createMetricsRegistry,
  listen,
  loadConfig,
  onShutdown,
  opsRoutes,
  PinotClient,
  ProducerContracts,
  producedContracts,
  refuseToStart,
  retryUntilDone,
  sendJson,
  topicContract,
  withContractHeaders,
  type Alert,
} from '@pizzashop/common';
import { Hono } from 'hono';
import { AlertBook } from './alert-book.js';
import { readAlerts } from './alert-log.js';
import { alertsEnvSchema } from './config.js';
import { AlertsEngine } from './engine.js';
import { createAlertsMetrics } from './metrics.js';
import { PinotWindowSource } from './pinot-source.js';
import { WebhookNotifier } from './webhook.js';

const COMPONENT = 'alerts';
const log = createLogger(COMPONENT);
const cfg = loadConfig(alertsEnvSchema, process.env, COMPONENT);
const registry = createMetricsRegistry(COMPONENT);
const metrics = createAlertsMetrics(registry);

const contracts = new ProducerContracts({
  url: cfg.SCHEMA_REGISTRY_URL,
  produced: producedContracts(cfg, [topicContract('Alert')]),
  component: COMPONENT,
  log,
  onIncompatible: refuseToStart(log),
});
const kafka = withContractHeaders(createKafkaClient({ brokers: cfg.KAFKA_BROKERS, clientId: cfg.KAFKA_CLIENT_ID, log }), contracts);
const producer = createIdempotentProducer(kafka, 1000);
const pinot = new PinotClient({ brokerUrls: cfg.PINOT_BROKER_URLS, timeoutMs: cfg.PINOT_QUERY_TIMEOUT_MS });
const book = new AlertBook({
  zWarning: cfg.ALERTS_Z_WARNING,
  zCritical: cfg.ALERTS_Z_CRITICAL,
  zClose: cfg.ALERTS_Z_CLOSE,
  openAfter: cfg.ALERTS_OPEN_AFTER,
  closeAfter: cfg.ALERTS_CLOSE_AFTER,
});

async function publish(alerts: Alert[]): Promise<void> {
  await sendJson(producer, cfg.ALERTS_TOPIC, alerts.map((a) => ({ key: a.id, value: a })));
  for (const a of alerts) metrics.changes.inc({ status: a.status });
}

const engine = new AlertsEngine({
  source: new PinotWindowSource(pinot, cfg),
  book,
  publish,
  ...(cfg.ALERTS_WEBHOOK_URL
    ? {
        notifier: new WebhookNotifier(
          { url: cfg.ALERTS_WEBHOOK_URL, attempts: cfg.ALERTS_WEBHOOK_ATTEMPTS, timeoutMs: cfg.ALERTS_WEBHOOK_TIMEOUT_MS, backoffMs: cfg.ALERTS_WEBHOOK_BACKOFF_MS },
          log,
          (outcome) => metrics.webhook.inc({ outcome }),
        ),
      }
    : {}),
  options: {
    intervalMs: cfg.ALERTS_INTERVAL_MS,
    windowMs: cfg.ALERTS_WINDOW_MS,
    openAfter: cfg.ALERTS_OPEN_AFTER,
    ingestLagMs: cfg.ALERTS_INGEST_LAG_MS,
    dayMs: cfg.ALERTS_DAY_MS,
    seasonalDays: cfg.ALERTS_SEASONAL_DAYS,
    seasonalMinDays: cfg.ALERTS_SEASONAL_MIN_DAYS,
    trailingWindows: cfg.ALERTS_TRAILING_WINDOWS,
    minOrders: cfg.ALERTS_MIN_ORDERS,
  },
  log,
  onEvaluation: (outcome) => metrics.evaluations.inc({ outcome }),
});

let restored = false;
let stopped = false;
let timer: NodeJS.Timeout | undefined;
let running: Promise<unknown> = Promise.resolve();

/** Contract registered, producer connected, the alerts of earlier runs read back: then one evaluation per interval. */
async function start(): Promise<void> {
  await contracts.untilRegistered();
  await retryUntilDone(() => producer.connect(), { stepMs: 1000, onFailure: (err, retryInMs) => log.warn({ err, retryInMs }, `alerts: Kafka at ${cfg.KAFKA_BROKERS.join(',')} unreachable; retrying`) });
  const earlier =
    (await retryUntilDone(() => readAlerts(kafka, cfg.ALERTS_TOPIC, log), {
    stepMs: 1000,
      onFailure: (err, retryInMs) => log.warn({ err, retryInMs }, `alerts: cannot read topic ${cfg.ALERTS_TOPIC} back (is it created? npm run stack:up creates it); retrying`),
    })) ?? [];
  engine.restore(earlier);
  restored = true;
  log.info({ alerts: earlier.length, open: book.openAlerts.length, intervalMs: cfg.ALERTS_INTERVAL_MS, windowMs: cfg.ALERTS_WINDOW_MS, webhook: cfg.ALERTS_WEBHOOK_URL ?? null }, 'alerts: earlier alerts read back; evaluating');
  const loop = () => {
    if (stopped) return;
    const started = Date.now();
    running = engine.tick().finally(() => {
      metrics.open.set(book.openAlerts.length);
      metrics.owed.set(engine.owedDeliveries);
      if (!stopped) timer = setTimeout(loop, Math.max(0, cfg.ALERTS_INTERVAL_MS - (Date.now() - started)));
    });
  };
  loop();
}

const app = new Hono();
app.route('/', opsRoutes(registry, [
  { name: 'schema-registry', check: () => contracts.registered },
  { name: 'alerts-read-back', check: () => restored },
  { name: 'pinot-broker', check: () => pinot.ping() },
]));
const server = await listen(app, cfg.ALERTS_HTTP_PORT, cfg.ALERTS_HTTP_HOST, log);
contracts.start();
const started = start().catch((err: unknown) => {
  log.fatal({ err }, 'alerts: could not start');
  process.exit(1);
});

onShutdown(log, async () => {
  stopped = true;
  clearTimeout(timer);
  contracts.stop();
  await started;
  await running;
  await closeServer(server);
  await producer.disconnect();
  await pinot.close();
});
