// Decodes one `orders` message: JSON, then the `orderSchema` contract (the canonical shape orders-service
// writes is checked by hand, `canonicalOrder`, several times cheaper than zod; anything else goes
// through zod, which gives the same order or names what is wrong).
import { canonicalOrder, describeIssues, orderSchema, type Order } from '@pizzashop/common';

export const REASON_MALFORMED_JSON = 'malformed JSON';
export const REASON_SCHEMA_INVALID = 'schema invalid';

export type DecodedOrder = { ok: true; order: Order } | { ok: false; reason: string; detail: string };

/** Parses and validates one `orders` message value. */
export function decodeOrder(value: Buffer | null): DecodedOrder {
  if (value === null) return { ok: false, reason: REASON_SCHEMA_INVALID, detail: 'message has no value (tombstone)' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: REASON_MALFORMED_JSON, detail: (err as Error).message };
  }
  const order = canonicalOrder(json);
  if (order) return { ok: true, order };
  const parsed = orderSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: REASON_SCHEMA_INVALID, detail: describeIssues(parsed.error) };
  return { ok: true, order: parsed.data };
}
