// Unit tests of the lifecycle bench's status-change probes and its per-stage problems.
import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES } from '@pizzashop/common';
import { ProbeLedger } from '../lifecycle/probes.js';
import { stageProblems, type StageOutcome } from '../lifecycle/report.js';

const at = (ms: number) => new Date(ms).toISOString();
const T = Date.UTC(2026, 11, 1, 12);
const history = (n: number) => ORDER_STATUSES.slice(0, n).map((status, i) => ({ status, at: at(T + 100 + i * 1000) }));

describe('lifecycle bench probes', () => {
  it('times each status change once per API, from its ts to the first answer that shows it', () => {
    const ledger = new ProbeLedger(['cached', 'uncached']);
    ledger.add('a', T);
    ledger.observe('cached', 'a', T + 400, history(1));
    ledger.observe('cached', 'a', T + 6000, history(6));
    ledger.observe('cached', 'a', T + 9000, history(6));
    const account = ledger.account();
    // PLACED at T+100 seen at T+400: 300; the five later ones (T+1100 ... T+5100) first seen at T+6000
    expect(account.visible.cached!.samples).toBe(6);
    expect(account.visible.cached!.maxMs).toBe(4900);
    expect(account.visible.cached!.p50.ms).toBe(1900);
    expect(account.intakeMs.p50.ms).toBe(100);
    expect(account.unfinished).toEqual({ cached: 0, uncached: 1 });
    // nothing seen on the uncached API: its percentiles are not stated
    expect(account.visible.uncached!.missing).toBe(6);
    expect(account.visible.uncached!.p95.ms).toBeNull();
    expect(ledger.pending('uncached')).toEqual(['a']);
    expect(ledger.allDone()).toBe(false);
  });

  it('counts a status row seen twice as a duplicate, and refuses an unknown status or a missing time', () => {
    const ledger = new ProbeLedger(['cached']);
    ledger.add('a', T);
    ledger.observe('cached', 'a', T + 3000, [...history(2), { status: 'ORDER_CONFIRMED', at: at(T + 1200) }]);
    expect(ledger.account().duplicates).toBe(1);
    expect(() => ledger.observe('cached', 'a', T + 3000, [{ status: 'LOST', at: at(T) }])).toThrow(/unknown status "LOST"/);
    expect(() => ledger.observe('cached', 'a', T + 3000, [{ status: 'DELIVERED', at: 'soon' }])).toThrow(/no valid time/);
    expect(() => ledger.observe('cached', 'b', T, [])).toThrow(/not a probe/);
  });

  it('fails a stage that was not carried, naming each reason', () => {
    const ledger = new ProbeLedger(['cached', 'uncached']);
    ledger.add('a', T);
    ledger.observe('cached', 'a', T + 9000, history(6));
    ledger.observe('uncached', 'a', T + 9000, history(6));
    const carried: StageOutcome = { targetRate: 1000, producedRate: 990, produced: 19_800, delivered: 19_800, account: ledger.account(), settleMs: 30_000 };
    expect(stageProblems(carried, { minProducedRatio: 0.95, intakeP95Ms: 5000 })).toEqual([]);
    const problems = stageProblems({ ...carried, producedRate: 700, delivered: 19_000 }, { minProducedRatio: 0.95, intakeP95Ms: 50 });
    expect(problems).toEqual([
      'produced 700 orders/s, under 0.95 of the 1,000 target',
      'the delivery-service delivered 19,000 of the 19,800 orders 30 s after the last order',
      'the delivery-service fell behind: order -> PLACED_ORDER p95 100 ms is over 50 ms',
    ]);
  });
});
