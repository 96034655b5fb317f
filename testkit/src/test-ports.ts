// The ports of the services tests, drills and benches start, from one table: each its own base, shifted like
// the test stack's ports (STACK_PORT_OFFSET, +10000 by default) by testPort.

/**
 * Every service port a test file (`<file>-it`), drill or bench starts, by name; testkit/test/ports.test.ts
 * checks that they are distinct and meet no stack port and no bench port (testkit/src/bench/ports.ts).
 */
export const TEST_PORT_BASES = {
  'orders-http-it.orders': 8281,
  'orders-http-it.broker-down': 8282,
  'orders-http-it.kafka-proxy': 8290,
  'registry-it.orders': 8291,
  'registry-it.orders-a': 8294,
  'registry-it.orders-b': 8295,
  'registry-it.running-enricher': 8296,
  'registry-it.enricher': 8297,
  'registry-it.orders-restarted': 8298,
  'pipeline-it.enricher': 8381,
  'exactly-once-it.enricher': 8391,
  'temporal-join-it.enricher': 8396,
  'temporal-join-it.replay-enricher': 8397,
  'api-it.api': 8481,
  'api-it.proxied-api': 8482,
  'api-it.pinot-proxy': 8483,
  'stream-load-it.api': 8484,
  'http-ingest-bench.orders': 8488,
  'profile-api.api': 8489,
  'drills.orders': 8491,
  'drills.enricher': 8492,
  'drills.api': 8494,
  'drills.dashboard': 8495,
  'drills.delivery': 8496,
  'drills.api-instances': 8497,
  'dashboard-it.dashboard': 8501,
  'dashboard-it.cut-dashboard': 8502,
  'dashboard-it.api': 8580,
  'dashboard-it.cut-api': 8581,
  'dashboard-it.pinot-proxy': 8582,
  'tracking-it.orders': 8590,
  'tracking-it.delivery': 8591,
  'tracking-it.api': 8592,
  'tracking-it.dashboard': 8593,
  'drills-it.delivery': 8594,
  'drills-it.orders': 8595,
  'drills-it.enricher': 8596,
  'drills-it.api': 8598,
  'drills-it.dashboard': 8599,
  'delivery-drill-it.orders': 8600,
  'delivery-drill-it.delivery': 8601,
  'delivery-first-start-it.delivery': 8602,
  'acceptance-it.orders': 8701,
  'acceptance-it.enricher': 8702,
  'acceptance-it.api': 8703,
  'acceptance-it.dashboard': 8704,
  'private-pipeline-it.api': 8760,
  'hostile-it.enricher': 8770,
  'hostile-it.orders': 8771,
  'hostile-it.api': 8772,
  'alerts-it.simulator': 8786,
  'alerts-it.alerts': 8787,
  'alerts-it.api': 8788,
  'alerts-it.webhook': 8789,
} as const;

export type TestService = keyof typeof TEST_PORT_BASES;

/**
 * The port of `service`: its base shifted by `offset`, by default the test stack's STACK_PORT_OFFSET
 * (+10000 unless set), so two checkouts running their suites at once, each with its own offset,
 * never share a port; the cluster drills pass their stack's offset.
 */
export function testPort(service: TestService, offset = Number(process.env.STACK_PORT_OFFSET || 10_000)): number {
  return offset + TEST_PORT_BASES[service];
}
