// Unit tests of the figures the freshness bench reports from its stage records.
import { describe, expect, it } from 'vitest';
import { summariseLatencies } from '@pizzashop/testkit/bench';
import { rampVerdict } from '../freshness/ramp.js';
import { freshnessFigures, type StageRecord } from '../freshness/report.js';

const LIMITS = { p95Ms: 5000, minProducedRatio: 0.95 };

function record(targetRate: number, problems: string[] = [], missing = 0): StageRecord {
  const values = Array.from({ length: 100 - missing }, (_, i) => 100 + i);
  return {
    label: `${targetRate} orders/s`,
    targetRate,
    seconds: 20,
    producedRate: targetRate,
    producedRatio: 1,
    orders: 100,
    lines: 150,
    ordersFreshnessMs: summariseLatencies(values, 'orders', missing),
    itemsFreshnessMs: summariseLatencies(values, 'items', missing),
    apiFreshnessMs: summariseLatencies(values.slice(0, 20), 'api'),
    apiProbes: 20,
    ordersMissing: missing,
    linesMissing: missing,
    apiMissing: 0,
    duplicates: { orders: 0, lines: 0 },
    foreignRows: { orders: 0, items: 0, api: 0 },
    earlySightings: 0,
    readCycleMaxMs: { orders: 120, items: 130, api: 140 },
    readErrors: { orders: 0, items: 0, api: 0 },
    problems,
    sustainable: problems.length === 0,
  };
}

function report(stages: StageRecord[]) {
  const planned = [100, 1000, 2000];
  const verdict = rampVerdict(stages.map((s) => ({ targetRate: s.targetRate, problems: s.problems })), planned, 2500);
  return freshnessFigures({ stages, planned, verdict, producerCeiling: 2500, limits: LIMITS, targetP95Ms: 2000 });
}

describe('freshness report', () => {
  it('gives every figure a number or a reason, never "n/a"', () => {
    const r = report([record(100), record(1000), record(2000, ['2 of 100 orders missing from Pinot orders 30 s after the last ack'], 2)]);
    for (const f of r.figures) expect(f.value === null ? typeof f.reason : typeof f.value).toBe(f.value === null ? 'string' : 'number');
    expect(JSON.stringify(r)).not.toContain('n/a');
    expect(r.figures.find((f) => f.name === 'highest sustainable rate')?.value).toBe(1000);
    expect(r.figures.find((f) => f.name === 'highest sustainable rate / bench producer alone')?.value).toBe(0.4);
    expect(r.notes[0]).toBe('Ramp: stopped at 2,000 orders/s: 2 of 100 orders missing from Pinot orders 30 s after the last ack.');
    expect(r.readme.at(-1)?.measured).toBe(
      '1,000 orders/s = 0.40 x the bench producer alone (2,500 orders/s); ramp stopped at 2,000 orders/s: 2 of 100 orders missing from Pinot orders 30 s after the last ack',
    );
  });

  it('reports the stages the ramp never reached as not run, with the reason it stopped', () => {
    const r = report([record(100, ['no order was probed through the API'])]);
    const at1000 = r.figures.find((f) => f.name.startsWith('1,000 orders/s'));
    expect(at1000).toMatchObject({ value: null, reason: 'not run: the ramp stopped at 100 orders/s: no order was probed through the API' });
    expect(r.figures.find((f) => f.name === 'highest sustainable rate')).toMatchObject({ value: null, reason: expect.stringContaining('no stage was sustainable') });
  });

  it('states which percentiles fall among missing orders instead of a number', () => {
    const r = report([record(100), record(1000, ['3 missing'], 3)]);
    const p99 = r.figures.find((f) => f.name === '1,000 orders/s: orders freshness (Kafka ack -> in Pinot orders) p99');
    expect(p99).toMatchObject({ value: null, reason: '3 of 100 orders samples never arrived, so the p99 is beyond the wait' });
    expect(r.tables[0]?.rows[1]?.[4]).toBe('149 / 194 / n/m');
  });
});
