import { describeIssues, PinotError, PinotQueryError } from '@pizzashop/common';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import type { ErrorResponse } from '@pizzashop/common/api-contracts';
import { HubFullError } from './stream.js';

/** A request parameter failed its zod schema: answered with 400 and zod's message. */
export class BadRequestError extends HTTPException {
  override name = 'BadRequestError';

  constructor(message: string) {
    super(400, { message });
  }

  static fromZod(error: ZodError): BadRequestError {
    return new BadRequestError(describeIssues(error, 'request'));
  }
}

/** What a resource is not there: answered with 404 and this message. */
export class NotFoundError extends HTTPException {
  override name = 'NotFoundError';

  constructor(message: string) {
    super(404, { message });
  }
}

/** Too many open streams: answered with 429 and this message. */
export class TooManyStreamsError extends HTTPException {
  override name = 'TooManyStreamsError';

  constructor(message: string) {
    super(429, { message });
  }
}

export interface MappedError {
  status: 400 | 404 | 429 | 500 | 502 | 503;
  body: ErrorResponse;
  /**
   * What the server log should carry: `error` with the full error for unexpected failures, `warn`
   * with the internal message (broker URL, Pinot's exception) for upstream failures, nothing for
   * a client's mistake.
   */
  log: 'error' | 'warn' | 'none';
}

const ERROR_KINDS: Record<number, string> = { 400: 'bad_request', 404: 'not_found', 429: 'too_many_requests' };

/**
 * The one mapping from any error to the JSON answer a client gets (REST responses and the stream's
 * `failure` events). Messages are written for the user; internals (broker URLs, Pinot's exception
 * text, stack traces) stay in the server log under the request id the body carries.
 */
export function mapError(err: unknown, requestId: string): MappedError {
  const body = (error: string, message: string): ErrorResponse => ({ error, message, requestId });
  if (err instanceof HTTPException && ERROR_KINDS[err.status]) {
    return { status: err.status as 400 | 404 | 429, body: body(ERROR_KINDS[err.status] as string, err.message), log: 'none' };
  }
  if (err instanceof HubFullError) return { status: 429, body: body('too_many_requests', err.message), log: 'none' };
  if (err instanceof PinotError) {
    if (err instanceof PinotQueryError) {
      return {
        status: 502,
        body: body('pinot_query_failed', `the analytics store (Pinot) could not answer this request; the server log has the details under request id ${requestId}`),
        log: 'warn',
      };
    }
    return {
      status: 503,
      body: body('pinot_unavailable', `the analytics store (Pinot) is unavailable or too slow right now; retry in a few seconds (request id ${requestId})`),
      log: 'warn',
    };
  }
  return {
    status: 500,
    body: body('internal', `internal error in pizzashop-api; the server log has the details under request id ${requestId}`),
    log: 'error',
  };
}
