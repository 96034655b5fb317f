// The test support kit's public surface: what tests, benches, drills and scripts import as @pizzashop/testkit
// (the bench harness is @pizzashop/testkit/bench, the browser helpers @pizzashop/testkit/browser).
export * from './env.js';
export * from './test-ports.js';
export * from './kafka.js';
export * from './service-records.js';
export * from './services.js';
export * from './pipeline.js';
export * from './synthetic-orders.js';
export * from './broker-proxy.js';
export * from './two-node-kafka.js';
