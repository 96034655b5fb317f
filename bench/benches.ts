/** Every benchmark `npm run bench` runs, in order. Each script writes its result JSON to the path it is given. */
export interface BenchSpec {
  name: string;
  script: string;
  what: string;
}

export const benches: BenchSpec[] = [
  { name: 'pipeline', script: 'enricher/bench/pipeline.bench.ts', what: 'simulator max produce rate, enricher sustained throughput with transactions, enrichment latency p50/p99 at 1,000 orders/s' },
  { name: 'api', script: 'pizzashop-api/bench/api-bench.ts', what: 'pizzashop-api under autocannon over Pinot with >= 1M orders, shared-query cache on and off' },
  { name: 'http-ingest', script: 'orders-service/bench/http-ingest.bench.ts', what: 'POST /orders per second with 100 connections, micro-batched vs one produce request per order, and every 202 in Pinot orders exactly once' },
  { name: 'freshness', script: 'bench/freshness.ts', what: 'end-to-end freshness: order acked by Kafka -> in Pinot orders, in order_items_enriched and counted by /orders/overview (API, 1 s cache), p50/p95/p99 at 100 and 1,000 orders/s and a ramp to the highest sustainable rate' },
];
