// pizzashop-api's entry point: loads config, starts the service and stops it on shutdown.
import { createLogger, loadConfig, onShutdown, withRenamedListenVars } from '@pizzashop/common';
import { apiEnvSchema } from './config.js';
import { createApiService } from './service.js';

const log = createLogger('pizzashop-api');
const config = loadConfig(apiEnvSchema, withRenamedListenVars(process.env, (m) => log.warn(m)), 'pizzashop-api');
const service = createApiService(config, log);
onShutdown(log, () => service.stop());
await service.start();
log.info(
  { pinotBrokers: config.PINOT_BROKER_URLS, cacheTtlMs: config.QUERY_CACHE_TTL_MS, corsOrigins: config.CORS_ORIGINS },
  `pizzashop-api ready: http://localhost:${config.API_HTTP_PORT}/docs`,
);
