// Re-exports the Pinot SQL builder, errors, client and cache.
export * from './sql.js';
export * from './errors.js';
export * from './client.js';
export * from './cache.js';
