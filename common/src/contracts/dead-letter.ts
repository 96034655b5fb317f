import { z } from 'zod';
import { isoUtcTimestampSchema } from './time.js';

/**
 * A message on `dead-letters`: what could not be processed, why, and where it came from, with
 * the original bytes so nothing is lost. `key` and `value` are UTF-8 text when the bytes are valid
 * UTF-8, else base64 (`encoding` says which); null when the original had none.
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
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

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

/** Builds the dead letter for `source`, keeping its bytes losslessly. */
export function buildDeadLetter(
  source: DeadLetterSource,
  failure: { reason: string; detail?: string; component: string },
  failedAt: Date = new Date(),
): DeadLetter {
  const encoding = isUtf8(source.key) && isUtf8(source.value) ? 'utf8' : 'base64';
  const text = (b: Buffer | null) => (b === null ? null : b.toString(encoding));
  return {
    reason: failure.reason,
    ...(failure.detail === undefined ? {} : { detail: failure.detail }),
    component: failure.component,
    sourceTopic: source.topic,
    partition: source.partition,
    offset: source.offset,
    key: text(source.key),
    value: text(source.value),
    encoding,
    failedAt: failedAt.toISOString(),
  };
}

/** The original bytes of a dead letter's value. */
export function deadLetterValueBytes(dl: DeadLetter): Buffer | null {
  return dl.value === null ? null : Buffer.from(dl.value, dl.encoding);
}
