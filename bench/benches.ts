/** Every benchmark `npm run bench` runs, in order. Each script writes its result JSON to the path it is given. */
export interface BenchSpec {
  name: string;
  script: string;
  what: string;
}

export const benches: BenchSpec[] = [
  { name: 'pipeline', script: 'enricher/bench/pipeline.bench.ts', what: 'simulator max produce rate, enricher sustained throughput with transactions, enrichment latency p50/p99 at 1,000 orders/s' },
  { name: 'api', script: 'pizzashop-api/bench/api-bench.ts', what: 'pizzashop-api under autocannon over Pinot with >= 1M orders, shared-query cache on and off' },
];
