// A Prometheus registry per service, with Node process metrics and a `component` label.
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A Prometheus registry for one service, with Node process metrics and a `component` label on
 * every series. Pass it to the service's own metrics and to `opsRoutes`.
 */
export function createMetricsRegistry(component: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  collectDefaultMetrics({ register: registry });
  return registry;
}
