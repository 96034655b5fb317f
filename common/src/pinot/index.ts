// Re-exports the Pinot SQL builder, errors, client, broker pool, cache and TIMESTAMP cell reading.
export * from './sql.js';
export * from './errors.js';
export * from './client.js';
export * from './cache.js';
export * from './broker-pool.js';
export * from './timestamp.js';
