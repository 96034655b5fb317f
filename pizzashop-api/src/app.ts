import { notFoundAsJson, opsRoutes, type Logger } from '@pizzashop/common';
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { routePath } from 'hono/route';
import { secureHeaders } from 'hono/secure-headers';
import { streamSSE } from 'hono/streaming';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import type { OrdersAnalytics } from './analytics.js';
import { renderDocsPage } from './docs-page.js';
import { BadRequestError, mapError } from './errors.js';
import type { ApiMetrics } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import {
  orderDetailResponseSchema,
  orderIdParamSchema,
  ordersPerMinuteQuerySchema,
  ordersPerMinuteResponseSchema,
  overviewQuerySchema,
  overviewResponseSchema,
  popularQuerySchema,
  popularResponseSchema,
  snapshotSchema,
  streamQuerySchema,
  type Snapshot,
} from './schemas.js';
import type { HubEvent, SnapshotHub } from './stream.js';

export interface ApiDependencies {
  /** Read model for the REST routes (through the shared-query cache). */
  analytics: OrdersAnalytics;
  /**
   * Read model for the SSE hub, straight to Pinot: the hub already makes one round per tick for all
   * subscribers, and a cached round would lag a tick behind.
   */
  streamAnalytics: OrdersAnalytics;
  /** True when a Pinot broker answers; backs /readyz. */
  pinotReachable: () => Promise<boolean>;
  registry: Registry;
  metrics: ApiMetrics;
  hub: SnapshotHub<Snapshot>;
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

/** Parses request input with its zod schema; failures become 400 with zod's message. */
function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw BadRequestError.fromZod(parsed.error);
  return parsed.data;
}

/** Validates the response against its schema before sending, so the documented contract holds. */
function respond<S extends z.ZodType>(c: Context, schema: S, data: z.input<S>) {
  return c.json(schema.parse(data) as object);
}

export function createApi(deps: ApiDependencies): Api {
  const { analytics, streamAnalytics, hub, metrics, log } = deps;
  const app = new Hono();
  const openApiDocument = buildOpenApiDocument(deps.version);
  const docsPage = renderDocsPage(openApiDocument);
  const streamClosers = new Set<() => void>();

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const matched = routePath(c);
    const route = matched === '*' || matched === '/*' || matched === '' ? 'unmatched' : matched;
    metrics.observeRequest(c.req.method, route, c.res.status, seconds);
    const entry = { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, route, status: c.res.status, durationMs: Math.round(seconds * 1e4) / 10 };
    if (QUIET_ROUTES.has(route)) log.debug(entry, 'request');
    else log.info(entry, 'request');
  });
  app.use(
    secureHeaders({
      contentSecurityPolicy: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], frameAncestors: ["'none'"] },
    }),
  );
  app.use(cors({ origin: deps.corsOrigins, allowMethods: ['GET', 'OPTIONS'], exposeHeaders: ['X-Request-Id'], maxAge: 600 }));

  app.onError((err, c) => {
    const mapped = mapError(err, c.get('requestId'));
    if (mapped.unexpected) log.error({ err, requestId: c.get('requestId'), path: c.req.path }, 'request failed');
    else if (mapped.status >= 500) log.warn({ requestId: c.get('requestId'), path: c.req.path, error: mapped.body.message }, 'upstream failure');
    return c.json(mapped.body, mapped.status);
  });
  app.notFound(notFoundAsJson({ hint: 'the API is documented at /docs', fields: (c) => ({ requestId: c.get('requestId') }) }));

  app.get('/orders/overview', async (c) => {
    const query = parseInput(overviewQuerySchema, c.req.query());
    return respond(c, overviewResponseSchema, await analytics.overview(query));
  });

  app.get('/orders/popular', async (c) => {
    const query = parseInput(popularQuerySchema, c.req.query());
    return respond(c, popularResponseSchema, await analytics.popular(query));
  });

  app.get('/orders/ordersPerMinute', async (c) => {
    const query = parseInput(ordersPerMinuteQuerySchema, c.req.query());
    return respond(c, ordersPerMinuteResponseSchema, await analytics.ordersPerMinute(query));
  });

  app.get('/orders/stream', (c) => {
    const query = parseInput(streamQuerySchema, c.req.query());
    const channel = `${query.window}|${query.limit}|${query.minutes}`;
    const id = c.get('requestId');
    const produce = async () => snapshotSchema.parse(await streamAnalytics.snapshot(query));
    return streamSSE(c, async (stream) => {
      metrics.streamSubscribers.inc();
      let writing = false;
      const send = (event: HubEvent<Snapshot>) => {
        if (writing || stream.closed) return;
        writing = true;
        const message =
          event.kind === 'snapshot'
            ? { event: 'snapshot', data: JSON.stringify(event.data) }
            : { event: 'failure', data: JSON.stringify(mapError(event.error, id).body) };
        stream
          .writeSSE(message)
          .catch(() => undefined)
          .finally(() => {
            writing = false;
          });
      };
      await stream.write(': connected\n\n');
      let close = () => {};
      const closed = new Promise<void>((resolve) => {
        close = resolve;
      });
      streamClosers.add(close);
      stream.onAbort(close);
      const unsubscribe = hub.subscribe(channel, produce, send);
      try {
        await closed;
      } finally {
        streamClosers.delete(close);
        unsubscribe();
        metrics.streamSubscribers.dec();
      }
    });
  });

  app.get('/orders/:id', async (c) => {
    const { id } = parseInput(orderIdParamSchema, { id: c.req.param('id') });
    const order = await analytics.order(id);
    if (!order) return c.json({ error: 'not_found', message: `no order with id ${id} in Pinot`, requestId: c.get('requestId') }, 404);
    return respond(c, orderDetailResponseSchema, order);
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
