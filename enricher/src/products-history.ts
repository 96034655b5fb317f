// The products table with its history, built from Debezium change events: each product's versions
// with the time each became valid, so an order is joined with the product as it was when placed.
import { describeIssues, productChangeEventSchema, productFromRow, productKeySchema, type Product } from '@pizzashop/common';

export type CacheChange =
  | { kind: 'upsert'; product: Product; validFrom: number }
  | { kind: 'delete'; id: string; validFrom: number }
  | { kind: 'invalid'; detail: string };

/** One version of a product: `product` from `validFrom` (ms since epoch) until the next version; null = deleted. */
export interface ProductVersion {
  validFrom: number;
  product: Product | null;
  /** `product` as JSON, made once per version for the enriched items that carry it. */
  json: string;
}

/** A version that holds a product (not a deletion): what lookups by time return. */
export type KnownVersion = ProductVersion & { product: Product };

const isKnown = (version: ProductVersion): version is KnownVersion => version.product !== null;

function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false; detail: string } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch (err) {
    return { ok: false, detail: `malformed JSON: ${(err as Error).message}` };
  }
}

const sameProduct = (a: Product | null, b: Product | null) =>
  a === b ||
  (a !== null && b !== null && a.name === b.name && a.description === b.description && a.category === b.category && a.image === b.image && a.price === b.price);

/**
 * Versions per product id, ordered by `validFrom`. A change is valid from Debezium's `source.ts_ms`
 * (when the database made it; a tombstone, which has no body, from its record timestamp). Lookups ask
 * for the version valid at a time:
 * - the latest version that started at or before it;
 * - before a product's earliest known version, that earliest version (when it is not a delete): a
 *   product the enricher first hears of at a time (the snapshot's `r` events carry the snapshot
 *   time, a `c` event its insert time) existed for the orders that name it before, so old orders
 *   still join when replayed, and an order that arrived before its product's create event joins it;
 * - nothing when the product was deleted at that time (the item waits, then is dead-lettered).
 * History is bounded: a version superseded more than `historyMs` before the newest change of its
 * product is dropped (no order that old is replayed: the orders topic keeps `historyMs`).
 */
export class ProductsHistory {
  private readonly versions = new Map<string, ProductVersion[]>();
  private existing = 0;

  constructor(private readonly historyMs: number) {}

  /** Products that exist now (latest version not a delete). */
  get size(): number {
    return this.existing;
  }

  /** The product as it is now. */
  get(id: string): Product | undefined {
    return this.versions.get(id)?.at(-1)?.product ?? undefined;
  }

  /** The version of `id` valid at `time` (ms), or undefined when none was (unknown, or deleted then). */
  at(id: string, time: number): KnownVersion | undefined {
    const versions = this.versions.get(id);
    if (!versions) return undefined;
    let i = versions.length - 1;
    while (i > 0 && versions[i]!.validFrom > time) i--;
    const version = versions[i]!;
    return isKnown(version) ? version : undefined;
  }

  /** Applies one change-event record (`timestamp`: the record's, used for tombstones); an invalid one changes nothing and says why. */
  applyChange(key: Buffer | null, value: Buffer | null, timestamp = 0): CacheChange {
    const change = ProductsHistory.decode(key, value, timestamp);
    if (change.kind === 'upsert') this.add(change.product.id, change.validFrom, change.product);
    if (change.kind === 'delete') this.add(change.id, change.validFrom, null);
    return change;
  }

  private add(id: string, validFrom: number, product: Product | null): void {
    let versions = this.versions.get(id);
    if (!versions) {
      if (product === null) return;
      this.versions.set(id, (versions = []));
    }
    const wasExisting = (versions.at(-1)?.product ?? null) !== null;
    let i = versions.length;
    while (i > 0 && versions[i - 1]!.validFrom > validFrom) i--;
    const version = { validFrom, product, json: product === null ? 'null' : JSON.stringify(product) };
    const previous = versions[i - 1];
    if (previous?.validFrom === validFrom) versions[i - 1] = version;
    else if (!previous || !sameProduct(previous.product, product)) versions.splice(i, 0, version);
    this.prune(versions);
    const isExisting = (versions.at(-1)?.product ?? null) !== null;
    this.existing += Number(isExisting) - Number(wasExisting);
  }

  /** Drops the versions no order within the history window can need any more. */
  private prune(versions: ProductVersion[]): void {
    const horizon = versions.at(-1)!.validFrom - this.historyMs;
    let drop = 0;
    while (drop < versions.length - 1 && versions[drop + 1]!.validFrom <= horizon) drop++;
    if (drop > 0) versions.splice(0, drop);
  }

  static decode(key: Buffer | null, value: Buffer | null, timestamp = 0): CacheChange {
    if (value === null) {
      if (key === null) return { kind: 'invalid', detail: 'tombstone without key' };
      const json = parseJson(key);
      if (!json.ok) return { kind: 'invalid', detail: `tombstone key: ${json.detail}` };
      const parsedKey = productKeySchema.safeParse(json.value);
      if (!parsedKey.success) return { kind: 'invalid', detail: `tombstone key: ${describeIssues(parsedKey.error)}` };
      return { kind: 'delete', id: String(parsedKey.data.id), validFrom: timestamp };
    }
    const json = parseJson(value);
    if (!json.ok) return { kind: 'invalid', detail: json.detail };
    const event = productChangeEventSchema.safeParse(json.value);
    if (!event.success) return { kind: 'invalid', detail: describeIssues(event.error) };
    const { op, before, after, source, ts_ms } = event.data;
    const validFrom = source?.ts_ms ?? ts_ms ?? timestamp;
    if (op === 'd') return { kind: 'delete', id: String(before!.id), validFrom };
    return { kind: 'upsert', product: productFromRow(after!), validFrom };
  }
}
