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
import { deliveryEnvSchema } from './config.js';
import { COMPONENT, DeliveryService } from './delivery-service.js';
import { createDeliveryMetrics } from './metrics.js';

const log = createLogger(COMPONENT);
const cfg = loadConfig(deliveryEnvSchema, process.env, COMPONENT);
const registry = createMetricsRegistry(COMPONENT);
const contracts = new ProducerContracts({
  url: cfg.SCHEMA_REGISTRY_URL,
  produced: producedContracts(cfg, [topicContract('OrderStatus'), topicContract('DeliveryStatus'), topicContract('DeadLetter')]),
  component: COMPONENT,
  log,
  onIncompatible: refuseToStart(log),
});
const kafka = withContractHeaders(createKafkaClient({ brokers: cfg.KAFKA_BROKERS, clientId: cfg.KAFKA_CLIENT_ID, log }), contracts);
const service = new DeliveryService(kafka, cfg, log, createDeliveryMetrics(registry));

const app = opsRoutes(registry, [
  { name: 'schema-registry', check: () => contracts.registered },
  { name: 'state', check: () => service.stateLoaded },
  { name: 'orders-consumer', check: () => service.consuming },
]);
app.notFound(notFoundAsJson({ hint: 'the delivery service serves /healthz, /readyz and /metrics' }));
const server = await listen(app, cfg.DELIVERY_HTTP_PORT, cfg.DELIVERY_HTTP_HOST, log);

onShutdown(log, async () => {
  contracts.stop();
  await closeServer(server);
  await service.stop();
});

log.info({ speedup: cfg.DELIVERY_SPEEDUP, shop: cfg.SHOP_LOCATION, brokers: cfg.KAFKA_BROKERS }, 'delivery-service starting');
try {
  await contracts.untilRegistered();
  await service.start();
  log.info({ inFlight: service.inFlightCount }, 'delivery-service running');
} catch (err) {
  log.fatal({ err }, `delivery-service failed to start (Kafka at ${cfg.KAFKA_BROKERS.join(',')}; npm run stack:status shows the stack)`);
  process.exit(1);
}
