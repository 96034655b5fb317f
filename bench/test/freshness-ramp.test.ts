// Unit tests of the freshness bench's ramp: planned rates, stage problems and the overall verdict.
import { describe, expect, it } from 'vitest';
import { summariseLatencies } from '@pizzashop/testkit/bench';
import type { StageAccount } from '../freshness/ledger.js';
import { plannedRates, rampVerdict, stageProblems } from '../freshness/ramp.js';

const LIMITS = { p95Ms: 5000, minProducedRatio: 0.95 };

function account(overrides: Partial<StageAccount> = {}, latency = 300): StageAccount {
  const orders = 2000;
  const values = Array.from({ length: orders }, () => latency);
  return {
    orders,
    lines: 3000,
    ordersFreshnessMs: summariseLatencies(values, 'orders'),
    itemsFreshnessMs: summariseLatencies(values, 'items'),
    apiFreshnessMs: summariseLatencies(values.slice(0, 100), 'api'),
    apiProbes: 100,
    ordersMissing: 0,
    linesMissing: 0,
    apiMissing: 0,
    duplicates: { orders: 0, lines: 0 },
    foreignRows: { orders: 0, items: 0, api: 0 },
    earlySightings: 0,
    ...overrides,
  };
}

const stage = (targetRate: number, producedRate: number, a: StageAccount) => ({ targetRate, producedRate, account: a, settleMs: 30_000 });

describe('freshness ramp', () => {
  it('judges a stage by its own orders only: rows of another producer do not make it incomplete', () => {
    // the issue-22 case: 39,978 own orders all arrived while 40,138 item rows were read
    const a = account({ orders: 39_978, foreignRows: { orders: 0, items: 160, api: 0 } });
    expect(stageProblems(stage(2000, 1999, a), LIMITS)).toEqual([]);
  });

  it('names every reason a stage is not sustainable', () => {
    const a = account({ ordersMissing: 3, linesMissing: 4, apiMissing: 1, duplicates: { orders: 0, lines: 2 } }, 6000);
    expect(stageProblems(stage(8000, 7000, a), LIMITS)).toEqual([
      '3 of 2,000 orders missing from Pinot orders 30 s after the last ack',
      '4 of 3,000 order lines missing from Pinot order_items_enriched 30 s after the last ack',
      '1 of 100 probed orders never complete through GET /orders/{id} 30 s after the last ack',
      'duplicates: 0 extra order rows, 2 extra item rows',
      'Pinot orders freshness p95 6,000 ms is over the 5,000 ms limit',
      'Pinot order_items_enriched freshness p95 6,000 ms is over the 5,000 ms limit',
      'API freshness p95 6,000 ms is over the 5,000 ms limit',
      'produced 7,000 orders/s, 0.88 of the 8,000 target (below 0.95)',
    ]);
  });

  it('plans ramp steps up to what the producer offers alone', () => {
    expect(plannedRates(8575)).toEqual([100, 1000, 2000, 3000, 4000, 6000, 8000]);
    expect(plannedRates(1500)).toEqual([100, 1000]);
  });

  it('stops at the first failing rate and reports the last good one and why', () => {
    const verdict = rampVerdict(
      [
        { targetRate: 100, problems: [] },
        { targetRate: 1000, problems: [] },
        { targetRate: 2000, problems: ['Pinot order_items_enriched freshness p95 16,737 ms is over the 5,000 ms limit'] },
      ],
      [100, 1000, 2000, 3000],
      8575,
    );
    expect(verdict).toEqual({ lastGoodRate: 1000, stoppedAtRate: 2000, reason: 'stopped at 2,000 orders/s: Pinot order_items_enriched freshness p95 16,737 ms is over the 5,000 ms limit' });
  });

  it('has no last good rate when the first stage fails', () => {
    expect(rampVerdict([{ targetRate: 100, problems: ['1 of 2,000 orders missing'] }], [100, 1000], 5000).lastGoodRate).toBeNull();
  });

  it('says when every planned rate passed that the limit found is the producer\'s', () => {
    const planned = plannedRates(5000);
    const verdict = rampVerdict(planned.map((targetRate) => ({ targetRate, problems: [] })), planned, 5000);
    expect(verdict.lastGoodRate).toBe(4000);
    expect(verdict.stoppedAtRate).toBeNull();
    expect(verdict.reason).toBe(
      "every planned rate passed up to 4,000 orders/s; the next step (6,000 orders/s) is above what the bench's producer offers on its own here (5,000 orders/s), so the pipeline's limit is at least 4,000 orders/s",
    );
  });
});
