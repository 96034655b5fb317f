/**
 * Every benchmark `npm run bench` runs, in order. Each script writes its result JSON (see
 * result-format.ts) to the path it is given; `env` adds what the runner passes it beyond the stack's
 * connection settings (e.g. its service port from ports.ts).
 */
import { benchPort } from '@pizzashop/testkit/bench';

export interface BenchSpec {
  name: string;
  script: string;
  what: string;
  env?: (stackEnv: Record<string, string>) => Record<string, string>;
  /** Run only when named (`npm run bench -- <name>`), not by a plain `npm run bench`: it needs something the project does not install. */
  onlyWhenNamed?: boolean;
}

export const benches: BenchSpec[] = [
  {
    name: 'pipeline',
    script: 'enricher/bench/pipeline.bench.ts',
    what: 'simulator max produce rate, enricher sustained throughput with transactions, enrichment latency p50/p99 at 1,000 orders/s (private topics)',
  },
  {
    name: 'enrichment',
    script: 'bench/enrichment.ts',
    what:
      'enricher vs a Kafka Streams application (bench/reference: the seed\'s KStream-KTable join, exactly_once_v2) on one pre-loaded backlog of simulator orders, ' +
      'one after the other on the same broker: items/s of each, their ratio, items each dropped or duplicated (private topics)',
  },
  {
    name: 'clients',
    script: 'bench/kafka-clients.ts',
    onlyWhenNamed: true,
    what:
      'the enricher\'s core loop on kafkajs (a transactional producer per partition) and on @platformatic/kafka 1.x (one producer, KIP-447 offsets), ' +
      'same backlog, alternating rounds (needs npm install --no-save @platformatic/kafka@1.35.0; fails saying so otherwise)',
  },
  {
    name: 'api',
    script: 'pizzashop-api/bench/api-bench.ts',
    what: 'pizzashop-api under autocannon over Pinot with >= 1M orders, shared-query cache on and off',
    env: (stackEnv) => ({ BENCH_API_PORT: String(benchPort('apiBench', stackEnv)) }),
  },
  {
    name: 'pinot',
    script: 'pizzashop-api/bench/pinot-bench.ts',
    what: 'Pinot timeUsedMs p50/p95 of the API\'s overview and popular queries, uncached, over one hour holding >= 1M orders (private tables)',
  },
  {
    name: 'freshness',
    script: 'bench/freshness.ts',
    what:
      'end-to-end freshness of the bench\'s own orders (private topics, Pinot tables, enricher and API): Kafka ack -> in Pinot orders, every line in ' +
      'order_items_enriched, and complete through GET /orders/{id}; p50/p95/p99 at 100 and 1,000 orders/s, then a ramp to the highest sustainable rate',
  },
  {
    name: 'lifecycle',
    script: 'bench/lifecycle.ts',
    what:
      'order lifecycle freshness (private topics, Pinot tables, delivery-service sped up, two APIs): order status change -> GET /orders/{id} shows it, ' +
      'p50/p95/p99/max per change, with the default caches and without, at 100 and 1,000 orders/s of lifecycle traffic',
  },
  {
    name: 'http-ingest',
    script: 'orders-service/bench/http-ingest.bench.ts',
    what: 'POST /orders per second with 100 connections, micro-batched vs one produce request per order, and every 202 in Pinot orders exactly once',
  },
];
