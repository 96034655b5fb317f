import { opsRoutes, type Logger } from '@pizzashop/common';
import { Hono, type Context } from 'hono';
import { routePath } from 'hono/route';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { Registry } from 'prom-client';
import type { OrdersAnalytics } from './analytics.js';
import { renderDocsPage } from './docs-page.js';
import { BadRequestError, mapError, NotFoundError } from './errors.js';
import { HttpHeaders, rawQuery, requestHeader, requestIdOf } from './http-headers.js';
import type { ApiMetrics } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import { QueryInput } from './query-input.js';
import type { Rendered } from './rendered.js';
import {
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
  /** Cached, pre-serialised answers of overview, popular and ordersPerMinute, shared by REST and the stream. */
  views: ApiViews;
  /** True when a Pinot broker answers; backs /readyz. */
  pinotReachable: () => Promise<boolean>;
  registry: Registry;
  metrics: ApiMetrics;
  /** Fan-out of stream snapshots; each snapshot is the Snapshot JSON text. */
  hub: SnapshotHub<string>;
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
  const { analytics, views, hub, metrics, log } = deps;
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
    const send = (event: HubEvent<string>) => {
      if (!sse) {
        early = event;
        return;
      }
      if (sse.closed || sse.aborted) return;
      if (writing) {
        if (performance.now() - lastWrite > deps.streamStallMs) evict();
        return;
      }
      writing = true;
      const frame = event.kind === 'snapshot' ? `event: snapshot\ndata: ${event.data}\n\n` : `event: failure\ndata: ${JSON.stringify(mapError(event.error, requestId).body)}\n\n`;
      void sse.write(frame).finally(() => {
        writing = false;
        lastWrite = performance.now();
      });
    };
    const unsubscribe = hub.subscribe(`${query.window}|${query.limit}|${query.minutes}`, () => views.snapshot(query), send);
    metrics.streamSubscribers.set(hub.subscriberCount);
    metrics.streamChannels.set(hub.channelCount);
    return streamSSE(c, async (stream) => {
      sse = stream;
      streamClosers.add(close);
      stream.onAbort(close);
      try {
        await stream.write(': connected\n\n');
        if (early) send(early);
        await closed;
      } finally {
        streamClosers.delete(close);
        unsubscribe();
        metrics.streamSubscribers.set(hub.subscriberCount);
        metrics.streamChannels.set(hub.channelCount);
      }
    });
  });

  routes.get('/orders/:id', async (c) => {
    const parsed = orderIdParamSchema.safeParse({ id: c.req.param('id') });
    if (!parsed.success) throw BadRequestError.fromZod(parsed.error);
    const { id } = parsed.data;
    const order = await analytics.order(id);
    if (!order) throw new NotFoundError(`no order with id ${id}`);
    return c.json(orderDetailResponseSchema.parse(order));
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
    },
  };
}
