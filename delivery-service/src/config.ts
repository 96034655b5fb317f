// delivery-service's env settings: the shared infra keys plus its group, transactional id and lifecycle pacing.
import { infraEnvSchema, listenShape } from '@pizzashop/common';
import { z } from 'zod';

export const deliveryEnvSchema = infraEnvSchema
  .extend({
    KAFKA_CLIENT_ID: z.string().default('delivery-service'),
    ...listenShape('delivery-service'),
    /** Consumer group on `orders` (one instance: see the README). */
    DELIVERY_GROUP_ID: z.string().min(1).default('delivery-service'),
    /** Stable across restarts: a restarted instance fences its predecessor and aborts its open transaction. */
    DELIVERY_TRANSACTIONAL_ID: z.string().min(1).default('delivery-service'),
    /** Each kitchen step (confirm, prepare, cook, hand over) takes a random time in [min, max] ms, divided by the speed-up. */
    DELIVERY_STEP_MIN_MS: z.coerce.number().int().positive().default(30_000),
    DELIVERY_STEP_MAX_MS: z.coerce.number().int().positive().default(120_000),
    DELIVERY_COURIER_KMH: z.coerce.number().positive().default(25),
    /** Time runs this many times faster: step times and courier travel shrink, positions come more often. */
    DELIVERY_SPEEDUP: z.coerce.number().positive().default(1),
    /** A courier position every second of simulated time, but never more often than this (ms of real time). */
    DELIVERY_MIN_POSITION_INTERVAL_MS: z.coerce.number().int().positive().default(200),
    /** A publishing cycle (one transaction: new orders, due statuses and positions) starts this often, or at once when the last one took longer. */
    DELIVERY_TICK_MS: z.coerce.number().int().positive().default(100),
    /** At most this many orders (new ones and those with a status or position due) go into one cycle's transaction; more due start the next cycle at once. */
    DELIVERY_MAX_CYCLE_ORDERS: z.coerce.number().int().positive().default(10_000),
    /**
     * A consumer group with no committed offsets on `orders` (the first start) starts at the orders
     * of this many ms before the start, not at the end: orders sent before it are taken in too.
     */
    DELIVERY_NEW_GROUP_LOOKBACK_MS: z.coerce.number().int().nonnegative().default(30 * 60_000),
    DELIVERY_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  })
  .refine((c) => c.DELIVERY_STEP_MIN_MS <= c.DELIVERY_STEP_MAX_MS, { message: 'DELIVERY_STEP_MIN_MS must be at most DELIVERY_STEP_MAX_MS', path: ['DELIVERY_STEP_MIN_MS'] });
export type DeliveryConfig = z.infer<typeof deliveryEnvSchema>;
