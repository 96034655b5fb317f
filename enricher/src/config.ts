// The enricher's env settings: the shared infra keys plus its group, instance id, waiting-item limits and timeouts.
import { hostname } from 'node:os';
import { infraEnvSchema, listenShape } from '@pizzashop/common';
import { z } from 'zod';

export const enricherEnvSchema = infraEnvSchema
  .extend({
    KAFKA_CLIENT_ID: z.string().default('enricher'),
    ...listenShape('enricher'),
    /** Consumer group shared by all instances: they split the `orders` partitions. */
    ENRICHER_GROUP_ID: z.string().min(1).default('enricher'),
    /** Names this instance's private reader groups (products, waiting items) in logs and on the broker. Default host-port. */
    ENRICHER_INSTANCE_ID: z.string().min(1).optional(),
    ENRICHER_UNKNOWN_PRODUCT_TIMEOUT_MS: z.coerce.number().int().positive().default(60000),
    ENRICHER_MAX_WAITING_ITEMS: z.coerce.number().int().positive().default(100000),
    /** How often waiting items are checked for an arrived product or an expired timeout. */
    ENRICHER_RELEASE_INTERVAL_MS: z.coerce.number().int().positive().default(500),
    ENRICHER_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().positive().default(30000),
    /**
     * How long the group waits for a silent instance before giving its partitions to the others
     * (kafkajs has no static membership, so a crashed instance that restarts waits this long too).
     */
    ENRICHER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).default(10000),
    ENRICHER_TOPIC_PARTITIONS: z.coerce.number().int().positive().default(3),
    /** Readiness turns false when an owned orders partition has a backlog and its committed offset did not move for this long. */
    ENRICHER_STALL_MS: z.coerce.number().int().positive().default(60000),
    /** How often the committed offsets are compared with the end of the orders topic. */
    ENRICHER_PROGRESS_CHECK_MS: z.coerce.number().int().positive().default(5000),
    /** How far back product versions are kept for the temporal join: the orders topic's retention (7 days), the oldest order a replay can bring. */
    ENRICHER_PRODUCT_HISTORY_MS: z.coerce.number().int().positive().default(7 * 24 * 3600 * 1000),
    /** Bytes of orders fetched per partition at once: the most one transaction reads. */
    ENRICHER_FETCH_BYTES_PER_PARTITION: z.coerce.number().int().min(65536).default(2 * 1024 * 1024),
  })
  .transform((cfg) => ({ ...cfg, ENRICHER_INSTANCE_ID: cfg.ENRICHER_INSTANCE_ID ?? `${hostname()}-${cfg.ENRICHER_HTTP_PORT}` }));
export type EnricherConfig = z.infer<typeof enricherEnvSchema>;
