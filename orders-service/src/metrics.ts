import { Counter, Gauge, type Registry } from 'prom-client';

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
    httpOrderDuplicates: new Counter({
      name: 'orders_http_duplicates_total',
      help: 'POST /orders requests answered from an earlier send of the same order id, by whether that send was in flight or acknowledged',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    catalogueProducts: new Gauge({
      name: 'orders_catalogue_products',
      help: 'Products the simulator currently orders from',
      registers: [registry],
    }),
  };
}
