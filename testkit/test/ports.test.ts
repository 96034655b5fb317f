// Tests the port bases of benches, tests and drills against each other and against `npm start`'s services.
import { describe, expect, it } from 'vitest';
import { loadStackConfig, shiftedPortEnv, stackComponents } from '@pizzashop/local-stack';
import { benchPort, BENCH_PORT_BASE } from '../src/bench/ports.js';
import { TEST_PORT_BASES } from '../src/test-ports.js';

const SERVICES = ['freshnessEnricher', 'freshnessApi', 'lifecycleDelivery', 'lifecycleApi', 'lifecycleApiUncached', 'pipelineThroughputEnricher', 'pipelineLatencyEnricher', 'enrichmentEnricher', 'apiBench'] as const;
/** The bases of the services tests and drills start (testPort), and the services `npm start` runs. */
const TEST_SERVICE_BASES = Object.values(TEST_PORT_BASES);
const START_SERVICES = [8080, 8081, 8082, 8501];

describe('bench ports', () => {
  it('follow the stack port offset from one base', () => {
    expect(benchPort('freshnessApi', {})).toBe(BENCH_PORT_BASE + 2);
    expect(benchPort('freshnessApi', { STACK_PORT_OFFSET: '2000' })).toBe(2000 + BENCH_PORT_BASE + 2);
    expect(() => benchPort('apiBench', { STACK_PORT_OFFSET: 'x' })).toThrow(/STACK_PORT_OFFSET/);
  });

  it('are distinct and never a port of a stack or of the services a test run starts, for offsets in steps of 1000', () => {
    const offsets = Array.from({ length: 21 }, (_, i) => i * 1000);
    const stackPorts = Object.values(shiftedPortEnv(0)).map(Number);
    const taken = new Set<number>();
    for (const offset of offsets) {
      for (const p of stackPorts) taken.add(offset + p);
      for (const p of TEST_SERVICE_BASES) taken.add(offset + p);
    }
    for (const p of START_SERVICES) taken.add(p);
    for (const offset of offsets) {
      const mine = SERVICES.map((s) => benchPort(s, { STACK_PORT_OFFSET: String(offset) }));
      expect(new Set(mine).size).toBe(mine.length);
      expect(mine.filter((p) => taken.has(p))).toEqual([]);
    }
  });
});

describe('test ports', () => {
  it('are distinct and never a port of a stack (any member of the cluster profile), for offsets in steps of 1000', () => {
    expect(new Set(TEST_SERVICE_BASES).size).toBe(TEST_SERVICE_BASES.length);
    const cluster = loadStackConfig({ STACK_PROFILE: 'cluster' });
    const stackPorts = stackComponents(cluster).flatMap((c) => (c.kind === 'process' ? (c.ports?.(cluster) ?? []) : []));
    const stackEndings = new Set(stackPorts.map((p) => p % 1000));
    expect(TEST_SERVICE_BASES.filter((p) => stackEndings.has(p % 1000)), 'test ports sharing a last-three-digits with a port of the (largest) stack').toEqual([]);
  });
});
