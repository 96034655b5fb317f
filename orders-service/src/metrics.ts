// orders-service's Prometheus metrics: orders produced, refused and deduplicated, HTTP latency,
// produce batches, Kafka reachability, catalogue size and simulator skips.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type OrdersServiceMetrics = ReturnType<typeof createOrdersServiceMetrics>;

export function createOrdersServiceMetrics(registry: Registry) {
  return {
    ordersProduced: new Counter({
      name: 'orders_produced_total',
      help: 'Orders acknowledged by Kafka, by source (simulator or http)',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    httpOrdersRejected: new Counter({
      name: 'orders_http_rejected_total',
      help: 'POST /orders requests not accepted, by HTTP status',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    httpOrderSeconds: new Histogram({
      name: 'orders_http_order_seconds',
      help: 'Time from a POST /orders body being read to its answer, by HTTP status (a 503 should take no time: nothing is waited for)',
      labelNames: ['status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    httpOrderDuplicates: new Counter({
      name: 'orders_http_duplicates_total',
      help: 'POST /orders requests answered from an earlier send of the same order id, by whether that send was in flight or acknowledged',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    httpOrdersInFlight: new Gauge({
      name: 'orders_http_in_flight',
      help: 'Orders accepted by POST /orders and not yet acknowledged by Kafka (queued or in the produce request in flight)',
      registers: [registry],
    }),
    produceBatchOrders: new Histogram({
      name: 'orders_http_produce_batch_orders',
      help: 'Orders per produce request of POST /orders (micro-batches of concurrent requests)',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers: [registry],
    }),
    kafkaReachable: new Gauge({
      name: 'orders_kafka_reachable',
      help: '1 while the broker check finds a leader for every orders partition, else 0',
      registers: [registry],
    }),
    catalogueProducts: new Gauge({
      name: 'orders_catalogue_products',
      help: 'Products in the catalogue orders are priced from',
      registers: [registry],
    }),
    catalogueUsers: new Gauge({
      name: 'orders_catalogue_users',
      help: 'Users orders may be placed for',
      registers: [registry],
    }),
    simulatorSkipped: new Counter({
      name: 'orders_simulator_skipped_total',
      help: 'Simulated orders not generated because they fell due while Kafka was unavailable (no burst after an outage)',
      registers: [registry],
    }),
  };
}
