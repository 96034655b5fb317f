// The dead-letter contract: the record a service writes to `dead-letters` for input it cannot
// process, quoting the original's bytes and where it stood.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { KafkaRecord } from './kafka-record.js';
import { isoUtcTimestampSchema } from './time.js';

/**
 * A message on `dead-letters`: what could not be processed, why, and where it came from, with the
 * original bytes (the first DEAD_LETTER_VALUE_CAP of them when larger: `truncated`, with the
 * original size and sha256 so the full record can be found and checked at its source offset).
 * `key` and `value` are UTF-8 text when the kept bytes are valid UTF-8, else base64 (`encoding`
 * says which); null when the original had none, or in a stub letter whose quote did not fit.
 */
export const deadLetterSchema = z.object({
  reason: z.string().min(1),
  detail: z.string().optional(),
  component: z.string().min(1),
  sourceTopic: z.string().min(1),
  partition: z.number().int().nonnegative(),
  offset: z.string().regex(/^\d+$/),
  key: z.string().nullable(),
  value: z.string().nullable(),
  encoding: z.enum(['utf8', 'base64']),
  failedAt: isoUtcTimestampSchema,
  /** Size of the original value in bytes (absent in letters written before it existed). */
  valueBytes: z.number().int().nonnegative().optional(),
  /** Hex sha256 of the original value. */
  valueSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** The letter quotes only the start of the original key or value (or none of it, in a stub). */
  truncated: z.boolean().optional(),
  /**
   * The schema registry id of the contract version the original was written with (its `schema-id`
   * header); absent when the original carried none.
   */
  sourceSchemaId: z.number().int().nonnegative().optional(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

export interface DeadLetterSource extends KafkaRecord {
  topic: string;
  /** The original's `schema-id` header (schemaIdOf), when it had one. */
  schemaId?: number;
}

/** Bytes of an original value a dead letter quotes at most. */
export const DEAD_LETTER_VALUE_CAP = 64 * 1024;
/** Bytes of an original key a dead letter quotes at most. */
export const DEAD_LETTER_KEY_CAP = 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });
function isUtf8(bytes: Buffer | null): boolean {
  if (bytes === null) return true;
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The first `cap` bytes, moved back to a UTF-8 character boundary when the bytes are text. */
function head(bytes: Buffer | null, cap: number): Buffer | null {
  if (bytes === null || bytes.length <= cap) return bytes;
  let end = cap;
  while (end > cap - 4 && end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  const cut = bytes.subarray(0, end);
  return isUtf8(cut) ? cut : bytes.subarray(0, cap);
}

/** Builds the dead letter for `source`, quoting its bytes losslessly up to `valueCap`. */
export function buildDeadLetter(
  source: DeadLetterSource,
  failure: { reason: string; detail?: string; component: string },
  failedAt: Date = new Date(),
  valueCap = DEAD_LETTER_VALUE_CAP,
): DeadLetter {
  const key = head(source.key, DEAD_LETTER_KEY_CAP);
  const value = head(source.value, valueCap);
  const encoding = isUtf8(key) && isUtf8(value) ? 'utf8' : 'base64';
  const text = (b: Buffer | null) => (b === null ? null : b.toString(encoding));
  return {
    reason: failure.reason,
    ...(failure.detail === undefined ? {} : { detail: failure.detail }),
    component: failure.component,
    sourceTopic: source.topic,
    partition: source.partition,
    offset: source.offset,
    key: text(key),
    value: text(value),
    encoding,
    failedAt: failedAt.toISOString(),
    valueBytes: source.value?.length ?? 0,
    valueSha256: createHash('sha256').update(source.value ?? Buffer.alloc(0)).digest('hex'),
    truncated: key !== source.key || value !== source.value,
    ...(source.schemaId === undefined ? {} : { sourceSchemaId: source.schemaId }),
  };
}

/**
 * `letter` as it can be written to a topic whose records may hold `maxBytes`: unchanged when its
 * JSON fits, else a stub without key and value (reason, source offset, size and sha256 remain).
 */
export function fitDeadLetter(letter: DeadLetter, maxBytes: number): DeadLetter {
  if (Buffer.byteLength(JSON.stringify(letter)) <= maxBytes) return letter;
  const detail = `${letter.detail ?? ''}${letter.detail ? '; ' : ''}the quote of the original did not fit in ${maxBytes} bytes: read it at the source offset`;
  return { ...letter, key: null, value: null, encoding: 'utf8', truncated: true, detail: detail.slice(0, 2000) };
}

/** The original bytes of a dead letter's value (its first bytes when `truncated`). */
export function deadLetterValueBytes(dl: DeadLetter): Buffer | null {
  return dl.value === null ? null : Buffer.from(dl.value, dl.encoding);
}
