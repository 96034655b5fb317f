// The join of one order with the products as they were when it was placed: an enriched record per
// item whose product version is known for that time, a waiting item for each one whose is not.
import type { Order, OrderItem } from '@pizzashop/common';
import type { KnownVersion } from './products-history.js';
import type { WaitingItem } from './waiting-item.js';

/** The version of a product valid at a time (ms), or undefined (also when it was deleted then). */
export type ProductAt = (id: string, time: number) => KnownVersion | undefined;

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
export function enrichedItemJson(orderId: string, createdAt: string, itemIndex: number, version: KnownVersion, item: OrderItem, firstOfCategory: 0 | 1): string {
  return (
    `{"orderId":${JSON.stringify(orderId)},"createdAt":"${createdAt}","itemIndex":${itemIndex},"product":${version.json},` +
    `"orderItem":{"productId":${JSON.stringify(item.productId)},"quantity":${item.quantity},"price":${item.price}},"firstOfCategory":${firstOfCategory}}`
  );
}

/** `firstOfCategory` of a line whose category is `category`: 1 when no line before it had that category (`seen`, which it joins). */
function firstIn(seen: Set<string>, category: string): 0 | 1 {
  if (seen.has(category)) return 0;
  seen.add(category);
  return 1;
}

/**
 * Joins `order` with the product versions valid at its `createdAt`. A known line's `firstOfCategory`
 * is 1 when no earlier known line has its category; an unknown line waits, remembering which lines
 * may count the order for its category before it is released (see `enrichWaitingItem`).
 */
export function joinOrder(order: Order, productAt: ProductAt, source: { partition: number; offset: string }, now: Date): JoinResult {
  const result: JoinResult = { enriched: [], waiting: [] };
  const placedAt = Date.parse(order.createdAt);
  const { items } = order;
  const seen = new Set<string>();
  const unknown: number[] = [];
  for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
    const orderItem = items[itemIndex]!;
    const version = productAt(orderItem.productId, placedAt);
    if (version) {
      result.enriched.push({ key: order.id, value: enrichedItemJson(order.id, order.createdAt, itemIndex, version, orderItem, firstIn(seen, version.product.category)) });
    } else {
      unknown.push(itemIndex);
    }
  }
  if (unknown.length > 0) result.waiting = waitingItems(order, unknown, source, now);
  return result;
}

/**
 * The waiting items of `order`'s lines at `unknown` (ascending indexes of its lines whose product is
 * unknown), each with the product ids of the lines that may count the order for its category
 * before it: all earlier lines, and the later ones whose product is known (they are enriched now).
 */
function waitingItems(order: Order, unknown: readonly number[], source: { partition: number; offset: string }, now: Date): WaitingItem[] {
  const productIds = order.items.map((i) => i.productId);
  const waitingSince = now.toISOString();
  return unknown.map((itemIndex) => ({
    orderId: order.id,
    createdAt: order.createdAt,
    itemIndex,
    orderItem: order.items[itemIndex]!,
    earlierProductIds: productIds.slice(0, itemIndex),
    laterKnownProductIds: productIds.filter((_, j) => j > itemIndex && !unknown.includes(j)),
    sourcePartition: source.partition,
    sourceOffset: source.offset,
    waitingSince,
  }));
}

/**
 * The enriched record of a waiting item whose product is now known (`version`). Its
 * `firstOfCategory` is 1 unless a line that may have counted its order for the category (its
 * `earlierProductIds` and `laterKnownProductIds`) has, at the order time, a version of that category.
 * Known limit: when an earlier line of the same category was itself waiting and is still unknown,
 * both lines may carry 1 (the order counts twice for that category); this needs two lines of one
 * order waiting for two different unknown products of the same category.
 */
export function enrichWaitingItem(item: WaitingItem, version: KnownVersion, productAt: ProductAt): EnrichedRecord {
  const placedAt = Date.parse(item.createdAt);
  const { category } = version.product;
  const counted = [...item.earlierProductIds, ...item.laterKnownProductIds].some((id) => {
    const other = productAt(id, placedAt);
    return other?.product.category === category;
  });
  return { key: item.orderId, value: enrichedItemJson(item.orderId, item.createdAt, item.itemIndex, version, item.orderItem, counted ? 0 : 1) };
}
