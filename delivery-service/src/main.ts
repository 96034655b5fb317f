// The delivery service's process: its stream-service start-up (config, contracts, ops routes, shutdown) around DeliveryService.
import { runStreamService } from '@pizzashop/common';
import { deliveryEnvSchema } from './config.js';
import { COMPONENT, DeliveryService } from './delivery-service.js';
import { createDeliveryMetrics } from './metrics.js';

await runStreamService({
  component: COMPONENT,
  envSchema: deliveryEnvSchema,
  produces: ['OrderStatus', 'DeliveryStatus', 'DeadLetter'],
  listenOn: (cfg) => ({ port: cfg.DELIVERY_HTTP_PORT, host: cfg.DELIVERY_HTTP_HOST }),
  create: ({ kafka, cfg, log, registry }) => new DeliveryService(kafka, cfg, log, createDeliveryMetrics(registry)),
  checks: (service) => [
    { name: 'state', check: () => service.stateLoaded },
    { name: 'orders-consumer', check: () => service.consuming },
  ],
  notFoundHint: 'the delivery service serves /healthz, /readyz and /metrics',
  startingFields: (cfg) => ({ speedup: cfg.DELIVERY_SPEEDUP, shop: cfg.SHOP_LOCATION, brokers: cfg.KAFKA_BROKERS }),
  runningFields: (service) => ({ inFlight: service.inFlightCount }),
});
