import { opsRoutes, type Logger } from '@pizzashop/common';
import { Hono, type Context } from 'hono';
import { routePath } from 'hono/route';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import type { OrdersAnalytics } from './analytics.js';
import { renderDocsPage } from './docs-page.js';
import { BadRequestError, mapError, NotFoundError } from './errors.js';
import { HttpHeaders, requestHeader, requestIdOf } from './http-headers.js';
import type { ApiMetrics } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import type { Rendered } from './rendered.js';
import {
  orderDetailResponseSchema,
  orderIdParamSchema,
  ordersPerMinuteQuerySchema,
  overviewQuerySchema,
  popularQuerySchema,
  streamQuerySchema,
} from './schemas.js';
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

/** Parses request input with its zod schema; failures become 400 with zod's message. */
function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw BadRequestError.fromZod(parsed.error);
  return parsed.data;
}

export function createApi(deps: ApiDependencies): Api {
  const { analytics, views, hub, metrics, log } = deps;
  const app = new Hono();
  const openApiDocument = buildOpenApiDocument(deps.version);
  const docsPage = renderDocsPage(openApiDocument);
  const streamClosers = new Set<() => void>();
  const headers = new HttpHeaders(deps.corsOrigins);
  /** Responses that already carry every header (the cached routes); the others get them added after the handler. */
  const complete = new WeakSet<Response>();

  /** Sends a cached answer as its bytes, or 304 when the client holds this ETag. */
  const sendRendered = (c: Context, rendered: Rendered): Response => {
    const h = headers.forResponse(requestHeader(c, 'origin'), c.get('requestId'));
    h.etag = rendered.etag;
    h['cache-control'] = 'no-cache';
    let res: Response;
    if (requestHeader(c, 'if-none-match') === rendered.etag) res = new Response(null, { status: 304, headers: h });
    else {
      h['content-type'] = 'application/json';
      res = new Response(rendered.body, { status: 200, headers: h });
    }
    complete.add(res);
    return res;
  };
  const reply = (c: Context, lookup: Lookup<Rendered>): Response | Promise<Response> =>
    lookup instanceof Promise ? lookup.then((rendered) => sendRendered(c, rendered)) : sendRendered(c, lookup);

  app.use(async (c, next) => {
    const started = performance.now();
    const requestId = requestIdOf(c);
    c.set('requestId', requestId);
    if (c.req.method === 'OPTIONS') {
      return headers.preflight(requestHeader(c, 'origin'), requestHeader(c, 'access-control-request-headers'), requestId);
    }
    await next();
    const res = c.res;
    if (!complete.has(res)) {
      for (const [name, value] of Object.entries(headers.forResponse(requestHeader(c, 'origin'), requestId))) res.headers.set(name, value);
    }
    const durationMs = performance.now() - started;
    const matched = routePath(c);
    const route = matched === '*' || matched === '/*' || matched === '' ? 'unmatched' : matched;
    metrics.observeRequest(c.req.method, route, res.status, durationMs / 1000);
    const quiet = QUIET_ROUTES.has(route);
    if (durationMs >= SLOW_REQUEST_MS && !quiet) log.info({ requestId, method: c.req.method, path: c.req.path, route, status: res.status, durationMs: Math.round(durationMs) }, 'slow request');
    else if (log.isLevelEnabled('debug')) log.debug({ requestId, method: c.req.method, path: c.req.path, route, status: res.status, durationMs: Math.round(durationMs * 10) / 10 }, 'request');
  });

  /** Every error answer goes through here: mapError's body, and the internals in the log. */
  const errorResponse = (err: Error, c: Context) => {
    const requestId = c.get('requestId');
    const mapped = mapError(err, requestId);
    if (mapped.log === 'error') log.error({ err, requestId, path: c.req.path }, 'request failed');
    else if (mapped.log === 'warn') log.warn({ requestId, path: c.req.path, error: err.message }, 'upstream failure');
    return c.json(mapped.body, mapped.status);
  };
  app.onError(errorResponse);
  app.notFound((c) => errorResponse(new NotFoundError(`no route ${c.req.method} ${c.req.path}; the API is documented at /docs`), c));

  app.get('/orders/overview', (c) => reply(c, views.overview(parseInput(overviewQuerySchema, c.req.query()))));
  app.get('/orders/popular', (c) => reply(c, views.popular(parseInput(popularQuerySchema, c.req.query()))));
  app.get('/orders/ordersPerMinute', (c) => reply(c, views.ordersPerMinute(parseInput(ordersPerMinuteQuerySchema, c.req.query()))));

  app.get('/orders/stream', (c) => {
    const query = parseInput(streamQuerySchema, c.req.query());
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

  app.get('/orders/:id', async (c) => {
    const { id } = parseInput(orderIdParamSchema, { id: c.req.param('id') });
    const order = await analytics.order(id);
    if (!order) throw new NotFoundError(`no order with id ${id}`);
    return c.json(orderDetailResponseSchema.parse(order));
  });

  app.get('/openapi.json', (c) => c.json(openApiDocument));
  app.get('/docs', (c) => c.html(docsPage));
  app.route('/', opsRoutes(deps.registry, [{ name: 'pinot-broker', check: deps.pinotReachable }]));

  return {
    app,
    closeStreams() {
      for (const close of streamClosers) close();
      streamClosers.clear();
      hub.close();
    },
  };
}
