// pizzashop-api settings from env: the shared infra keys plus Pinot timeouts and connections, the
// query cache TTLs, stream limits and CORS origins.
import { infraEnvSchema, listenShape } from '@pizzashop/common';
import { z } from 'zod';

/** pizzashop-api settings: the shared infra keys plus the API's own (all overridable by env). */
export const apiEnvSchema = infraEnvSchema.extend({
  ...listenShape('pizzashop-api'),
  PINOT_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  PINOT_CONNECTIONS_PER_BROKER: z.coerce.number().int().min(1).max(1024).default(64),
  QUERY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /**
   * How long the reads of one order (GET /orders/{id} and its stream: the order, its products,
   * status, history, courier) are reused, never served stale past it: a customer's order must
   * show up and move at once, so this is shorter than QUERY_CACHE_TTL_MS, and everyone watching
   * one order still shares one read.
   */
  ORDER_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  STREAM_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  STREAM_MAX_SUBSCRIBERS: z.coerce.number().int().min(1).max(100_000).default(2000),
  STREAM_MAX_CHANNELS: z.coerce.number().int().min(1).max(1000).default(36),
  /** Open `/orders/{id}/stream` connections at most (each polls its order through the shared-query cache). */
  ORDER_STREAM_MAX: z.coerce.number().int().min(1).max(100_000).default(5000),
  STREAM_STALL_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  CORS_ORIGINS: z
    .string()
    .default('http://localhost:8501')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),
});
export type ApiConfig = z.infer<typeof apiEnvSchema>;
