import type { ServerType } from '@hono/node-server';
import { closeServer, createMetricsRegistry, listen, PinotClient, SharedQueryCache, type Logger } from '@pizzashop/common';
import type { Dispatcher } from 'undici';
import pkg from '../package.json' with { type: 'json' };
import { OrdersAnalytics } from './analytics.js';
import { pinotTables } from './queries.js';
import { createApi, type Api } from './app.js';
import type { ApiConfig } from './config.js';
import { createApiMetrics } from './metrics.js';
import type { Snapshot } from './schemas.js';
import { SnapshotHub } from './stream.js';

export interface ApiService extends Api {
  pinot: PinotClient;
  cache: SharedQueryCache;
  /** Starts listening on API_HOST:API_PORT. */
  start(): Promise<ServerType>;
  /** Ends SSE streams, stops the HTTP server and closes Pinot connections. */
  stop(): Promise<void>;
}

export interface ApiServiceOptions {
  /** undici dispatcher for Pinot (tests pass a MockAgent). */
  pinotDispatcher?: Dispatcher;
  clock?: () => number;
}

/** Wires config, Pinot client, shared-query cache, metrics, SSE hub and routes into one service. */
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
  const cache = new SharedQueryCache(pinot, { ttlMs: config.QUERY_CACHE_TTL_MS, onLookup: metrics.onCacheLookup });
  const tables = pinotTables(config);
  const analytics = new OrdersAnalytics(cache, tables, options.clock);
  const streamAnalytics = new OrdersAnalytics(pinot, tables, options.clock);
  const hub = new SnapshotHub<Snapshot>(config.STREAM_INTERVAL_MS, log);
  const api = createApi({
    analytics,
    streamAnalytics,
    pinotReachable: () => pinot.ping(),
    registry,
    metrics,
    hub,
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
      server = await listen(api.app, config.API_PORT, config.API_HOST, log);
      return server;
    },
    async stop() {
      api.closeStreams();
      if (server) await closeServer(server);
      await pinot.close();
    },
  };
}
