// The one error base of the workspaces: every error of ours says what kind of failure it is and
// whether trying again may succeed, so HTTP answers and retry loops decide by that, not by class.

/**
 * What went wrong, as a caller sees it:
 * - `invalid-input`: the request or configuration is wrong (400);
 * - `not-found`: what was asked for is not there (404);
 * - `conflict`: it contradicts what is already there (409);
 * - `too-large`: the request is larger than accepted (413);
 * - `refused`: well-formed, but the rules refuse it (422);
 * - `too-many-requests`: a limit is reached for now (429);
 * - `unavailable`: a dependency cannot be reached or is too slow; nothing was done (503);
 * - `upstream`: a dependency answered, with a failure (502);
 * - `outcome-unknown`: the work may or may not have been done (500);
 * - `internal`: a bug or a broken environment (500).
 */
export type ErrorKind =
  | 'invalid-input'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'refused'
  | 'too-many-requests'
  | 'unavailable'
  | 'upstream'
  | 'outcome-unknown'
  | 'internal';

export type ErrorHttpStatus = 400 | 404 | 409 | 413 | 422 | 429 | 500 | 502 | 503;

const HTTP_STATUS: Record<ErrorKind, ErrorHttpStatus> = {
  'invalid-input': 400,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  refused: 422,
  'too-many-requests': 429,
  unavailable: 503,
  upstream: 502,
  'outcome-unknown': 500,
  internal: 500,
};

/** Kinds where the same request later may succeed; the others need a change first. */
const RETRIABLE_KINDS = new Set<ErrorKind>(['too-many-requests', 'unavailable', 'outcome-unknown']);

/** The HTTP status an API answers a failure of this kind with. */
export function httpStatusOf(kind: ErrorKind): ErrorHttpStatus {
  return HTTP_STATUS[kind];
}

export interface PizzashopErrorOptions {
  kind: ErrorKind;
  /** Whether trying the same thing again may succeed; defaults by kind (`unavailable`, `too-many-requests`, `outcome-unknown`). */
  retriable?: boolean;
  cause?: unknown;
}

/** Base of every error class of ours; `name` is the subclass's name. */
export class PizzashopError extends Error {
  readonly kind: ErrorKind;
  readonly retriable: boolean;

  constructor(message: string, options: PizzashopErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = options.kind;
    this.retriable = options.retriable ?? RETRIABLE_KINDS.has(options.kind);
  }

  /** The HTTP status of this error's kind. */
  get httpStatus(): ErrorHttpStatus {
    return httpStatusOf(this.kind);
  }
}

/**
 * Whether trying again may succeed: our errors' `retriable`, and kafkajs's own flag on its errors
 * (`KafkaJSError.retriable`); any other error is not known to be retriable.
 */
export function isRetriable(err: unknown): boolean {
  if (err instanceof PizzashopError) return err.retriable;
  return err instanceof Error && err.name.startsWith('KafkaJS') && (err as { retriable?: unknown }).retriable === true;
}
