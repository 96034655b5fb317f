// The alerts service's env settings: the shared infra keys plus interval, windows, baselines, z levels and webhook.
import { infraEnvSchema, listenShape } from '@pizzashop/common';
import { z } from 'zod';

/** alerts service settings: the shared infra keys plus its own. Times are real milliseconds; a test accelerates them. */
export const alertsEnvSchema = infraEnvSchema.extend({
  KAFKA_CLIENT_ID: z.string().default('alerts'),
  ...listenShape('alerts'),
  /** How often the last window is compared with its baseline. */
  ALERTS_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  /** Length of the compared window (and of each baseline window). */
  ALERTS_WINDOW_MS: z.coerce.number().int().min(100).default(60_000),
  /** The window ends this long before now, so Pinot holds what it covers. */
  ALERTS_INGEST_LAG_MS: z.coerce.number().int().nonnegative().default(10_000),
  /** Trailing windows used as the baseline when earlier days hold no data. */
  ALERTS_TRAILING_WINDOWS: z.coerce.number().int().min(3).max(200).default(30),
  /** Earlier days looked at for the same time of day, and how many must hold data to use them. */
  ALERTS_SEASONAL_DAYS: z.coerce.number().int().min(1).max(28).default(7),
  ALERTS_SEASONAL_MIN_DAYS: z.coerce.number().int().min(1).max(28).default(3),
  /** Length of a "day" for the same-time-of-day baseline (shortened with a simulator's time acceleration). */
  ALERTS_DAY_MS: z.coerce.number().int().positive().default(86_400_000),
  /** |robust z| at which a metric is a warning and a critical anomaly; below ALERTS_Z_CLOSE it is normal again. */
  ALERTS_Z_WARNING: z.coerce.number().positive().default(4),
  ALERTS_Z_CRITICAL: z.coerce.number().positive().default(8),
  ALERTS_Z_CLOSE: z.coerce.number().positive().default(2),
  /** Consecutive anomalous evaluations before an alert opens, normal ones before it closes. */
  ALERTS_OPEN_AFTER: z.coerce.number().int().min(1).default(2),
  ALERTS_CLOSE_AFTER: z.coerce.number().int().min(1).default(2),
  /** Below this many expected orders per window, average order value and category shares are not judged (too noisy). */
  ALERTS_MIN_ORDERS: z.coerce.number().int().min(1).default(30),
  /** Slack-compatible webhook (`{"text": ...}`) told of every alert opening and closing; none when empty. */
  ALERTS_WEBHOOK_URL: z.string().url().optional(),
  ALERTS_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  ALERTS_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  ALERTS_WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(1).default(500),
  PINOT_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
}).refine((c) => c.ALERTS_Z_CLOSE < c.ALERTS_Z_WARNING && c.ALERTS_Z_WARNING <= c.ALERTS_Z_CRITICAL, {
  message: 'ALERTS_Z_CLOSE < ALERTS_Z_WARNING <= ALERTS_Z_CRITICAL is required',
  path: ['ALERTS_Z_WARNING'],
});
export type AlertsConfig = z.infer<typeof alertsEnvSchema>;
