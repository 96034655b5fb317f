import {
  closeServer,
  createKafkaClient,
  createLogger,
  createMetricsRegistry,
  listen,
  loadConfig,
  notFoundAsJson,
  onShutdown,
  opsRoutes,
  ProducerContracts,
  producedContracts,
  refuseToStart,
  topicContract,
  withContractHeaders,
} from '@pizzashop/common';
import { enricherEnvSchema } from './config.js';
import { COMPONENT, Enricher } from './enricher.js';
import { createEnricherMetrics } from './metrics.js';

const log = createLogger(COMPONENT);
const cfg = loadConfig(enricherEnvSchema, process.env, COMPONENT);
const registry = createMetricsRegistry(COMPONENT);
const metrics = createEnricherMetrics(registry);
// Schema registry hook: the contracts of the topics the enricher writes are registered (or found)
// before it starts, and every record sent through `kafka` carries its schema id header.
const contracts = new ProducerContracts({
  url: cfg.SCHEMA_REGISTRY_URL,
  produced: producedContracts(cfg, [topicContract('EnrichedOrderItem'), topicContract('DeadLetter')]),
  component: COMPONENT,
  log,
  onIncompatible: refuseToStart(log),
});
const kafka = withContractHeaders(createKafkaClient({ brokers: cfg.KAFKA_BROKERS, clientId: cfg.KAFKA_CLIENT_ID, log }), contracts);

const enricher = new Enricher(kafka, cfg, log, metrics, (err) => {
  log.fatal({ err }, 'enricher cannot go on: fenced again and again on an orders partition the group gives it, so another process writes with its transactional ids (a second deployment with the same ENRICHER_GROUP_ID and orders topic?); exiting');
  process.exit(1);
});

const app = opsRoutes(registry, [
  { name: 'schema-registry', check: () => contracts.registered },
  { name: 'products-cache', check: () => enricher.productsCacheLoaded },
  { name: 'orders-consumer', check: () => enricher.consuming },
  { name: 'progress', check: () => enricher.progressing },
]);
app.notFound(notFoundAsJson({ hint: 'the enricher serves /healthz, /readyz and /metrics' }));
const server = await listen(app, cfg.ENRICHER_HTTP_PORT, cfg.ENRICHER_HTTP_HOST, log);

onShutdown(log, async () => {
  contracts.stop();
  await closeServer(server);
  await enricher.stop();
});

log.info({ instance: cfg.ENRICHER_INSTANCE_ID, group: cfg.ENRICHER_GROUP_ID, brokers: cfg.KAFKA_BROKERS }, 'enricher starting');
try {
  await contracts.untilRegistered();
  await enricher.start();
  log.info('enricher running');
} catch (err) {
  log.fatal({ err }, `enricher failed to start (Kafka at ${cfg.KAFKA_BROKERS.join(',')}; npm run stack:status shows the stack)`);
  process.exit(1);
}
