// The errors a Pinot query fails with: PinotUnavailableError (not asked or no answer in time, 503) or PinotQueryError (502).
import { PizzashopError } from '../errors.js';

/** One entry of the `exceptions` array Pinot returns (with HTTP 200) when a query fails. */
export interface PinotException {
  errorCode: number;
  message: string;
}

/** Base class: every failure of a Pinot query is one of the two subclasses below (`httpStatus` is what an API answers). */
export abstract class PinotError extends PizzashopError {}

/**
 * Pinot could not be asked or did not answer in time: every broker refused the connection, the
 * query timed out, or Pinot reported a transient condition (server down, timeout, overload).
 * Retrying later may succeed, so an API answers 503.
 */
export class PinotUnavailableError extends PinotError {
  constructor(
    message: string,
    readonly reason: 'connection' | 'timeout' | 'broker-status' | 'pinot-exception',
    readonly exceptions: PinotException[] = [],
  ) {
    super(message, { kind: 'unavailable' });
  }
}

/** Pinot answered but the query failed (bad SQL, unknown column, internal error): an API answers 502. */
export class PinotQueryError extends PinotError {
  constructor(
    message: string,
    readonly exceptions: PinotException[] = [],
  ) {
    super(message, { kind: 'upstream' });
  }
}

/**
 * Pinot error codes that mean "try again later" rather than "this query is wrong": server shutting
 * down or out of capacity, missing or unavailable segments, scheduling/execution/broker timeouts,
 * no server instance, request send failure, server not responding, too many requests.
 */
const TRANSIENT_ERROR_CODES = new Set([210, 211, 235, 240, 250, 305, 400, 420, 425, 427, 429]);

/** Maps a non-empty `exceptions` array to the typed error an API should surface. */
export function errorFromExceptions(queryName: string, broker: string, exceptions: PinotException[]): PinotError {
  const summary = exceptions.map((e) => `${e.errorCode}: ${firstLine(e.message)}`).join('; ');
  if (exceptions.every((e) => TRANSIENT_ERROR_CODES.has(e.errorCode))) {
    return new PinotUnavailableError(
      `Pinot could not answer query "${queryName}" right now (broker ${broker}: ${summary}); check the Pinot servers and retry`,
      'pinot-exception',
      exceptions,
    );
  }
  return new PinotQueryError(`Pinot rejected query "${queryName}" (broker ${broker}: ${summary})`, exceptions);
}

/** First line of a Pinot message, capped: Pinot appends Java stack traces that must not leak to clients. */
export function firstLine(message: string, max = 300): string {
  const line = (message.split('\n').find((l) => l.trim() !== '') ?? '').trim();
  return line.length > max ? `${line.slice(0, max)}...` : line;
}
