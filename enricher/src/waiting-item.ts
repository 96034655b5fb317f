// The schema of a waiting item: an order item parked on the waiting topic until its product is known.
import { isoUtcTimestampSchema, orderItemSchema } from '@pizzashop/common';
import { z } from 'zod';

/**
 * An order item whose product was unknown when its order was joined. Stored (in the same
 * transaction that commits the order's offset) on the compacted waiting topic, in the partition
 * of the order, keyed by `orderId/itemIndex`; a tombstone marks it released.
 */
export const waitingItemSchema = z.object({
  orderId: z.uuid(),
  createdAt: isoUtcTimestampSchema,
  itemIndex: z.number().int().nonnegative(),
  orderItem: orderItemSchema,
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
