// delivery-service's public API: config, the order lifecycle and the service.
export * from './config.js';
export * from './lifecycle.js';
export * from './delivery-service.js';
