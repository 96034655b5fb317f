import { z } from 'zod';
import { isoUtcTimestampSchema } from './time.js';

/** Product ids are strings on the wire; a client sending the MariaDB integer id is accepted too. */
export const productIdSchema = z.union([
  z.string().trim().min(1, 'must be a non-empty product id'),
  z.number().int().nonnegative().transform(String),
]);

export const orderItemSchema = z.object({
  productId: productIdSchema,
  quantity: z.number().int().positive(),
  price: z.number().nonnegative(),
});
export type OrderItem = z.infer<typeof orderItemSchema>;

/** Sum of quantity x price over the items, rounded to cents to absorb floating-point noise. */
export function orderTotal(items: readonly OrderItem[]): number {
  return Math.round(items.reduce((sum, i) => sum + i.quantity * i.price, 0) * 100) / 100;
}

const PRICE_TOLERANCE = 0.005;

const orderFields = {
  id: z.uuid(),
  createdAt: isoUtcTimestampSchema,
  userId: z.number().int().nonnegative(),
  status: z.string().min(1).default('PLACED_ORDER'),
  price: z.number().nonnegative(),
  items: z.array(orderItemSchema).min(1, 'an order needs at least one item'),
  deliveryLat: z.number().min(-90).max(90),
  deliveryLon: z.number().min(-180).max(180),
};

function priceMatchesItems(o: { price: number; items: OrderItem[] }): boolean {
  return Math.abs(o.price - orderTotal(o.items)) < PRICE_TOLERANCE;
}
const priceMismatch = { message: 'must equal the sum of quantity x price over items', path: ['price'] };

/** A message on the `orders` topic. */
export const orderSchema = z.object(orderFields).refine(priceMatchesItems, priceMismatch);
export type Order = z.infer<typeof orderSchema>;

/**
 * An order as a client submits it to `POST /orders`: id and createdAt are assigned by the server
 * when absent, and price is computed from the items when absent (checked when present).
 */
export const orderInputSchema = z
  .object({
    ...orderFields,
    id: orderFields.id.optional(),
    createdAt: orderFields.createdAt.optional(),
    price: orderFields.price.optional(),
  })
  .refine((o) => o.price === undefined || priceMatchesItems({ price: o.price, items: o.items }), priceMismatch);
export type OrderInput = z.input<typeof orderInputSchema>;

/** Completes a validated client order into an `orders` message. */
export function completeOrder(input: z.infer<typeof orderInputSchema>, newId: () => string, now: () => Date): Order {
  return {
    ...input,
    id: input.id ?? newId(),
    createdAt: input.createdAt ?? now().toISOString(),
    price: input.price ?? orderTotal(input.items),
  };
}
