import type { PinotQuerier, PinotQueryOptions, PinotResult } from './client.js';
import type { SqlFragment } from './sql.js';

export type CacheLookup = 'hit' | 'stale' | 'shared' | 'miss';

export interface SharedQueryCacheOptions {
  /** How long a result is reused after it arrived; 0 switches the cache off (every call goes to Pinot). */
  ttlMs: number;
  /**
   * For this long after a result expired it is still served, while one background call refreshes
   * it; default `ttlMs`. Callers then never wait for Pinot while the data is being renewed.
   */
  staleWhileRevalidateMs?: number;
  /** Upper bound on stored results; the oldest is dropped first. */
  maxEntries?: number;
  now?: () => number;
  onLookup?: (lookup: CacheLookup, queryName: string) => void;
}

/**
 * Identical SQL shares one Pinot call: concurrent callers wait for the same in-flight request, and
 * callers within `ttlMs` after it answered get the stored result. After that, for
 * `staleWhileRevalidateMs`, the old result is still served while one call renews it. Failures are
 * shared by the callers already waiting but never stored. Results are shared objects: read-only.
 */
export class SharedQueryCache implements PinotQuerier {
  private readonly stored = new Map<string, { expiresAt: number; result: PinotResult }>();
  private readonly inFlight = new Map<string, Promise<PinotResult>>();
  private readonly maxEntries: number;
  private readonly staleMs: number;
  private readonly now: () => number;

  constructor(
    private readonly inner: PinotQuerier,
    private readonly options: SharedQueryCacheOptions,
  ) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.staleMs = options.staleWhileRevalidateMs ?? options.ttlMs;
    this.now = options.now ?? Date.now;
  }

  query(statement: SqlFragment, options: PinotQueryOptions = {}): Promise<PinotResult> {
    const name = options.name ?? 'query';
    if (this.options.ttlMs <= 0) {
      this.options.onLookup?.('miss', name);
      return this.inner.query(statement, options);
    }
    const key = statement.text;
    const entry = this.stored.get(key);
    const now = this.now();
    if (entry && entry.expiresAt > now) {
      this.options.onLookup?.('hit', name);
      return Promise.resolve(entry.result);
    }
    if (entry && entry.expiresAt + this.staleMs > now) {
      this.options.onLookup?.('stale', name);
      if (!this.inFlight.has(key)) this.fetch(key, statement, options).catch(() => undefined);
      return Promise.resolve(entry.result);
    }
    const pending = this.inFlight.get(key);
    if (pending) {
      this.options.onLookup?.('shared', name);
      return pending;
    }
    this.options.onLookup?.('miss', name);
    return this.fetch(key, statement, options);
  }

  private fetch(key: string, statement: SqlFragment, options: PinotQueryOptions): Promise<PinotResult> {
    const request = this.inner
      .query(statement, options)
      .then((result) => {
        this.store(key, result);
        return result;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }

  get size(): number {
    return this.stored.size;
  }

  private store(key: string, result: PinotResult): void {
    const now = this.now();
    this.stored.delete(key);
    for (const [k, e] of this.stored) {
      if (this.stored.size < this.maxEntries && e.expiresAt + this.staleMs > now) break;
      this.stored.delete(k);
    }
    this.stored.set(key, { expiresAt: now + this.options.ttlMs, result });
  }
}
