// The public API of pizzashop-api, for tests and benches.
export { apiEnvSchema, type ApiConfig } from './config.js';
export { createApiService, type ApiService, type ApiServiceOptions } from './service.js';
