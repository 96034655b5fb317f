// The API's errors and the one mapping from any error to the JSON answer a client gets.
import { describeIssues, PizzashopError, type ErrorHttpStatus, type ErrorKind } from '@pizzashop/common';
import type { ZodError } from 'zod';
import type { ErrorResponse } from '@pizzashop/common/api-contracts';

/** A request parameter failed its zod schema: answered with 400 and zod's message. */
export class BadRequestError extends PizzashopError {
  constructor(message: string) {
    super(message, { kind: 'invalid-input' });
  }

  static fromZod(error: ZodError): BadRequestError {
    return new BadRequestError(describeIssues(error, 'request'));
  }
}

/** What a resource is not there: answered with 404 and this message. */
export class NotFoundError extends PizzashopError {
  constructor(message: string) {
    super(message, { kind: 'not-found' });
  }
}

/** Too many open streams: answered with 429 and this message. */
export class TooManyStreamsError extends PizzashopError {
  constructor(message: string) {
    super(message, { kind: 'too-many-requests' });
  }
}

export interface MappedError {
  status: ErrorHttpStatus;
  body: ErrorResponse;
  /**
   * What the server log should carry: `error` with the full error for unexpected failures, `warn`
   * with the internal message (broker URL, Pinot's exception) for upstream failures, nothing for
   * a client's mistake.
   */
  log: 'error' | 'warn' | 'none';
}

/** The `error` field of the kinds that are the client's doing, answered with the error's own message. */
const CLIENT_ERRORS: Partial<Record<ErrorKind, string>> = { 'invalid-input': 'bad_request', 'not-found': 'not_found', 'too-many-requests': 'too_many_requests' };

/**
 * The one mapping from any error to the JSON answer a client gets (REST responses and the stream's
 * `failure` events): the status is that of the error's kind (`httpStatusOf`), anything else is a
 * 500. Messages are written for the user; internals (broker URLs, Pinot's exception text, stack
 * traces) stay in the server log under the request id the body carries.
 */
export function mapError(err: unknown, requestId: string): MappedError {
  const body = (error: string, message: string): ErrorResponse => ({ error, message, requestId });
  if (err instanceof PizzashopError) {
    const clientError = CLIENT_ERRORS[err.kind];
    if (clientError) return { status: err.httpStatus, body: body(clientError, err.message), log: 'none' };
    // The API's one dependency is Pinot: an upstream failure or an unavailable dependency is Pinot's.
    if (err.kind === 'upstream') {
      return {
        status: err.httpStatus,
        body: body('pinot_query_failed', `the analytics store (Pinot) could not answer this request; the server log has the details under request id ${requestId}`),
        log: 'warn',
      };
    }
    if (err.kind === 'unavailable') {
      return {
        status: err.httpStatus,
        body: body('pinot_unavailable', `the analytics store (Pinot) is unavailable or too slow right now; retry in a few seconds (request id ${requestId})`),
        log: 'warn',
      };
    }
  }
  return {
    status: 500,
    body: body('internal', `internal error in pizzashop-api; the server log has the details under request id ${requestId}`),
    log: 'error',
  };
}
