// The enricher package's exports: the service, its config and metrics, and the planner and writer the kafka-clients bench reuses.
export { Enricher, COMPONENT, REASON_UNKNOWN_PRODUCT, REASON_BUFFER_FULL } from './enricher.js';
export { enricherEnvSchema, type EnricherConfig } from './config.js';
export { createEnricherMetrics } from './metrics.js';
export { REASON_MALFORMED_JSON, REASON_SCHEMA_INVALID } from './order-decoder.js';
export { waitingItemSchema, type WaitingItem } from './waiting-item.js';
export { partitionTransactionalId, TransactionalWriter } from './transactional-writer.js';
export { outputMessages, planOrders } from './batch-planner.js';
export { ProductsHistory } from './products-history.js';
