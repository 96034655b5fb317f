// Order items waiting for their product, per orders partition, and which of them can leave now.
import type { ProductAt } from './join.js';
import type { KnownVersion } from './products-history.js';
import { waitingItemKey, type WaitingItem } from './waiting-item.js';

export interface Releasable {
  ready: { item: WaitingItem; version: KnownVersion }[];
  expired: WaitingItem[];
}

/** Order items waiting for their product, grouped by the `orders` partition they came from. */
export class WaitingItems {
  private readonly partitions = new Map<number, Map<string, WaitingItem>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  items(partition: number): WaitingItem[] {
    return [...(this.partitions.get(partition)?.values() ?? [])];
  }

  add(items: readonly WaitingItem[]): void {
    for (const item of items) {
      let partition = this.partitions.get(item.sourcePartition);
      if (!partition) this.partitions.set(item.sourcePartition, (partition = new Map()));
      const key = waitingItemKey(item);
      if (!partition.has(key)) this.count++;
      partition.set(key, item);
    }
  }

  remove(items: readonly WaitingItem[]): void {
    for (const item of items) this.removeKey(item.sourcePartition, waitingItemKey(item));
  }

  removeKey(partition: number, key: string): void {
    if (this.partitions.get(partition)?.delete(key)) this.count--;
  }

  /** Replaces everything waiting for `partition` (restore after an assignment). */
  replacePartition(partition: number, items: readonly WaitingItem[]): void {
    this.dropPartition(partition);
    this.add(items);
  }

  dropPartition(partition: number): void {
    this.count -= this.partitions.get(partition)?.size ?? 0;
    this.partitions.delete(partition);
  }

  /**
   * Items of `partition` that can leave the buffer now, without removing them: `ready` when a
   * version of the product valid at the order's time is known, `expired` when they waited
   * `timeoutMs` or longer; at most `limit` in all.
   */
  releasable(partition: number, productAt: ProductAt, now: Date, timeoutMs: number, limit: number): Releasable {
    const result: Releasable = { ready: [], expired: [] };
    for (const item of this.partitions.get(partition)?.values() ?? []) {
      if (result.ready.length + result.expired.length >= limit) break;
      const version = productAt(item.orderItem.productId, Date.parse(item.createdAt));
      if (version) result.ready.push({ item, version });
      else if (now.getTime() - Date.parse(item.waitingSince) >= timeoutMs) result.expired.push(item);
    }
    return result;
  }
}
