import { describe, expect, it } from 'vitest';
import { shiftedPortEnv } from '@pizzashop/local-stack';
import { benchPort, BENCH_PORT_BASE } from '../src/bench/ports.js';

const SERVICES = ['freshnessEnricher', 'freshnessApi', 'lifecycleDelivery', 'lifecycleApi', 'lifecycleApiUncached', 'pipelineThroughputEnricher', 'pipelineLatencyEnricher', 'enrichmentEnricher', 'apiBench'] as const;
/** The bases tests and drills give testPort() (testkit/src/env.ts), and the services `npm start` runs. */
const TEST_SERVICE_BASES = { from: 8281, to: 8770 };
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
      for (let p = TEST_SERVICE_BASES.from; p <= TEST_SERVICE_BASES.to; p++) taken.add(offset + p);
    }
    for (const p of START_SERVICES) taken.add(p);
    for (const offset of offsets) {
      const mine = SERVICES.map((s) => benchPort(s, { STACK_PORT_OFFSET: String(offset) }));
      expect(new Set(mine).size).toBe(mine.length);
      expect(mine.filter((p) => taken.has(p))).toEqual([]);
    }
  });
});
