// The contract of the `alerts` topic: a metric that left its baseline, with direction, severity and status.
import { z } from 'zod';
import { isoUtcTimestampSchema } from './time.js';

/** What an alert is about: order count, revenue, average order value, or one category's share of units. */
export const alertMetricSchema = z.string().regex(/^(orders|revenue|averageOrderValue|categoryShare:[A-Za-z0-9_-]{1,64})$/, 'must be orders, revenue, averageOrderValue or categoryShare:<category>');

/**
 * A message on `alerts` (key = alert id; the latest record per id is the alert's state): a metric of
 * the last window that left its baseline, raised by the alerts service. The same id is written
 * again when its severity changes, when it closes (the metric is back to normal) and when a webhook
 * delivery is recorded (`notified`), so the compacted topic and the Pinot upsert table both hold
 * one current row per alert.
 */
export const alertSchema = z.object({
  id: z.uuid(),
  metric: alertMetricSchema,
  /** `drop`: below the baseline (an outage?); `spike`: above it (a promotion, fraud?). */
  direction: z.enum(['drop', 'spike']),
  severity: z.enum(['warning', 'critical']),
  status: z.enum(['open', 'closed']),
  /** The metric in the window that raised (or last updated) the alert. */
  observed: z.number(),
  /** The baseline's median. */
  expected: z.number(),
  /** Robust z-score: (observed - median) / (1.4826 x MAD, floored by the metric's sampling noise). */
  zScore: z.number(),
  baseline: z.enum(['same-time-earlier-days', 'trailing-windows']),
  window: z.object({ from: isoUtcTimestampSchema, to: isoUtcTimestampSchema }),
  openedAt: isoUtcTimestampSchema,
  updatedAt: isoUtcTimestampSchema,
  closedAt: isoUtcTimestampSchema.nullable(),
  /** Webhook deliveries done (the alert's opening, its closing): never sent twice, even across a restart. */
  notified: z.array(z.enum(['open', 'closed'])),
});
export type Alert = z.infer<typeof alertSchema>;
