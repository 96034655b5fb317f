// The dashboard server's env settings: where pizzashop-api is (API_URL), its timeout, the listen address and log level.
import { infraEnvSchema, listenShape } from '@pizzashop/common';
import { z } from 'zod';

/** Dashboard server settings (all overridable by env); the page itself is configured by nothing. */
export const dashboardEnvSchema = infraEnvSchema.pick({ LOG_LEVEL: true }).extend({
  ...listenShape('dashboard'),
  API_URL: z
    .url({ protocol: /^https?$/, message: 'must be the http(s) base URL of pizzashop-api, e.g. http://localhost:8080' })
    .default('http://localhost:8080')
    .transform((url) => url.replace(/\/+$/, '')),
  API_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});
export type DashboardConfig = z.infer<typeof dashboardEnvSchema>;
