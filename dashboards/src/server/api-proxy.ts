// The dashboard server's /api proxy: forwards only the pizzashop-api routes the page reads, streams included.
import type { Logger } from '@pizzashop/common';
import { Hono, type Context } from 'hono';
import { Counter, type Registry } from 'prom-client';
import { Agent, fetch } from 'undici';

/** The pizzashop-api routes the pages read; nothing else is forwarded. */
export const FORWARDED_ROUTES = [
  '/orders/overview',
  '/orders/popular',
  '/orders/ordersPerMinute',
  '/orders/stream',
  '/orders/statuses',
  '/orders/stuck',
  '/deliveries/active',
] as const;
/** One order and its stream (the tracking page); the API validates the id. */
const ORDER_ROUTE = /^\/orders\/[0-9A-Za-z-]{1,64}(\/stream)?$/;
const isStreamRoute = (route: string) => route === '/orders/stream' || (ORDER_ROUTE.test(route) && route.endsWith('/stream'));
const PASSED_HEADERS = ['content-type', 'cache-control', 'x-request-id'];

export interface ApiProxyOptions {
  /** Base URL of pizzashop-api as the dashboard server reaches it, without a trailing slash. */
  apiUrl: string;
  /** Longest wait for the API's answer (for the stream: for its headers; the events then flow unbounded). */
  timeoutMs: number;
  registry: Registry;
  log: Logger;
}

/** Body of the dashboard's own error answers: the same shape as the API's, so the page reads one format. */
function proxyError(c: Context, status: 502 | 504, error: 'api_unreachable' | 'api_timeout', message: string) {
  return c.json({ error, message }, status);
}

/** Copies an upstream body but ends it cleanly when the upstream connection breaks (the API was killed). */
function endQuietlyOnError(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch {
        controller.close();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

function causeOf(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

/** The route as a metric label: order ids folded into {id}, so the label set stays small. */
function metricRoute(route: string): string {
  return (FORWARDED_ROUTES as readonly string[]).includes(route) ? route : route.replace(/^\/orders\/[^/]+/, '/orders/{id}');
}

export interface ApiProxy {
  app: Hono;
  close(): Promise<void>;
}

/**
 * `/api/<route>` -> `<API_URL>/<route>` for the routes the page needs, so the page talks to its own
 * origin only (no CORS, no API address baked into the bundle). When the API cannot be reached the
 * answer is 502 `api_unreachable` (504 `api_timeout`), which the page tells apart from the API's
 * own 503 `pinot_unavailable`. Mount `app` under `/api`.
 *
 * Every forwarded request has its own connection (no keep-alive): a page makes about one request
 * every few seconds plus one long-lived stream, so pooling gains nothing, and a reused idle socket
 * would reach an API that is shutting down (it stopped listening but still serves open
 * connections), keeping it alive and hiding its outage from the page.
 */
export function apiProxy({ apiUrl, timeoutMs, registry, log }: ApiProxyOptions): ApiProxy {
  const dispatcher = new Agent({ pipelining: 0 });
  const requests = new Counter({
    name: 'dashboard_api_proxy_requests_total',
    help: 'Requests forwarded to pizzashop-api by route and outcome (the upstream status, unreachable or timeout)',
    labelNames: ['route', 'outcome'],
    registers: [registry],
  });
  let reachable = true;
  /** Logs when the API stops and starts being reachable; `failure` is the error, or why there is none (a timeout). */
  const noteReachable = (ok: boolean, failure?: { err: unknown } | { reason: string }) => {
    if (ok && !reachable) log.info({ apiUrl }, 'pizzashop-api reachable again');
    if (!ok && reachable) log.warn({ apiUrl, ...failure }, 'pizzashop-api unreachable; the page shows its last data as stale');
    reachable = ok;
  };

  const app = new Hono();
  app.get('/*', async (c) => {
    const route = c.req.path.replace(/^\/api/, '');
    if (!(FORWARDED_ROUTES as readonly string[]).includes(route) && !ORDER_ROUTE.test(route)) {
      return c.json({ error: 'not_found', message: `the dashboard forwards only ${FORWARDED_ROUTES.join(', ')}, /orders/{id} and /orders/{id}/stream under /api` }, 404);
    }
    const target = `${apiUrl}${route}${new URL(c.req.url).search}`;
    const isStream = isStreamRoute(route);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const signal = AbortSignal.any([c.req.raw.signal, timeout.signal]);
    try {
      const upstream = await fetch(target, { dispatcher, signal, headers: { accept: isStream ? 'text/event-stream' : 'application/json' } });
      const headers = new Headers();
      for (const name of PASSED_HEADERS) {
        const value = upstream.headers.get(name);
        if (value) headers.set(name, value);
      }
      let body: ReadableStream<Uint8Array> | ArrayBuffer;
      if (isStream && upstream.ok && upstream.body) {
        headers.set('x-accel-buffering', 'no');
        // undici's stream type (node:stream/web) and the DOM lib's ReadableStream describe the same object.
        body = endQuietlyOnError(upstream.body as unknown as ReadableStream<Uint8Array>);
      } else {
        body = await upstream.arrayBuffer();
      }
      noteReachable(true);
      requests.inc({ route: metricRoute(route), outcome: String(upstream.status) });
      return new Response(body, { status: upstream.status, headers });
    } catch (err) {
      if (c.req.raw.signal.aborted) return new Response(null, { status: 499 });
      if (timeout.signal.aborted) {
        requests.inc({ route: metricRoute(route), outcome: 'timeout' });
        noteReachable(false, { reason: `no answer within ${timeoutMs} ms` });
        return proxyError(c, 504, 'api_timeout', `pizzashop-api at ${apiUrl} did not answer ${route} within ${timeoutMs} ms (API_TIMEOUT_MS)`);
      }
      const cause = causeOf(err);
      requests.inc({ route: metricRoute(route), outcome: 'unreachable' });
      noteReachable(false, { err });
      return proxyError(
        c,
        502,
        'api_unreachable',
        `the dashboard server cannot reach pizzashop-api at ${apiUrl} (${cause}): is it running? Set API_URL if it lives elsewhere`,
      );
    } finally {
      clearTimeout(timer);
    }
  });
  return { app, close: () => dispatcher.close() };
}
