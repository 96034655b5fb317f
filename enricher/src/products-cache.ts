import { describeIssues, productChangeEventSchema, productFromRow, productKeySchema, type Product } from '@pizzashop/common';

export type CacheChange =
  | { kind: 'upsert'; product: Product }
  | { kind: 'delete'; id: string }
  | { kind: 'invalid'; detail: string };

function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false; detail: string } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch (err) {
    return { ok: false, detail: `malformed JSON: ${(err as Error).message}` };
  }
}

/**
 * The products table as a key-value cache built from Debezium change events: creates, updates
 * and snapshot reads upsert `after`, deletes remove `before`, and a tombstone (null value)
 * removes the product named by the key.
 */
export class ProductsCache {
  private readonly products = new Map<string, Product>();

  get size(): number {
    return this.products.size;
  }

  get(id: string): Product | undefined {
    return this.products.get(id);
  }

  /** Applies one change-event record; an invalid one changes nothing and says why. */
  applyChange(key: Buffer | null, value: Buffer | null): CacheChange {
    const change = ProductsCache.decode(key, value);
    if (change.kind === 'upsert') this.products.set(change.product.id, change.product);
    if (change.kind === 'delete') this.products.delete(change.id);
    return change;
  }

  static decode(key: Buffer | null, value: Buffer | null): CacheChange {
    if (value === null) {
      if (key === null) return { kind: 'invalid', detail: 'tombstone without key' };
      const json = parseJson(key);
      if (!json.ok) return { kind: 'invalid', detail: `tombstone key: ${json.detail}` };
      const parsedKey = productKeySchema.safeParse(json.value);
      if (!parsedKey.success) return { kind: 'invalid', detail: `tombstone key: ${describeIssues(parsedKey.error)}` };
      return { kind: 'delete', id: String(parsedKey.data.id) };
    }
    const json = parseJson(value);
    if (!json.ok) return { kind: 'invalid', detail: json.detail };
    const event = productChangeEventSchema.safeParse(json.value);
    if (!event.success) return { kind: 'invalid', detail: describeIssues(event.error) };
    const { op, before, after } = event.data;
    if (op === 'd') return { kind: 'delete', id: String(before!.id) };
    return { kind: 'upsert', product: productFromRow(after!) };
  }
}
