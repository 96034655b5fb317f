export * from './sql.js';
export * from './errors.js';
export * from './client.js';
export * from './cache.js';
