// A shared Pinot query cache: identical queries share one load, then a TTL and stale-while-revalidate.
import type { PinotQuerier, PinotQueryOptions, PinotResult } from './client.js';
import type { SqlFragment } from './sql.js';

export type CacheLookup = 'hit' | 'stale' | 'shared' | 'miss';

export interface SharedCacheOptions {
  /** How long a value is reused after it arrived; 0 switches the cache off (every call loads). */
  ttlMs: number;
  /**
   * For this long after a value expired it is still served, while one background load refreshes
   * it; default `ttlMs`. Callers then never wait while the value is being renewed. While that load
   * is still running the old value keeps being served, however long the load takes (it is bounded
   * by the loader's own timeout), so a slow upstream never stalls every caller at once.
   */
  staleWhileRevalidateMs?: number;
  /** Upper bound on stored values; the oldest is dropped first. */
  maxEntries?: number;
  now?: () => number;
  /** Called on every lookup with its outcome and the caller's name for the value (for metrics). */
  onLookup?: (lookup: CacheLookup, name: string) => void;
}

/**
 * Identical keys share one load: concurrent callers wait for the same in-flight load, and callers
 * within `ttlMs` after it finished get the stored value. After that, for `staleWhileRevalidateMs`
 * and for as long as the renewing load runs, the old value is still served while one load renews
 * it. Failures are shared by the callers already waiting but never stored. Values are shared
 * objects: read-only.
 */
export class SharedCache<T> {
  private readonly stored = new Map<string, { expiresAt: number; value: T }>();
  private readonly inFlight = new Map<string, Promise<T>>();
  private readonly maxEntries: number;
  private readonly staleMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SharedCacheOptions) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.staleMs = options.staleWhileRevalidateMs ?? options.ttlMs;
    this.now = options.now ?? Date.now;
  }

  /**
   * The stored value when it can be served right away (fresh, or stale while `load` renews it in
   * the background), without a promise; undefined when the caller has to wait for `get`. Lets a
   * hot path answer synchronously.
   */
  peek(key: string, name: string, load: () => Promise<T>): T | undefined {
    if (this.options.ttlMs <= 0) return undefined;
    const entry = this.stored.get(key);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.expiresAt > now) {
      this.options.onLookup?.('hit', name);
      return entry.value;
    }
    const renewing = this.inFlight.has(key);
    if (renewing || entry.expiresAt + this.staleMs > now) {
      this.options.onLookup?.('stale', name);
      if (!renewing) this.load(key, load).catch(() => undefined);
      return entry.value;
    }
    return undefined;
  }

  /** The value for `key`: stored, shared with an in-flight load, or loaded now. */
  get(key: string, name: string, load: () => Promise<T>): Promise<T> {
    if (this.options.ttlMs <= 0) {
      this.options.onLookup?.('miss', name);
      return load();
    }
    const ready = this.peek(key, name, load);
    if (ready !== undefined) return Promise.resolve(ready);
    const pending = this.inFlight.get(key);
    if (pending) {
      this.options.onLookup?.('shared', name);
      return pending;
    }
    this.options.onLookup?.('miss', name);
    return this.load(key, load);
  }

  get size(): number {
    return this.stored.size;
  }

  private load(key: string, load: () => Promise<T>): Promise<T> {
    const request = load()
      .then((value) => {
        this.store(key, value);
        return value;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, request);
    return request;
  }

  private store(key: string, value: T): void {
    const now = this.now();
    this.stored.delete(key);
    for (const [k, e] of this.stored) {
      if (this.stored.size < this.maxEntries && e.expiresAt + this.staleMs > now) break;
      this.stored.delete(k);
    }
    this.stored.set(key, { expiresAt: now + this.options.ttlMs, value });
  }
}

export type SharedQueryCacheOptions = SharedCacheOptions;

/** A `SharedCache` of Pinot results keyed by SQL text, usable wherever a `PinotQuerier` is. */
export class SharedQueryCache implements PinotQuerier {
  private readonly cache: SharedCache<PinotResult>;

  constructor(
    private readonly inner: PinotQuerier,
    options: SharedQueryCacheOptions,
  ) {
    this.cache = new SharedCache(options);
  }

  query(statement: SqlFragment, options: PinotQueryOptions = {}): Promise<PinotResult> {
    return this.cache.get(statement.text, options.name ?? 'query', () => this.inner.query(statement, options));
  }

  get size(): number {
    return this.cache.size;
  }
}
