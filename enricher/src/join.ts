// The join of one order with the products as they were when it was placed: an enriched record per
// item whose product version is known for that time, a waiting item for each one whose is not.
import type { Order, OrderItem } from '@pizzashop/common';
import type { ProductVersion } from './products-history.js';
import type { WaitingItem } from './waiting-item.js';

/** The version of a product valid at a time (ms), or undefined. */
export type ProductAt = (id: string, time: number) => ProductVersion | undefined;

/** One enriched order item, serialised for `enriched-order-items` (key = order id). */
export interface EnrichedRecord {
  key: string;
  value: string;
}

export interface JoinResult {
  enriched: EnrichedRecord[];
  waiting: WaitingItem[];
}

/**
 * An `enrichedOrderItemSchema` record as JSON, built from parts that are valid already (a decoded
 * order, a cached product version with its JSON made once), so no item is validated or serialised
 * field by field again.
 */
export function enrichedItemJson(orderId: string, createdAt: string, itemIndex: number, version: ProductVersion, item: OrderItem): string {
  return (
    `{"orderId":${JSON.stringify(orderId)},"createdAt":"${createdAt}","itemIndex":${itemIndex},"product":${version.json},` +
    `"orderItem":{"productId":${JSON.stringify(item.productId)},"quantity":${item.quantity},"price":${item.price}}}`
  );
}

/** Joins `order` with the product versions valid at its `createdAt`. */
export function joinOrder(order: Order, productAt: ProductAt, source: { partition: number; offset: string }, now: Date): JoinResult {
  const result: JoinResult = { enriched: [], waiting: [] };
  const placedAt = Date.parse(order.createdAt);
  const { items } = order;
  for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
    const orderItem = items[itemIndex]!;
    const version = productAt(orderItem.productId, placedAt);
    if (version) {
      result.enriched.push({ key: order.id, value: enrichedItemJson(order.id, order.createdAt, itemIndex, version, orderItem) });
    } else {
      result.waiting.push({
        orderId: order.id,
        createdAt: order.createdAt,
        itemIndex,
        orderItem,
        sourcePartition: source.partition,
        sourceOffset: source.offset,
        waitingSince: now.toISOString(),
      });
    }
  }
  return result;
}

export function enrichWaitingItem(item: WaitingItem, version: ProductVersion): EnrichedRecord {
  return { key: item.orderId, value: enrichedItemJson(item.orderId, item.createdAt, item.itemIndex, version, item.orderItem) };
}
