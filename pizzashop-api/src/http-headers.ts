/** Response headers of the API (security, CORS, request id) as plain objects, and cheap reads of request headers. */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * The headers every answer carries (security headers, CORS for the allow-listed origins, the
 * request id), as plain objects: the cached routes hand them to @hono/node-server together with
 * the body, which then writes them without building a Headers object per request.
 */

declare module 'hono' {
  interface ContextVariableMap {
    /** Set for every request by the API's middleware (the caller's X-Request-Id or a new UUID). */
    requestId: string;
  }
}

/**
 * Security headers of every answer but the cached JSON ones (see `forCachedJson`): no sniffing, no
 * framing, no cross-origin embedding, HTTPS only, and for the docs page the rest of helmet's set.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
};

const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

const REQUEST_ID = /^[\w\-=.]{1,255}$/;

/** A request header, read from Node's already parsed headers when served by @hono/node-server (no Headers object). */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming) {
    const value = incoming.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }
  return c.req.header(name);
}

/** The query string of the request URL, without the `?` (read from Node's raw URL when available). */
export function rawQuery(c: Context): string {
  const url = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.url ?? c.req.url;
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

/** The caller's X-Request-Id when it is a plain token, else a new UUID. */
export function requestIdOf(c: Context): string {
  const given = requestHeader(c, 'x-request-id');
  return given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

export class HttpHeaders {
  private readonly origins: Set<string>;

  constructor(corsOrigins: string[]) {
    this.origins = new Set(corsOrigins);
  }

  /**
   * A fresh object with every header of an answer to a request from `origin` (the caller may add to
   * it); `page` adds the headers only a rendered HTML page needs.
   */
  forResponse(origin: string | undefined, requestId: string, page = false): Record<string, string> {
    const headers: Record<string, string> = page ? { ...SECURITY_HEADERS, ...PAGE_HEADERS } : { ...SECURITY_HEADERS };
    headers.vary = 'Origin';
    headers['x-request-id'] = requestId;
    if (origin !== undefined && this.origins.has(origin)) {
      headers['access-control-allow-origin'] = origin;
      headers['access-control-expose-headers'] = 'X-Request-Id';
    }
    return headers;
  }

  /**
   * The few headers of a cached JSON answer (each header costs the server about as much as the body
   * at these sizes): type, nosniff, ETag with `no-cache` (revalidate, get 304), Vary and CORS. The
   * page-level security headers (CSP, HSTS, CORP, framing) matter for what a browser renders or
   * embeds, not for JSON read by fetch; a TLS-terminating proxy adds HSTS. X-Request-Id is echoed
   * when the caller sent one: a cached answer is not logged, so a new id would trace nothing.
   */
  forCachedJson(origin: string | undefined, callerRequestId: string | undefined, etag: string): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', etag, 'cache-control': 'no-cache', vary: 'Origin' };
    if (origin !== undefined && this.origins.has(origin)) {
      headers['access-control-allow-origin'] = origin;
      headers['access-control-expose-headers'] = 'X-Request-Id';
    }
    if (callerRequestId !== undefined && REQUEST_ID.test(callerRequestId)) headers['x-request-id'] = callerRequestId;
    return headers;
  }

  /** The answer to a CORS preflight (OPTIONS): GET only, for the allow-listed origins. */
  preflight(origin: string | undefined, requestedHeaders: string | undefined, requestId: string): Response {
    const headers = this.forResponse(origin, requestId);
    if (headers['access-control-allow-origin']) {
      headers['access-control-allow-methods'] = 'GET,OPTIONS';
      headers['access-control-max-age'] = '600';
      if (requestedHeaders) headers['access-control-allow-headers'] = requestedHeaders;
    }
    return new Response(null, { status: 204, headers });
  }
}
