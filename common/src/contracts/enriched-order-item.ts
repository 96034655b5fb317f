// The contract of the `enriched-order-items` topic: one order item joined with its product.
import { z } from 'zod';
import { orderItemSchema } from './order.js';
import { productSchema } from './product.js';
import { isoUtcTimestampSchema } from './time.js';

/**
 * A message on `enriched-order-items`: one per order item, key = order id. `itemIndex` is the item's
 * position (line) in the order's `items`, so the same product on two lines of one order is two
 * items, and (orderId, itemIndex) identifies an item exactly (a duplicate has the same pair).
 */
export const enrichedOrderItemSchema = z.object({
  orderId: z.uuid(),
  createdAt: isoUtcTimestampSchema,
  itemIndex: z.number().int().nonnegative(),
  product: productSchema,
  orderItem: orderItemSchema,
});
export type EnrichedOrderItem = z.infer<typeof enrichedOrderItemSchema>;
