/** Every benchmark `npm run bench` runs, in order. Each script writes its result JSON to the path it is given. */
export interface BenchSpec {
  name: string;
  script: string;
  what: string;
}

export const benches: BenchSpec[] = [
  { name: 'api', script: 'pizzashop-api/bench/api-bench.ts', what: 'pizzashop-api under autocannon over Pinot with >= 1M orders, shared-query cache on and off' },
];
