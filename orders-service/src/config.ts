import { infraEnvSchema } from '@pizzashop/common';
import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const ordersServiceEnvSchema = infraEnvSchema.extend({
  KAFKA_CLIENT_ID: z.string().default('orders-service'),
  SIMULATOR_ENABLED: booleanFlag.default(true),
  /** Simulated orders per second. */
  SIMULATOR_RATE: z.coerce.number().positive().default(10),
  /** Orders per Kafka send in the simulator. */
  SIMULATOR_BATCH_SIZE: z.coerce.number().int().positive().default(2000),
  SIMULATOR_PROGRESS_EVERY: z.coerce.number().int().positive().default(10000),
  PRODUCTS_RELOAD_MS: z.coerce.number().int().positive().default(30000),
  ORDERS_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  ORDERS_HTTP_HOST: z.string().default('0.0.0.0'),
  ORDERS_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  /** How long POST /orders waits for Kafka's acknowledgement before answering 503. */
  ORDERS_SEND_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** Acknowledged order ids remembered so a retried POST /orders is not sent again. */
  ORDERS_DEDUP_CAPACITY: z.coerce.number().int().positive().default(100_000),
  ORDERS_TOPIC_PARTITIONS: z.coerce.number().int().positive().default(3),
});
export type OrdersServiceConfig = z.infer<typeof ordersServiceEnvSchema>;
