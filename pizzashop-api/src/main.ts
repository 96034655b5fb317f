import { createLogger, loadConfig, onShutdown } from '@pizzashop/common';
import { apiEnvSchema } from './config.js';
import { createApiService } from './service.js';

const log = createLogger('pizzashop-api');
const config = loadConfig(apiEnvSchema, process.env, 'pizzashop-api');
const service = createApiService(config, log);
onShutdown(log, () => service.stop());
await service.start();
log.info(
  { pinotBrokers: config.PINOT_BROKER_URLS, cacheTtlMs: config.QUERY_CACHE_TTL_MS, corsOrigins: config.CORS_ORIGINS },
  `pizzashop-api ready: http://localhost:${config.API_PORT}/docs`,
);
