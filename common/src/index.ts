export * from './config.js';
export * from './logger.js';
export * from './shutdown.js';
export * from './http/ops-routes.js';
export * from './http/serve.js';
