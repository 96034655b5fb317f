// The contract of the `order-statuses` topic: the statuses an order goes through and each change of one.
import { z } from 'zod';
import { orderIdSchema } from './order.js';

/** The statuses an order goes through, in order (delivery-service moves it along). */
export const ORDER_STATUSES = ['PLACED_ORDER', 'ORDER_CONFIRMED', 'BEING_PREPARED', 'BEING_COOKED', 'OUT_FOR_DELIVERY', 'DELIVERED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const orderStatusNameSchema = z.enum(ORDER_STATUSES);

/** Epoch milliseconds (Pinot's TIMESTAMP column takes them as they are). */
const epochMs = z.number().int().nonnegative();

/** A message on `order-statuses`, keyed by order id: the order entered `status` at `ts`. */
export const orderStatusSchema = z.object({
  id: orderIdSchema,
  status: orderStatusNameSchema,
  ts: epochMs,
});
export type OrderStatusEvent = z.infer<typeof orderStatusSchema>;

/** A message on `delivery-statuses`, keyed by order id: where the order's courier is at `ts`. */
export const deliveryStatusSchema = z.object({
  id: orderIdSchema,
  ts: epochMs,
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  status: z.enum(['IN_TRANSIT', 'DELIVERED']),
});
export type DeliveryStatusEvent = z.infer<typeof deliveryStatusSchema>;
