// A Hono not-found handler that answers unmatched routes with 404 JSON instead of plain text.
import type { Context, NotFoundHandler } from 'hono';

export interface NotFoundOptions {
  /** Appended to the message, e.g. where the routes are documented. */
  hint?: string;
  /** Extra fields of the answer, e.g. the request id. */
  fields?: (c: Context) => Record<string, unknown>;
}

/**
 * Answers a request no route matches with `404` JSON `{error: "not_found", message: "no route
 * <METHOD> <path>"}` instead of Hono's plain-text default. Use with `app.notFound(...)`.
 */
export function notFoundAsJson(options: NotFoundOptions = {}): NotFoundHandler {
  return (c) => {
    const message = `no route ${c.req.method} ${c.req.path}${options.hint ? `; ${options.hint}` : ''}`;
    return c.json({ error: 'not_found', message, ...options.fields?.(c) }, 404);
  };
}
