// pizzashop-api's Prometheus metrics: request latency per route, Pinot queries, cache lookups and
// stream subscribers.
import type { CacheLookup, PinotQueryEvent } from '@pizzashop/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Label children looked up by two keys without building a label object or a string per call: the
 * request path's hot metrics are observed thousands of times a second.
 */
function children<C>(make: (a: string, b: string) => C): (a: string, b: string) => C {
  const byA = new Map<string, Map<string, C>>();
  return (a, b) => {
    let byB = byA.get(a);
    if (!byB) byA.set(a, (byB = new Map()));
    let child = byB.get(b);
    if (!child) byB.set(b, (child = make(a, b)));
    return child;
  };
}

/** The API's Prometheus series, registered on the service registry. */
export function createApiMetrics(registry: Registry) {
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const pinotDuration = new Histogram({
    name: 'pinot_query_duration_seconds',
    help: 'Pinot query round trip as seen by the API, by query name and outcome',
    labelNames: ['query', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const pinotTimeUsed = new Histogram({
    name: 'pinot_query_time_used_seconds',
    help: 'Time Pinot reported spending on the query (timeUsedMs), by query name',
    labelNames: ['query'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const pinotErrors = new Counter({
    name: 'pinot_query_errors_total',
    help: 'Failed Pinot queries by query name and kind (query_error -> 502, unavailable -> 503)',
    labelNames: ['query', 'kind'],
    registers: [registry],
  });
  const queryCacheLookups = new Counter({
    name: 'pinot_query_cache_lookups_total',
    help: 'Shared-query cache lookups (order details): hit (fresh stored result), stale (expired result served while one call renews it), shared (joined an in-flight call), miss (waited for Pinot)',
    labelNames: ['query', 'result'],
    registers: [registry],
  });
  const viewCacheLookups = new Counter({
    name: 'response_cache_lookups_total',
    help: 'Cached answers of overview, popular and ordersPerMinute (REST and stream): hit, stale (served while one load renews it), shared (joined an in-flight load), miss (waited for Pinot)',
    labelNames: ['view', 'result'],
    registers: [registry],
  });
  const streamSubscribers = new Gauge({ name: 'sse_subscribers', help: 'Open /orders/stream connections', registers: [registry] });
  const streamChannels = new Gauge({ name: 'sse_channels', help: 'Stream channels (parameter sets) ticking', registers: [registry] });
  const streamEvictions = new Counter({
    name: 'sse_evictions_total',
    help: 'Stream subscribers disconnected because they stopped reading (a write pending longer than STREAM_STALL_MS)',
    registers: [registry],
  });
  const requestTimer = children((route, status) => httpDuration.labels('GET', route, status));
  const viewLookup = children((view, result) => viewCacheLookups.labels(view, result));
  const queryLookup = children((query, result) => queryCacheLookups.labels(query, result));

  return {
    streamSubscribers,
    streamChannels,
    streamEvictions,
    observeRequest(method: string, route: string, status: number, seconds: number) {
      if (method === 'GET') requestTimer(route, String(status)).observe(seconds);
      else httpDuration.observe({ method, route, status: String(status) }, seconds);
    },
    onPinotQuery(event: PinotQueryEvent) {
      pinotDuration.observe({ query: event.name, outcome: event.outcome }, event.durationMs / 1000);
      if (event.timeUsedMs !== undefined) pinotTimeUsed.observe({ query: event.name }, event.timeUsedMs / 1000);
      if (event.outcome !== 'ok') pinotErrors.inc({ query: event.name, kind: event.outcome });
    },
    onQueryCacheLookup(result: CacheLookup, query: string) {
      queryLookup(query, result).inc();
    },
    onViewCacheLookup(result: CacheLookup, view: string) {
      viewLookup(view, result).inc();
    },
  };
}
export type ApiMetrics = ReturnType<typeof createApiMetrics>;
