// Whether a failed transaction means this producer's epoch is over (fenced): the one test every
// transactional writer uses to tell "another owner took the id" from an ordinary failure.

/**
 * kafkajs protocol error types meaning the epoch is over: another producer opened the id, or the
 * coordinator aborted a transaction past its timeout (INVALID_PRODUCER_EPOCH, code 47), or the id
 * may no longer be used (TRANSACTIONAL_ID_AUTHORIZATION_FAILED, code 53).
 */
const FENCED_TYPES = new Set(['INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);

/** PRODUCER_FENCED (code 90) is newer than kafkajs 2.2.4, which reports it as an unknown code with this message. */
const PRODUCER_FENCED_UNKNOWN_TO_KAFKAJS = 'Unknown error code 90';

/** How deep `cause` is followed: kafkajs wraps a protocol error once or twice (retrier, non-retriable). */
const MAX_DEPTH = 4;

/** True when `err`, or an error it wraps (`cause`), is a kafkajs protocol error saying this transactional producer is fenced. */
export function isFencedProducerError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < MAX_DEPTH; e = e.cause, depth++) {
    if (e.name !== 'KafkaJSProtocolError') continue;
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && FENCED_TYPES.has(type)) return true;
    if (type === 'KAFKAJS_UNKNOWN_ERROR_CODE' && e.message === PRODUCER_FENCED_UNKNOWN_TO_KAFKAJS) return true;
  }
  return false;
}
