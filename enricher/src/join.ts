import type { EnrichedOrderItem, Order, Product } from '@pizzashop/common';
import type { WaitingItem } from './waiting-item.js';

export type ProductLookup = (id: string) => Product | undefined;

export interface JoinResult {
  enriched: EnrichedOrderItem[];
  waiting: WaitingItem[];
}

/**
 * Joins an order with the products known now: one enriched item per order item whose product is
 * known, a waiting item for each one whose product is not (yet).
 */
export function joinOrder(
  order: Order,
  lookup: ProductLookup,
  source: { partition: number; offset: string },
  now: Date,
): JoinResult {
  const result: JoinResult = { enriched: [], waiting: [] };
  order.items.forEach((orderItem, itemIndex) => {
    const product = lookup(orderItem.productId);
    if (product) {
      result.enriched.push({ orderId: order.id, createdAt: order.createdAt, itemIndex, product, orderItem });
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
  });
  return result;
}

export function enrichWaitingItem(item: WaitingItem, product: Product): EnrichedOrderItem {
  return { orderId: item.orderId, createdAt: item.createdAt, itemIndex: item.itemIndex, product, orderItem: item.orderItem };
}
