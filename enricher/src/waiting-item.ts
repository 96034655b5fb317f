// The schema of a waiting item: an order item parked on the waiting topic until its product is known.
import { isoUtcTimestampSchema, orderItemSchema } from '@pizzashop/common';
import { z } from 'zod';

/**
 * An order item whose product was unknown when its order was joined. Stored (in the same
 * transaction that commits the order's offset) on the compacted waiting topic, in the partition
 * of the order, keyed by `orderId/itemIndex`; a tombstone marks it released.
 *
 * `earlierProductIds` (the products of the order's lines before it) and `laterKnownProductIds` (of
 * its later lines whose product was known at the join) are the lines that may count the order for
 * the item's category before it, for its `firstOfCategory`. They default to none, so the items
 * stored before they were added still parse (and are released with 1).
 */
export const waitingItemSchema = z.object({
  orderId: z.uuid(),
  createdAt: isoUtcTimestampSchema,
  itemIndex: z.number().int().nonnegative(),
  orderItem: orderItemSchema,
  earlierProductIds: z.array(z.string()).default([]),
  laterKnownProductIds: z.array(z.string()).default([]),
  sourcePartition: z.number().int().nonnegative(),
  sourceOffset: z.string().regex(/^\d+$/),
  waitingSince: isoUtcTimestampSchema,
});
export type WaitingItem = z.infer<typeof waitingItemSchema>;

export function waitingItemKey(item: Pick<WaitingItem, 'orderId' | 'itemIndex'>): string {
  return `${item.orderId}/${item.itemIndex}`;
}

/** Reads a waiting item written by `waitingItemSchema`; undefined if the bytes are not one. */
export function parseWaitingItem(bytes: Buffer): WaitingItem | undefined {
  try {
    const parsed = waitingItemSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
