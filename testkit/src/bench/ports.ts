/**
 * Ports of the services the benches start, from one place: 7900 + a slot, shifted by the stack's
 * STACK_PORT_OFFSET (0 for the default stack the benches use). Stack ports end in 000-093, 181 or
 * 307 (mod 1000) and the services tests start use testPort(8281..8770), so with every offset a
 * multiple of 1000 (0, 2000, 4000, 10000, ...) a bench port (ending in 901-921) is never a port of
 * any stack or test run.
 */
export const BENCH_PORT_BASE = 7900;

const SLOTS = {
  freshnessEnricher: 1,
  freshnessApi: 2,
  lifecycleDelivery: 3,
  lifecycleApi: 4,
  lifecycleApiUncached: 5,
  pipelineThroughputEnricher: 11,
  pipelineLatencyEnricher: 12,
  enrichmentEnricher: 13,
  apiBench: 21,
  apiBenchMinimal: 22,
} as const;

export type BenchService = keyof typeof SLOTS;

export function benchPort(service: BenchService, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.STACK_PORT_OFFSET;
  const offset = raw === undefined || raw === '' ? 0 : Number(raw);
  if (!Number.isInteger(offset) || offset < 0 || offset > 55_000) throw new Error(`bench ports: STACK_PORT_OFFSET must be a whole number from 0 to 55000, got "${raw}"`);
  return offset + BENCH_PORT_BASE + SLOTS[service];
}
