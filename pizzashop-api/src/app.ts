// The pizzashop-api Hono app: its routes, SSE streams, error mapping, CORS and access log.
import { opsRoutes, type Logger } from '@pizzashop/common';
import { Hono, type Context } from 'hono';
import { routePath } from 'hono/route';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { Registry } from 'prom-client';
import type { AlertsView } from './alerts-view.js';
import type { OrdersAnalytics } from './analytics.js';
import type { OrderTracking } from './tracking.js';
import { renderDocsPage } from './docs-page.js';
import { BadRequestError, mapError, NotFoundError, TooManyStreamsError } from './errors.js';
import { HttpHeaders, rawQuery, requestHeader, requestIdOf } from './http-headers.js';
import type { ApiMetrics } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import { QueryInput } from './query-input.js';
import type { Rendered } from './rendered.js';
import {
  activeDeliveriesQuerySchema,
  activeDeliveriesResponseSchema,
  statusTimesQuerySchema,
  statusTimesResponseSchema,
  stuckOrdersResponseSchema,
  stuckQuerySchema,
  type OrderDetail,
  alertsQuerySchema,
  alertsResponseSchema,
  orderDetailResponseSchema,
  orderIdParamSchema,
  ordersPerMinuteQuerySchema,
  overviewQuerySchema,
  popularQuerySchema,
  streamQuerySchema,
} from '@pizzashop/common/api-contracts';
import type { HubEvent, SnapshotHub } from './stream.js';
import type { ApiViews, Lookup } from './views.js';

export interface ApiDependencies {
  /** Read model for the order detail (through the shared-query cache). */
  analytics: OrdersAnalytics;
  /** Read model of the order lifecycle (statuses, courier positions), through the shared-query cache. */
  tracking: OrderTracking;
  /** Cached, pre-serialised answers of overview, popular and ordersPerMinute, shared by REST and the stream. */
  views: ApiViews;
  /** The alerts service's alerts as Pinot holds them (GET /alerts, the stream's `alerts` events). */
  alerts: AlertsView;
  /** True when a Pinot broker answers; backs /readyz. */
  pinotReachable: () => Promise<boolean>;
  registry: Registry;
  metrics: ApiMetrics;
  /** Fan-out of stream snapshots; each snapshot is the Snapshot JSON text. */
  hub: SnapshotHub<string>;
  /** How often an order stream looks for changes, and how many may be open at once. */
  orderStreamIntervalMs: number;
  orderStreamMax: number;
  /** Fan-out of the stream's alerts (one channel, outside the stream's caps: every subscriber has it). */
  alertsHub: SnapshotHub<string>;
  /** A stream subscriber whose write has been pending this long is disconnected. */
  streamStallMs: number;
  corsOrigins: string[];
  log: Logger;
  version: string;
}

export interface Api {
  app: Hono;
  /** Ends every open SSE connection (call before closing the HTTP server). */
  closeStreams(): void;
}

const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);
/** Requests slower than this are logged at info; the others at debug only (the access log is off the hot path). */
const SLOW_REQUEST_MS = 1000;


export function createApi(deps: ApiDependencies): Api {
  const { analytics, tracking, views, hub, metrics, log } = deps;
  /**
   * Two apps: `app` holds only the cached routes, so a request for one matches exactly one handler
   * and Hono answers it synchronously; everything else falls through (notFound) to `routes`, which
   * has the middleware and the other routes.
   */
  const app = new Hono();
  const routes = new Hono();
  const openApiDocument = buildOpenApiDocument(deps.version);
  const docsPage = renderDocsPage(openApiDocument);
  const streamClosers = new Set<() => void>();
  const headers = new HttpHeaders(deps.corsOrigins);
  /** Responses that already carry every header (the cached routes); the others get them added after the handler. */
  const complete = new WeakSet<Response>();
  const overviewInput = new QueryInput(overviewQuerySchema);
  const popularInput = new QueryInput(popularQuerySchema);
  const ordersPerMinuteInput = new QueryInput(ordersPerMinuteQuerySchema);
  const streamInput = new QueryInput(streamQuerySchema);
  const statusTimesInput = new QueryInput(statusTimesQuerySchema);
  const stuckInput = new QueryInput(stuckQuerySchema);
  const activeInput = new QueryInput(activeDeliveriesQuerySchema);
  let orderStreams = 0;

  /** The order with its tracking; NotFoundError when Pinot does not hold it. */
  const orderDetail = async (rawId: string): Promise<OrderDetail> => {
    const parsed = orderIdParamSchema.safeParse({ id: rawId });
    if (!parsed.success) throw BadRequestError.fromZod(parsed.error);
    const { id } = parsed.data;
    // One round trip: the tracking rows need only the id, so they are read beside the order.
    const [order, rows] = await Promise.all([analytics.order(id), tracking.read(id)]);
    if (!order) throw new NotFoundError(`no order with id ${id}`);
    return orderDetailResponseSchema.parse({ ...order, tracking: tracking.describe(rows, { lat: order.deliveryLat, lon: order.deliveryLon }) });
  };
  const alertsInput = new QueryInput(alertsQuerySchema);
  /** The stream's alerts: open and latest closed ones, one shared channel for every subscriber. */
  const streamAlerts = async () => JSON.stringify(alertsResponseSchema.parse({ alerts: await deps.alerts.list({ status: 'all', limit: 20 }) }));

  /** Metrics for every request, and the access log: at debug, or at info when slower than SLOW_REQUEST_MS. */
  const observe = (c: Context, route: string, status: number, started: number) => {
    const durationMs = performance.now() - started;
    metrics.observeRequest(c.req.method, route, status, durationMs / 1000);
    const slow = durationMs >= SLOW_REQUEST_MS && !QUIET_ROUTES.has(route);
    if (!slow && !log.isLevelEnabled('debug')) return;
    const entry = { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, route, status, durationMs: Math.round(durationMs * 10) / 10 };
    if (slow) log.info(entry, 'slow request');
    else log.debug(entry, 'request');
  };

  /** Every error answer goes through here: mapError's body with every header, and the internals in the log. */
  const errorResponse = (err: Error, c: Context) => {
    const requestId = c.get('requestId') ?? requestIdOf(c);
    c.set('requestId', requestId);
    const mapped = mapError(err, requestId);
    if (mapped.log === 'error') log.error({ err, requestId, path: c.req.path }, 'request failed');
    else if (mapped.log === 'warn') log.warn({ requestId, path: c.req.path, err }, 'upstream failure');
    const h = headers.forResponse(requestHeader(c, 'origin'), requestId);
    h['content-type'] = 'application/json';
    const res = new Response(JSON.stringify(mapped.body), { status: mapped.status, headers: h });
    complete.add(res);
    return res;
  };

  /** Sends a cached answer as its bytes, or 304 (no body, no type) when the client holds this ETag. */
  const sendRendered = (c: Context, rendered: Rendered): Response => {
    const h = headers.forCachedJson(requestHeader(c, 'origin'), requestHeader(c, 'x-request-id'), rendered.etag);
    let res: Response;
    if (requestHeader(c, 'if-none-match') === rendered.etag) {
      delete h['content-type'];
      res = new Response(null, { status: 304, headers: h });
    } else res = new Response(rendered.body, { status: 200, headers: h });
    complete.add(res);
    return res;
  };

  /**
   * A route answered from the response cache. It does the middleware's work itself (headers,
   * metrics, errors), so a cached answer costs no middleware chain, no request id and, when ready,
   * not even a promise. Errors get a request id as usual.
   */
  const cachedRoute = (route: string, lookup: (c: Context) => Lookup<Rendered>) => (c: Context) => {
    const started = performance.now();
    let res: Response;
    try {
      const found = lookup(c);
      if (found instanceof Promise) {
        return found.then(
          (rendered) => finish(c, route, started, sendRendered(c, rendered)),
          (err: Error) => finish(c, route, started, errorResponse(err, c)),
        );
      }
      res = sendRendered(c, found);
    } catch (err) {
      res = errorResponse(err as Error, c);
    }
    return finish(c, route, started, res);
  };
  const finish = (c: Context, route: string, started: number, res: Response) => {
    observe(c, route, res.status, started);
    return res;
  };

  app.get('/orders/overview', cachedRoute('/orders/overview', (c) => views.overview(overviewInput.parse(rawQuery(c)))));
  app.get('/orders/popular', cachedRoute('/orders/popular', (c) => views.popular(popularInput.parse(rawQuery(c)))));
  app.get('/orders/ordersPerMinute', cachedRoute('/orders/ordersPerMinute', (c) => views.ordersPerMinute(ordersPerMinuteInput.parse(rawQuery(c)))));

  routes.use(async (c, next) => {
    const started = performance.now();
    const requestId = requestIdOf(c);
    c.set('requestId', requestId);
    if (c.req.method === 'OPTIONS') {
      return headers.preflight(requestHeader(c, 'origin'), requestHeader(c, 'access-control-request-headers'), requestId);
    }
    await next();
    const res = c.res;
    if (!complete.has(res)) {
      const page = res.headers.get('content-type')?.startsWith('text/html') ?? false;
      for (const [name, value] of Object.entries(headers.forResponse(requestHeader(c, 'origin'), requestId, page))) res.headers.set(name, value);
    }
    const matched = routePath(c);
    observe(c, matched === '*' || matched === '/*' || matched === '' ? 'unmatched' : matched, res.status, started);
  });

  app.onError(errorResponse);
  app.notFound((c) => routes.fetch(c.req.raw, c.env));
  routes.onError(errorResponse);
  routes.notFound((c) => errorResponse(new NotFoundError(`no route ${c.req.method} ${c.req.path}; the API is documented at /docs`), c));

  routes.get('/orders/stream', (c) => {
    const query = streamInput.parse(rawQuery(c));
    const requestId = c.get('requestId');
    let sse: SSEStreamingApi | undefined;
    /** An event that arrived before the stream was open (the channel's current snapshot); sent first. */
    let early: HubEvent<string> | undefined;
    let writing = false;
    /** The alerts JSON last handed to this subscriber: an `alerts` event goes out only when it changes. */
    let alertsSent: string | undefined;
    let earlyAlerts: string | undefined;
    let lastWrite = performance.now();
    let close = () => {};
    const closed = new Promise<void>((resolve) => {
      close = resolve;
    });
    const evict = () => {
      metrics.streamEvictions.inc();
      log.info({ requestId, stalledMs: Math.round(performance.now() - lastWrite) }, 'stream subscriber stopped reading; disconnected');
      (c.env as { outgoing?: { destroy(): void } } | undefined)?.outgoing?.destroy();
      sse?.abort();
      close();
    };
    /**
     * Frames waiting for the write in progress: the newest snapshot (or failure) and the newest
     * alerts, written one at a time; an older one still waiting is replaced, not queued behind.
     */
    const waiting: { snapshot?: string; alerts?: string } = {};
    const flush = () => {
      if (!sse || sse.closed || sse.aborted || writing) return;
      const kind = waiting.snapshot !== undefined ? 'snapshot' : waiting.alerts !== undefined ? 'alerts' : undefined;
      if (!kind) return;
      const frame = waiting[kind]!;
      delete waiting[kind];
      writing = true;
      void sse.write(frame).finally(() => {
        writing = false;
        lastWrite = performance.now();
        flush();
      });
    };
    const enqueue = (kind: 'snapshot' | 'alerts', frame: string) => {
      if (writing && performance.now() - lastWrite > deps.streamStallMs) {
        evict();
        return;
      }
      waiting[kind] = frame;
      flush();
    };
    const send = (event: HubEvent<string>) => {
      if (!sse) {
        early = event;
        return;
      }
      enqueue('snapshot', event.kind === 'snapshot' ? `event: snapshot\ndata: ${event.data}\n\n` : `event: failure\ndata: ${JSON.stringify(mapError(event.error, requestId).body)}\n\n`);
    };
    /** An `alerts` event when the alerts differ from the last ones handed to this subscriber (failures are the snapshot channel's to report). */
    const sendAlerts = (event: HubEvent<string>) => {
      if (event.kind !== 'snapshot' || event.data === alertsSent) return;
      alertsSent = event.data;
      if (!sse) earlyAlerts = event.data;
      else enqueue('alerts', `event: alerts\ndata: ${event.data}\n\n`);
    };
    const unsubscribe = hub.subscribe(`${query.window}|${query.limit}|${query.minutes}`, () => views.snapshot(query), send);
    const unsubscribeAlerts = deps.alertsHub.subscribe('alerts', streamAlerts, sendAlerts);
    metrics.streamSubscribers.set(hub.subscriberCount);
    metrics.streamChannels.set(hub.channelCount);
    return streamSSE(c, async (stream) => {
      sse = stream;
      streamClosers.add(close);
      stream.onAbort(close);
      try {
        await stream.write(': connected\n\n');
        if (early) send(early);
        if (earlyAlerts !== undefined) enqueue('alerts', `event: alerts\ndata: ${earlyAlerts}\n\n`);
        await closed;
      } finally {
        streamClosers.delete(close);
        unsubscribe();
        unsubscribeAlerts();
        metrics.streamSubscribers.set(hub.subscriberCount);
        metrics.streamChannels.set(hub.channelCount);
      }
    });
  });

  routes.get('/alerts', async (c) => {
    const query = alertsInput.parse(rawQuery(c));
    return c.json(alertsResponseSchema.parse({ alerts: await deps.alerts.list(query) }));
  });

  routes.get('/orders/statuses', async (c) => c.json(statusTimesResponseSchema.parse(await tracking.statusTimes(statusTimesInput.parse(rawQuery(c))))));
  routes.get('/orders/stuck', async (c) => c.json(stuckOrdersResponseSchema.parse(await tracking.stuck(stuckInput.parse(rawQuery(c))))));
  routes.get('/deliveries/active', async (c) => c.json(activeDeliveriesResponseSchema.parse(await tracking.activeDeliveries(activeInput.parse(rawQuery(c))))));

  routes.get('/orders/:id', async (c) => c.json(await orderDetail(c.req.param('id'))));

  /** SSE of one order: an `order` event (OrderDetail) at connection and whenever it changes, `failure` events while Pinot fails. */
  routes.get('/orders/:id/stream', async (c) => {
    const first = await orderDetail(c.req.param('id'));
    if (orderStreams >= deps.orderStreamMax) throw new TooManyStreamsError(`this API serves at most ${deps.orderStreamMax} order streams at once (ORDER_STREAM_MAX); retry later`);
    const requestId = c.get('requestId');
    orderStreams++;
    return streamSSE(c, async (stream) => {
      let close = () => {};
      const closed = new Promise<void>((resolve) => (close = resolve));
      streamClosers.add(close);
      stream.onAbort(close);
      let last = JSON.stringify(first);
      const timer = setInterval(() => {
        orderDetail(first.id).then(
          (detail) => {
            const text = JSON.stringify(detail);
            if (text === last) return;
            last = text;
            void stream.write(`event: order\ndata: ${text}\n\n`);
          },
          (err: unknown) => void stream.write(`event: failure\ndata: ${JSON.stringify(mapError(err, requestId).body)}\n\n`),
        );
      }, deps.orderStreamIntervalMs);
      try {
        await stream.write(`event: order\ndata: ${last}\n\n`);
        await closed;
      } finally {
        clearInterval(timer);
        streamClosers.delete(close);
        orderStreams--;
      }
    });
  });

  routes.get('/openapi.json', (c) => c.json(openApiDocument));
  routes.get('/docs', (c) => c.html(docsPage));
  routes.route('/', opsRoutes(deps.registry, [{ name: 'pinot-broker', check: deps.pinotReachable }]));

  return {
    app,
    closeStreams() {
      for (const close of streamClosers) close();
      streamClosers.clear();
      hub.close();
      deps.alertsHub.close();
    },
  };
}
