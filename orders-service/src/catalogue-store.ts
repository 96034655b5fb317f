// orders-service's in-memory copy of the MariaDB catalogue (products, prices, customers), reloaded on
// a timer and on a miss.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@pizzashop/common';
import type { Pool } from 'mysql2/promise';
import { loadCustomers, loadProducts, type CatalogueProduct, type Customer } from './catalogue.js';

/** One consistent view of the catalogue: products and customers as loaded together. */
export interface CatalogueSnapshot {
  products: ReadonlyMap<string, CatalogueProduct>;
  customers: ReadonlyMap<number, Customer>;
  /** When this view was read from MariaDB. */
  loadedAt: Date;
}

export interface CatalogueStoreOptions {
  /** Reload period. */
  reloadMs: number;
  /** Least time between two reloads asked for by a miss (unknown product or user, other price). */
  missReloadMinIntervalMs: number;
}

const EMPTY: CatalogueSnapshot = { products: new Map(), customers: new Map(), loadedAt: new Date(0) };

/**
 * orders-service's view of MariaDB (the source of truth for products, prices and users): loaded at
 * start, reloaded every `reloadMs`, and reloaded on a miss so a product or user created a moment ago
 * or a price just changed is seen at once. Misses share one reload and cause at most one per
 * `missReloadMinIntervalMs`, so a client sending unknown ids cannot hammer the database.
 */
export class CatalogueStore {
  private snapshot: CatalogueSnapshot = EMPTY;
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<CatalogueSnapshot> | undefined;
  private lastAttemptAt = 0;
  /** The reload that answers the misses waiting now; `readStartedAt` once it reads MariaDB. */
  private missReload: { readStartedAt: number | undefined; done: Promise<CatalogueSnapshot> } | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly options: CatalogueStoreOptions,
    private readonly log: Logger,
    private readonly onLoaded: (snapshot: CatalogueSnapshot) => void,
  ) {}

  get loaded(): boolean {
    return this.snapshot.products.size > 0 && this.snapshot.customers.size > 0;
  }

  get current(): CatalogueSnapshot {
    return this.snapshot;
  }

  /** First load (throws when MariaDB is unreachable; the caller retries), then the periodic reload. */
  async load(): Promise<void> {
    const snapshot = await this.reload();
    this.log.info({ customers: snapshot.customers.size, products: snapshot.products.size }, 'catalogue loaded');
    this.timer ??= setInterval(() => void this.reload().catch(() => undefined), this.options.reloadMs);
    this.timer.unref();
  }

  /**
   * The catalogue as read from MariaDB after the miss arrived, so a product or user created, or a
   * price changed, before the request is seen. Misses share one reload, and reloads for misses
   * start at least `missReloadMinIntervalMs` after the previous read (a miss may wait that long).
   * Throws when MariaDB cannot be read: a miss is never answered from a catalogue it could not check.
   */
  async afterMiss(): Promise<CatalogueSnapshot> {
    const missAt = Date.now();
    while (this.missReload?.readStartedAt !== undefined && this.missReload.readStartedAt < missAt) {
      await this.missReload.done.catch(() => undefined);
    }
    this.missReload ??= this.scheduleMissReload();
    return this.missReload.done;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private scheduleMissReload(): { readStartedAt: number | undefined; done: Promise<CatalogueSnapshot> } {
    const entry: { readStartedAt: number | undefined; done: Promise<CatalogueSnapshot> } = { readStartedAt: undefined, done: Promise.resolve(this.snapshot) };
    entry.done = (async () => {
      const wait = this.lastAttemptAt + this.options.missReloadMinIntervalMs - Date.now();
      if (wait > 0) await sleep(wait);
      while (this.reloading) await this.reloading.catch(() => undefined);
      entry.readStartedAt = Date.now();
      return this.reload();
    })().finally(() => {
      if (this.missReload === entry) this.missReload = undefined;
    });
    return entry;
  }

  /** Reads both tables (one reload at a time); keeps the previous catalogue when MariaDB fails. */
  private reload(): Promise<CatalogueSnapshot> {
    this.reloading ??= this.read().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async read(): Promise<CatalogueSnapshot> {
    this.lastAttemptAt = Date.now();
    try {
      const [products, customers] = await Promise.all([loadProducts(this.pool), loadCustomers(this.pool)]);
      const next: CatalogueSnapshot = {
        products: new Map(products.map((p) => [p.id, p])),
        customers: new Map(customers.map((c) => [c.id, c])),
        loadedAt: new Date(),
      };
      this.logChanges(next);
      this.snapshot = next;
      this.onLoaded(next);
      return next;
    } catch (err) {
      if (this.loaded) this.log.warn({ err }, 'catalogue reload failed; keeping the previous catalogue');
      throw err;
    }
  }

  private logChanges(next: CatalogueSnapshot): void {
    const before = this.snapshot;
    if (before.products.size === 0) return;
    const added = [...next.products.keys()].filter((id) => !before.products.has(id)).length;
    const removed = [...before.products.keys()].filter((id) => !next.products.has(id)).length;
    const repriced = [...next.products.values()].filter((p) => {
      const old = before.products.get(p.id);
      return old !== undefined && old.price !== p.price;
    }).length;
    const customers = next.customers.size - before.customers.size;
    if (added + removed + repriced + Math.abs(customers) > 0) {
      this.log.info({ added, removed, repriced, customers: next.customers.size, products: next.products.size }, 'catalogue changed');
    }
  }
}
