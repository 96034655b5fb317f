// orders-service settings from env: the shared infra keys plus simulator, ingest rules, dedup and
// publisher limits.
import { DEFAULT_INGEST_RULES, infraEnvSchema, listenShape } from '@pizzashop/common';
import { z } from 'zod';
import { parseServiceArea } from './service-area.js';
import { DEFAULT_DAILY_CURVE } from './traffic-model.js';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const DAY_MS = 86_400_000;

export const ordersServiceEnvSchema = infraEnvSchema
  .extend({
    KAFKA_CLIENT_ID: z.string().default('orders-service'),
    SIMULATOR_ENABLED: booleanFlag.default(true),
    /** Simulated orders per second: the flat rate, or the daily profile's mean over a week. */
    SIMULATOR_RATE: z.coerce.number().positive().default(10),
    /** `daily`: Poisson arrivals around a daily curve with bursts; `flat`: exactly SIMULATOR_RATE (benchmarks). */
    SIMULATOR_PROFILE: z.enum(['daily', 'flat'], { message: 'must be daily or flat' }).default('daily'),
    /** 24 comma-separated relative weights, one per UTC hour (normalised to a mean of 1). */
    SIMULATOR_DAILY_CURVE: z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined) return DEFAULT_DAILY_CURVE;
        const weights = raw.split(',').map((w) => Number(w.trim()));
        if (weights.length !== 24 || weights.some((w) => !Number.isFinite(w) || w < 0) || weights.every((w) => w === 0)) {
          ctx.addIssue({ code: 'custom', message: `must be 24 comma-separated non-negative weights (one per hour, not all 0), got ${weights.length} values` });
          return z.NEVER;
        }
        return weights;
      }),
    /** Saturday and Sunday intensity relative to a weekday. */
    SIMULATOR_WEEKEND_FACTOR: z.coerce.number().positive().default(1.3),
    /** Expected bursts per simulated day (0 = none), their intensity multiplier and simulated length. */
    SIMULATOR_BURSTS_PER_DAY: z.coerce.number().nonnegative().default(3),
    SIMULATOR_BURST_FACTOR: z.coerce.number().min(1).default(2.5),
    SIMULATOR_BURST_MINUTES: z.coerce.number().positive().default(10),
    /** Simulated ms per real ms (60: an hour of the curve per real minute). */
    SIMULATOR_TIME_ACCELERATION: z.coerce.number().positive().default(1),
    /** The simulated instant the run starts at (ISO 8601); default: now. */
    SIMULATOR_START_TIME: z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-12-01T11:00:00Z' }).optional(),
    /** Seed of every random choice (arrivals, bursts, contents): the same seed replays the same run. */
    SIMULATOR_SEED: z.coerce.number().int().optional(),
    /** Orders per Kafka send in the simulator. */
    SIMULATOR_BATCH_SIZE: z.coerce.number().int().positive().default(2000),
    SIMULATOR_PROGRESS_EVERY: z.coerce.number().int().positive().default(10000),
    /** Products and users are reloaded from MariaDB this often (and on a miss). */
    CATALOGUE_RELOAD_MS: z.coerce.number().int().positive().default(10_000),
    /** Least time between two reloads asked for by misses (unknown product or user, another price). */
    CATALOGUE_MISS_RELOAD_MIN_INTERVAL_MS: z.coerce.number().int().nonnegative().default(1000),
    ...listenShape('orders-service'),
    ORDERS_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(64 * 1024),
    /** Longest a POST /orders waits in the queue for its produce request before it is withdrawn (503). */
    ORDERS_SEND_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
    /** A produce request unanswered this long: 503 at once (and not ready) until it completes. */
    ORDERS_PRODUCE_STALL_MS: z.coerce.number().int().positive().default(2000),
    /** Most orders accepted by POST /orders and not yet acknowledged; past it, 503 at once. */
    ORDERS_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(10_000),
    /** Most orders per produce request (micro-batch); 1 sends one request per order. */
    ORDERS_PRODUCE_BATCH_MAX: z.coerce.number().int().positive().default(1000),
    /** How often the broker is checked (readiness, 503 at once while it is unreachable). */
    ORDERS_BROKER_CHECK_MS: z.coerce.number().int().positive().default(1000),
    /** Acknowledged order ids remembered so a retried POST /orders is not sent again. */
    ORDERS_DEDUP_CAPACITY: z.coerce.number().int().positive().default(100_000),
    ORDERS_TOPIC_PARTITIONS: z.coerce.number().int().positive().default(3),
    ORDERS_MAX_ITEMS: z.coerce.number().int().positive().default(DEFAULT_INGEST_RULES.maxItems),
    ORDERS_MAX_QUANTITY: z.coerce.number().int().positive().default(DEFAULT_INGEST_RULES.maxQuantity),
    ORDERS_CREATED_AT_MAX_AHEAD_MS: z.coerce.number().int().nonnegative().default(DEFAULT_INGEST_RULES.createdAtMaxAheadMs),
    /** Pinot's table retention (the launcher's variable): the default of how old a createdAt may be. */
    PINOT_RETENTION_DAYS: z.coerce.number().int().min(1).default(7),
    ORDERS_CREATED_AT_MAX_BEHIND_MS: z.coerce.number().int().nonnegative().optional(),
    /** Delivery area: "lat,lon,radiusKm" around the shop (the seeded users live inside it). */
    ORDERS_SERVICE_AREA: z
      .string()
      .default('12.975,77.625,25')
      .transform((raw, ctx) => {
        try {
          return parseServiceArea(raw);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
          return z.NEVER;
        }
      }),
  })
  .transform(({ ORDERS_CREATED_AT_MAX_BEHIND_MS, ...cfg }) => ({
    ...cfg,
    ORDERS_CREATED_AT_MAX_BEHIND_MS: ORDERS_CREATED_AT_MAX_BEHIND_MS ?? cfg.PINOT_RETENTION_DAYS * DAY_MS,
  }));
export type OrdersServiceConfig = z.infer<typeof ordersServiceEnvSchema>;
