// The contract of the `enriched-order-items` topic: one order item joined with its product.
import { z } from 'zod';
import { orderItemSchema } from './order.js';
import { productSchema } from './product.js';
import { isoUtcTimestampSchema } from './time.js';

/**
 * A message on `enriched-order-items`: one per order item, key = order id. `itemIndex` is the item's
 * position (line) in the order's `items`, so the same product on two lines of one order is two
 * items, and (orderId, itemIndex) identifies an item exactly (a duplicate has the same pair).
 *
 * `firstOfCategory` is 1 on the order's first line (lowest `itemIndex`) whose product has this
 * product's category and 0 on its other lines of that category, so its sum per category over a
 * window counts the distinct orders containing the category (Pinot sums it at ingestion, hence a
 * number, not a boolean). It is absent on records enriched before it was added: readers count
 * absent as 0. Optional, so the registered schema stays backward compatible.
 */
export const enrichedOrderItemSchema = z.object({
  orderId: z.uuid(),
  createdAt: isoUtcTimestampSchema,
  itemIndex: z.number().int().nonnegative(),
  product: productSchema,
  orderItem: orderItemSchema,
  firstOfCategory: z.union([z.literal(0), z.literal(1)]).optional(),
});
export type EnrichedOrderItem = z.infer<typeof enrichedOrderItemSchema>;
