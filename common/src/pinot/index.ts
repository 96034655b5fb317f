// Re-exports the Pinot SQL builder, errors, client, broker pool and cache.
export * from './sql.js';
export * from './errors.js';
export * from './client.js';
export * from './cache.js';
export * from './broker-pool.js';
