// Unit tests of the freshness bench's StageLedger and of the problems it reports for a stage.
import { describe, expect, it } from 'vitest';
import { StageLedger, type BenchOrder } from '../freshness/ledger.js';
import { stageProblems } from '../freshness/ramp.js';

const LIMITS = { p95Ms: 5000, minProducedRatio: 0.95 };
const order = (id: string, lines = ['1']): BenchOrder => ({ id, lines });

/** A stage of `batches` batches of `perBatch` orders, batch i created at 1000 + i * 50 and acked 20 ms after it was sent. */
function stage(batches: number, perBatch: number, lines = ['1', '2']) {
  const ledger = new StageLedger();
  const orders: BenchOrder[] = [];
  for (let b = 0; b < batches; b++) {
    const mine = Array.from({ length: perBatch }, (_, i) => order(`own-${b}-${i}`, lines));
    orders.push(...mine);
    const batch = ledger.sending(mine, 1000 + b * 50, b * 50, b % 4 === 0 ? mine.slice(0, 1) : []);
    ledger.acked(batch, b * 50 + 20);
  }
  return { ledger, orders };
}

describe('freshness ledger', () => {
  it('counts only its own orders when another producer writes to the same tables', () => {
    const { ledger, orders } = stage(20, 100);
    const poll = { issuedAt: 2000, answeredAt: 2100 };
    const foreign = Array.from({ length: 160 }, (_, i) => `simulator-${i}`);
    for (const id of [...foreign.slice(0, 80), ...orders.map((o) => o.id), ...foreign.slice(80)]) ledger.sawOrder(id, poll);
    for (const o of orders) for (const line of o.lines) ledger.sawLine(o.id, line, poll);
    for (const id of foreign) ledger.sawLine(id, '1', poll);
    for (const o of orders) ledger.sawInApi(o.id, poll);
    ledger.sawInApi('simulator-1', poll);

    const a = ledger.account();
    expect(a.orders).toBe(2000);
    expect(a.ordersMissing).toBe(0);
    expect(a.linesMissing).toBe(0);
    expect(a.apiProbes).toBe(5);
    expect(a.apiMissing).toBe(0);
    expect(a.foreignRows).toEqual({ orders: 160, items: 160, api: 1 });
    // latencies 2100 - (50b + 20) for batches b = 0..19, 100 orders each: the 1,900th smallest is batch 1's
    expect(a.ordersFreshnessMs.p95.ms).toBe(2100 - 70);
    expect(stageProblems({ targetRate: 2000, producedRate: 1990, account: a, settleMs: 30_000 }, LIMITS)).toEqual([]);
  });

  it('never counts a sighting by a read sent before the ack, so no latency is negative', () => {
    const ledger = new StageLedger();
    const batch = ledger.sending([order('a')], 1000, 0);
    ledger.sawOrder('a', { issuedAt: 5, answeredAt: 15 });
    ledger.acked(batch, 10);
    ledger.sawOrder('a', { issuedAt: 8, answeredAt: 30 });
    expect(ledger.allSeen('orders')).toBe(false);
    ledger.sawOrder('a', { issuedAt: 110, answeredAt: 130 });
    const a = ledger.account();
    expect(a.earlySightings).toBe(2);
    expect(a.ordersFreshnessMs.p50.ms).toBe(120);
  });

  it('completes an order in order_items_enriched only when every line is there; other lines of its id are foreign', () => {
    const ledger = new StageLedger();
    const batch = ledger.sending([order('a', ['1', '2'])], 1000, 0);
    ledger.acked(batch, 10);
    ledger.sawLine('a', '1', { issuedAt: 20, answeredAt: 40 });
    ledger.sawLine('a', '9', { issuedAt: 20, answeredAt: 40 });
    expect(ledger.allSeen('items')).toBe(false);
    expect(ledger.account().linesMissing).toBe(1);
    ledger.sawLine('a', '2', { issuedAt: 120, answeredAt: 150 });
    const a = ledger.account();
    expect(ledger.allSeen('items')).toBe(true);
    expect(a.itemsFreshnessMs.p50.ms).toBe(140);
    expect(a.foreignRows.items).toBe(1);
  });

  it('reports missing orders and leaves the percentiles they would decide unstated', () => {
    const { ledger, orders } = stage(10, 10, ['1']);
    for (const o of orders.slice(0, 95)) {
      ledger.sawOrder(o.id, { issuedAt: 1000, answeredAt: 1200 });
      ledger.sawLine(o.id, '1', { issuedAt: 1000, answeredAt: 1200 });
    }
    const a = ledger.account();
    expect(a.ordersMissing).toBe(5);
    expect(a.ordersFreshnessMs.p50.ms).not.toBeNull();
    expect(a.ordersFreshnessMs.p99.ms).toBeNull();
    expect(stageProblems({ targetRate: 100, producedRate: 100, account: a, settleMs: 30_000 }, LIMITS)[0]).toBe('5 of 100 orders missing from Pinot orders 30 s after the last ack');
  });

  it('counts duplicate rows of its own orders and lines only', () => {
    const ledger = new StageLedger();
    ledger.acked(ledger.sending([order('a', ['1'])], 1000, 0), 1);
    ledger.duplicateRows('orders', 'a', 2);
    ledger.duplicateRows('orders', 'simulator-1', 3);
    ledger.duplicateRows('items', 'a', 3, '1');
    ledger.duplicateRows('items', 'a', 2, '7');
    expect(ledger.account().duplicates).toEqual({ orders: 1, lines: 2 });
  });

  it('reads only ts ranges that hold pending batches, each bounded in rows', () => {
    const { ledger, orders } = stage(10, 100, ['1']);
    // batches 0-3 and 6 seen completely
    for (const o of orders.filter((o) => /^own-(0|1|2|3|6)-/.test(o.id))) ledger.sawOrder(o.id, { issuedAt: 5000, answeredAt: 5100 });
    expect(ledger.chunks('orders', 250)).toEqual([
      { fromTs: 1200, toTs: 1250, rows: 200 },
      { fromTs: 1350, toTs: 1400, rows: 200 },
      { fromTs: 1450, toTs: 1450, rows: 100 },
    ]);
    expect(ledger.chunks('orders', 10_000)).toEqual([{ fromTs: 1200, toTs: 1450, rows: 600 }]);
    expect(ledger.chunks('orders', 50)).toHaveLength(5);
  });

  it('refuses an order id twice and batches out of time order', () => {
    const ledger = new StageLedger();
    ledger.sending([order('a')], 1000, 0);
    expect(() => ledger.sending([order('a')], 1001, 0)).toThrow(/twice/);
    expect(() => ledger.sending([order('b')], 1000, 0)).toThrow(/not after/);
  });
});
