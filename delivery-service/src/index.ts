export * from './config.js';
export * from './lifecycle.js';
export * from './delivery-service.js';
