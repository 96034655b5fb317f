import { PinotError, PinotQueryError } from '@pizzashop/common';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import type { ErrorResponse } from './schemas.js';

/** A request parameter failed its zod schema: answered with 400 and zod's message. */
export class BadRequestError extends Error {
  override name = 'BadRequestError';

  static fromZod(error: ZodError): BadRequestError {
    return new BadRequestError(error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '));
  }
}

export interface MappedError {
  status: 400 | 404 | 500 | 502 | 503;
  body: ErrorResponse;
  /** Whether the server log should carry the full error (unexpected failures only). */
  unexpected: boolean;
}

/** Maps any error to the JSON answer the client gets. Messages are ours; stack traces never leave the server. */
export function mapError(err: unknown, requestId: string | undefined): MappedError {
  const withId = (error: string, message: string) => ({ error, message, ...(requestId ? { requestId } : {}) });
  if (err instanceof BadRequestError) return { status: 400, body: withId('bad_request', err.message), unexpected: false };
  if (err instanceof PinotError) {
    const kind = err instanceof PinotQueryError ? 'pinot_query_failed' : 'pinot_unavailable';
    return { status: err.httpStatus, body: withId(kind, err.message), unexpected: false };
  }
  if (err instanceof HTTPException && (err.status === 400 || err.status === 404)) {
    return { status: err.status, body: withId(err.status === 400 ? 'bad_request' : 'not_found', err.message), unexpected: false };
  }
  return {
    status: 500,
    body: withId('internal', `internal error in pizzashop-api; the server log has the details under request id ${requestId ?? '(none)'}`),
    unexpected: true,
  };
}
