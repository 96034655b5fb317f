/** Answers serialised once (JSON bytes + ETag) and values derived once per shared source object. */
import { createHash } from 'node:crypto';
import type { z } from 'zod';

/**
 * A response body serialised once and served many times: the JSON bytes, their ETag and the value
 * they encode (for composing, e.g. the stream's snapshot). Validated against its schema when made,
 * so the documented contract holds without a per-request check.
 */
export interface Rendered<T = unknown> {
  value: T;
  body: Buffer;
  etag: string;
}

export function render<S extends z.ZodType>(schema: S, value: z.input<S>): Rendered<z.output<S>> {
  const valid = schema.parse(value);
  const body = Buffer.from(JSON.stringify(valid));
  return { value: valid, body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"` };
}

/**
 * Memoises what is derived from a shared value (e.g. the rendered top-5 of a cached top-50 list),
 * per value object, so it is computed once per refresh of the value and dropped with it.
 */
export class DerivedMemo<S extends object, K, V> {
  private readonly memo = new WeakMap<S, Map<K, V>>();

  get(source: S, key: K, derive: () => V): V {
    let byKey = this.memo.get(source);
    if (!byKey) {
      byKey = new Map();
      this.memo.set(source, byKey);
    }
    let value = byKey.get(key);
    if (value === undefined) {
      value = derive();
      byKey.set(key, value);
    }
    return value;
  }
}
