// The enricher's process: its stream-service start-up (config, contracts, ops routes, shutdown) around the Enricher.
import { runStreamService } from '@pizzashop/common';
import { enricherEnvSchema } from './config.js';
import { COMPONENT, Enricher } from './enricher.js';
import { createEnricherMetrics } from './metrics.js';

// Schema registry hook: the contracts of the topics the enricher writes are registered (or found)
// before it starts, and every record sent through `kafka` carries its schema id header.
await runStreamService({
  component: COMPONENT,
  envSchema: enricherEnvSchema,
  produces: ['EnrichedOrderItem', 'DeadLetter'],
  listenOn: (cfg) => ({ port: cfg.ENRICHER_HTTP_PORT, host: cfg.ENRICHER_HTTP_HOST }),
  create: ({ kafka, cfg, log, registry }) =>
    new Enricher(kafka, cfg, log, createEnricherMetrics(registry), (err) => {
      log.fatal({ err }, 'enricher cannot go on: fenced again and again on an orders partition the group gives it, so another process writes with its transactional ids (a second deployment with the same ENRICHER_GROUP_ID and orders topic?); exiting');
      process.exit(1);
    }),
  checks: (enricher) => [
    { name: 'products-cache', check: () => enricher.productsCacheLoaded },
    { name: 'orders-consumer', check: () => enricher.consuming },
    { name: 'progress', check: () => enricher.progressing },
  ],
  notFoundHint: 'the enricher serves /healthz, /readyz and /metrics',
  startingFields: (cfg) => ({ instance: cfg.ENRICHER_INSTANCE_ID, group: cfg.ENRICHER_GROUP_ID, brokers: cfg.KAFKA_BROKERS }),
});
