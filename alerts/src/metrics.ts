// The alerts service's Prometheus metrics: evaluations, alerts written, alerts open, webhook attempts and owed.
import { Counter, Gauge, type Registry } from 'prom-client';

export function createAlertsMetrics(registry: Registry) {
  return {
    evaluations: new Counter({ name: 'alerts_evaluations_total', help: 'Evaluations by outcome (skipped: not enough history for a baseline)', labelNames: ['outcome'], registers: [registry] }),
    changes: new Counter({ name: 'alerts_changes_total', help: 'Alerts written, by status', labelNames: ['status'], registers: [registry] }),
    open: new Gauge({ name: 'alerts_open', help: 'Alerts open now', registers: [registry] }),
    webhook: new Counter({ name: 'alerts_webhook_attempts_total', help: 'Webhook POSTs by outcome', labelNames: ['outcome'], registers: [registry] }),
    owed: new Gauge({ name: 'alerts_webhook_owed', help: 'Alerts whose webhook delivery is still owed', registers: [registry] }),
  };
}
