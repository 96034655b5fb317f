// The bench harness shared by bench/ and the workspaces' benches: ports, private pipelines, latency summaries, result format.
export * from './latency.js';
export * from './ports.js';
export * from './private-pipeline.js';
export * from './result-format.js';
export * from './cpu-profile.js';
export * from './cpu-by-process.js';
export * from './api-metrics.js';
export * from './measure-lock.js';
