import { z } from 'zod';
import { orderItemSchema } from './order.js';
import { productSchema } from './product.js';
import { isoUtcTimestampSchema } from './time.js';

/** A message on `enriched-order-items`: one per order item, key = order id. */
export const enrichedOrderItemSchema = z.object({
  orderId: z.uuid(),
  createdAt: isoUtcTimestampSchema,
  product: productSchema,
  orderItem: orderItemSchema,
});
export type EnrichedOrderItem = z.infer<typeof enrichedOrderItemSchema>;
