// The enricher's Prometheus metrics: orders in, items out, dead letters, products cache, waiting items, lag, transactions.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type EnricherMetrics = ReturnType<typeof createEnricherMetrics>;

export function createEnricherMetrics(registry: Registry) {
  return {
    ordersIn: new Counter({ name: 'enricher_orders_in_total', help: 'Valid orders consumed and committed', registers: [registry] }),
    ordersRedelivered: new Counter({
      name: 'enricher_orders_redelivered_total',
      help: 'Orders read again after this instance had committed them (skipped, not enriched twice)',
      registers: [registry],
    }),
    itemsOut: new Counter({
      name: 'enricher_items_out_total',
      help: 'Enriched order items committed to the output topic',
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'enricher_dead_letters_total',
      help: 'Dead letters committed, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    productsCacheSize: new Gauge({ name: 'enricher_products_cache_size', help: 'Products in the cache', registers: [registry] }),
    productEventsInvalid: new Counter({
      name: 'enricher_product_events_invalid_total',
      help: 'Product change events that could not be applied (logged with the reason)',
      registers: [registry],
    }),
    stalledPartitions: new Gauge({
      name: 'enricher_stalled_partitions',
      help: 'Owned orders partitions with a backlog whose committed offset has not moved for ENRICHER_STALL_MS',
      registers: [registry],
    }),
    waitingItems: new Gauge({
      name: 'enricher_waiting_items',
      help: 'Order items waiting for their product on the partitions this instance owns',
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'enricher_consumer_lag',
      help: 'Messages behind the end of each orders partition, after the last batch',
      labelNames: ['partition'] as const,
      registers: [registry],
    }),
    partitions: new Gauge({
      name: 'enricher_orders_partitions',
      help: 'Orders partitions this instance has held, by phase (assigned, restoring, ready, revoked)',
      labelNames: ['phase'] as const,
      registers: [registry],
    }),
    transactionsFailed: new Counter({
      name: 'enricher_transactions_failed_total',
      help: 'Transactions that did not commit, by whether the producer was fenced (another owner opened the partition, or the coordinator aborted it)',
      labelNames: ['fenced'] as const,
      registers: [registry],
    }),
    transactionSeconds: new Histogram({
      name: 'enricher_transaction_duration_seconds',
      help: 'Time to build, send and commit one transaction, by kind',
      labelNames: ['kind'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
