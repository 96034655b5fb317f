import type { Logger } from '@pizzashop/common';
import type { Pool } from 'mysql2/promise';
import { loadCustomers, loadProducts, type CatalogueProduct, type Customer } from './catalogue.js';
import type { Catalogue } from './order-generator.js';

/**
 * The simulator's view of MariaDB: customers loaded once, products reloaded every `reloadMs` so
 * new products get ordered and deleted ones stop being ordered.
 */
export class CatalogueStore {
  private customers: Customer[] = [];
  private products: CatalogueProduct[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly reloadMs: number,
    private readonly log: Logger,
    private readonly onProducts: (count: number) => void,
  ) {}

  get loaded(): boolean {
    return this.customers.length > 0 && this.products.length > 0;
  }

  get current(): Catalogue {
    return { customers: this.customers, products: this.products };
  }

  async load(): Promise<void> {
    this.customers = await loadCustomers(this.pool);
    this.setProducts(await loadProducts(this.pool));
    this.log.info({ customers: this.customers.length, products: this.products.length }, 'catalogue loaded');
    this.timer = setInterval(() => void this.reloadProducts(), this.reloadMs);
    this.timer.unref();
  }

  async reloadProducts(): Promise<void> {
    try {
      const before = new Set(this.products.map((p) => p.id));
      const products = await loadProducts(this.pool);
      const after = new Set(products.map((p) => p.id));
      const added = products.filter((p) => !before.has(p.id)).length;
      const removed = [...before].filter((id) => !after.has(id)).length;
      this.setProducts(products);
      if (added + removed > 0) this.log.info({ added, removed, products: products.length }, 'products reloaded');
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'products reload failed; keeping the previous catalogue');
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private setProducts(products: CatalogueProduct[]): void {
    this.products = products;
    this.onProducts(products.length);
  }
}
