// delivery-service's Prometheus metrics: orders taken in, statuses and positions published, transactions and their time, commit lag.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type DeliveryMetrics = ReturnType<typeof createDeliveryMetrics>;

export function createDeliveryMetrics(registry: Registry) {
  return {
    ordersStarted: new Counter({ name: 'delivery_orders_started_total', help: 'Orders taken in (PLACED_ORDER published)', registers: [registry] }),
    ordersRedelivered: new Counter({ name: 'delivery_orders_redelivered_total', help: 'Orders read again that were already taken in (skipped)', registers: [registry] }),
    statuses: new Counter({ name: 'delivery_statuses_published_total', help: 'Status changes committed, by status', labelNames: ['status'] as const, registers: [registry] }),
    positions: new Counter({ name: 'delivery_positions_published_total', help: 'Courier positions committed', registers: [registry] }),
    deadLetters: new Counter({ name: 'delivery_dead_letters_total', help: 'Orders that could not be read, sent to the dead-letter topic', registers: [registry] }),
    transactions: new Counter({ name: 'delivery_transactions_total', help: 'Transactions committed', registers: [registry] }),
    failedTransactions: new Counter({ name: 'delivery_failed_transactions_total', help: 'Transactions not committed (retried from the same state)', registers: [registry] }),
    commitLag: new Histogram({
      name: 'delivery_status_commit_lag_seconds',
      help: "From a status change's planned time (its ts) to the commit of the transaction that publishes it",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40],
      registers: [registry],
    }),
    transactionSeconds: new Histogram({
      name: 'delivery_transaction_seconds',
      help: "A cycle's transaction, from its first send to its commit",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    inFlight: new Gauge({ name: 'delivery_orders_in_flight', help: 'Orders not yet delivered', registers: [registry] }),
  };
}
