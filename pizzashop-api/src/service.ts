// Builds pizzashop-api from its config (Pinot client, query cache, metrics, SSE hub, routes) and
// starts and stops its HTTP server.
import type { ServerType } from '@hono/node-server';
import { closeServer, createMetricsRegistry, listen, PinotClient, SharedQueryCache, type Logger } from '@pizzashop/common';
import type { Dispatcher } from 'undici';
import pkg from '../package.json' with { type: 'json' };
import { AlertsView } from './alerts-view.js';
import { OrdersAnalytics } from './analytics.js';
import { OrderTracking } from './tracking.js';
import { trackingTables } from './tracking-queries.js';
import { pinotTables } from './queries.js';
import { createApi, type Api } from './app.js';
import type { ApiConfig } from './config.js';
import { createApiMetrics } from './metrics.js';
import { SnapshotHub } from './stream.js';
import { ApiViews } from './views.js';

export interface ApiService extends Api {
  pinot: PinotClient;
  cache: SharedQueryCache;
  /** Starts listening on API_HTTP_HOST:API_HTTP_PORT. */
  start(): Promise<ServerType>;
  /** Ends SSE streams, stops the HTTP server and closes Pinot connections. */
  stop(): Promise<void>;
}

export interface ApiServiceOptions {
  /** undici dispatcher for Pinot (tests pass a MockAgent). */
  pinotDispatcher?: Dispatcher;
  clock?: () => number;
}

/** Wires config, Pinot client, caches (query results, rendered answers), metrics, SSE hub and routes into one service. */
export function createApiService(config: ApiConfig, log: Logger, options: ApiServiceOptions = {}): ApiService {
  const registry = createMetricsRegistry('pizzashop-api');
  const metrics = createApiMetrics(registry);
  const pinot = new PinotClient({
    brokerUrls: config.PINOT_BROKER_URLS,
    timeoutMs: config.PINOT_QUERY_TIMEOUT_MS,
    connectionsPerBroker: config.PINOT_CONNECTIONS_PER_BROKER,
    onQuery: metrics.onPinotQuery,
    ...(options.pinotDispatcher ? { dispatcher: options.pinotDispatcher } : {}),
  });
  const cache = new SharedQueryCache(pinot, { ttlMs: config.QUERY_CACHE_TTL_MS, onLookup: metrics.onQueryCacheLookup });
  const orderCache = new SharedQueryCache(pinot, { ttlMs: config.ORDER_CACHE_TTL_MS, staleWhileRevalidateMs: 0, onLookup: metrics.onQueryCacheLookup });
  const tables = pinotTables(config);
  const analytics = new OrdersAnalytics(orderCache, tables, options.clock);
  const views = new ApiViews(new OrdersAnalytics(pinot, tables, options.clock), { ttlMs: config.QUERY_CACHE_TTL_MS, onLookup: metrics.onViewCacheLookup }, options.clock);
  const hub = new SnapshotHub<string>(config.STREAM_INTERVAL_MS, log, { maxChannels: config.STREAM_MAX_CHANNELS, maxSubscribers: config.STREAM_MAX_SUBSCRIBERS });
  const api = createApi({
    analytics,
    tracking: new OrderTracking(orderCache, trackingTables(config), config.SHOP_LOCATION, options.clock),
    orderStreamIntervalMs: config.STREAM_INTERVAL_MS,
    orderStreamMax: config.ORDER_STREAM_MAX,
    views,
    alerts: new AlertsView(cache, config.PINOT_ALERTS_TABLE),
    streamStallMs: config.STREAM_STALL_MS,
    pinotReachable: () => pinot.ping(),
    registry,
    metrics,
    hub,
    alertsHub: new SnapshotHub<string>(config.STREAM_INTERVAL_MS, log),
    corsOrigins: config.CORS_ORIGINS,
    log,
    version: pkg.version,
  });
  let server: ServerType | undefined;
  return {
    ...api,
    pinot,
    cache,
    async start() {
      server = await listen(api.app, config.API_HTTP_PORT, config.API_HTTP_HOST, log);
      return server;
    },
    async stop() {
      api.closeStreams();
      if (server) await closeServer(server);
      await pinot.close();
    },
  };
}
