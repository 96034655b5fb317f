// Unit tests of SharedQueryCache over a fake Pinot with a settable clock.
import { describe, expect, it, vi } from 'vitest';
import { SharedQueryCache, type CacheLookup } from '../src/pinot/cache.js';
import type { PinotQuerier, PinotResult } from '../src/pinot/client.js';
import { sql } from '../src/pinot/sql.js';

function result(n: number): PinotResult {
  return { columns: ['n'], columnTypes: ['LONG'], rows: [[n]], records: [{ n }], timeUsedMs: 1, numDocsScanned: 0, numEntriesScannedInFilter: 0, totalDocs: 0, numServersQueried: 1, numServersResponded: 1, broker: 'b' };
}

function fakePinot() {
  let calls = 0;
  const pending: Array<{ resolve: (r: PinotResult) => void; reject: (e: Error) => void }> = [];
  const querier: PinotQuerier = {
    query: vi.fn(() => {
      calls++;
      return new Promise<PinotResult>((resolve, reject) => pending.push({ resolve, reject }));
    }),
  };
  return { querier, pending, calls: () => calls };
}

/** A cache over a fake Pinot holding result(1) for `SELECT 1`, stored at time 0; set `clock.now` to move time. */
async function holdingFirstResult(options: { ttlMs: number; staleWhileRevalidateMs?: number }) {
  const clock = { now: 0 };
  const pinot = fakePinot();
  const cache = new SharedQueryCache(pinot.querier, { ...options, now: () => clock.now });
  const q = sql`SELECT 1`;
  const first = cache.query(q);
  pinot.pending[0]?.resolve(result(1));
  await first;
  return { clock, pinot, cache, q };
}

describe('SharedQueryCache', () => {
  it('shares one in-flight call between identical queries, then serves the stored result within the TTL', async () => {
    let now = 0;
    const lookups: CacheLookup[] = [];
    const pinot = fakePinot();
    const cache = new SharedQueryCache(pinot.querier, { ttlMs: 1000, now: () => now, onLookup: (l) => lookups.push(l) });
    const q = sql`SELECT COUNT(*) FROM orders`;
    const first = Array.from({ length: 100 }, () => cache.query(q));
    expect(pinot.calls()).toBe(1);
    pinot.pending[0]?.resolve(result(42));
    expect((await Promise.all(first)).every((r) => r.rows[0]?.[0] === 42)).toBe(true);
    now = 999;
    expect((await cache.query(q)).rows).toEqual([[42]]);
    expect(pinot.calls()).toBe(1);
    now = 1000;
    expect((await cache.query(q)).rows).toEqual([[42]]);
    expect((await cache.query(q)).rows).toEqual([[42]]);
    expect(pinot.calls()).toBe(2);
    pinot.pending[1]?.resolve(result(43));
    await new Promise((r) => setImmediate(r));
    expect((await cache.query(q)).rows).toEqual([[43]]);
    expect(pinot.calls()).toBe(2);
    expect(lookups.filter((l) => l === 'shared')).toHaveLength(99);
    expect(lookups.filter((l) => l === 'stale')).toHaveLength(2);
    expect(lookups.filter((l) => l === 'hit')).toHaveLength(2);
    expect(lookups.filter((l) => l === 'miss')).toHaveLength(1);
  });

  it('waits for Pinot once a result is older than TTL plus the stale period', async () => {
    const { clock, pinot, cache, q } = await holdingFirstResult({ ttlMs: 1000, staleWhileRevalidateMs: 500 });
    clock.now = 1500;
    const second = cache.query(q);
    expect(pinot.calls()).toBe(2);
    pinot.pending[1]?.resolve(result(2));
    expect((await second).rows).toEqual([[2]]);
  });

  it('keeps serving the old result past the stale period while its renewal is still running', async () => {
    const { clock, pinot, cache, q } = await holdingFirstResult({ ttlMs: 1000, staleWhileRevalidateMs: 500 });
    clock.now = 1200;
    expect((await cache.query(q)).rows).toEqual([[1]]);
    clock.now = 4000;
    expect((await cache.query(q)).rows).toEqual([[1]]);
    expect(pinot.calls()).toBe(2);
    pinot.pending[1]?.resolve(result(2));
    await new Promise((r) => setTimeout(r, 0));
    expect((await cache.query(q)).rows).toEqual([[2]]);
  });

  it('keeps serving the stale result when the background refresh fails', async () => {
    const { clock, pinot, cache, q } = await holdingFirstResult({ ttlMs: 1000 });
    clock.now = 1200;
    expect((await cache.query(q)).rows).toEqual([[1]]);
    pinot.pending[1]?.reject(new Error('pinot down'));
    await new Promise((r) => setImmediate(r));
    expect((await cache.query(q)).rows).toEqual([[1]]);
    expect(pinot.calls()).toBe(3);
  });

  it('keeps different SQL apart', async () => {
    const pinot = fakePinot();
    const cache = new SharedQueryCache(pinot.querier, { ttlMs: 1000 });
    void cache.query(sql`SELECT ${1}`);
    void cache.query(sql`SELECT ${2}`);
    expect(pinot.calls()).toBe(2);
  });

  it('shares a failure with the waiting callers but does not store it', async () => {
    const pinot = fakePinot();
    const cache = new SharedQueryCache(pinot.querier, { ttlMs: 1000 });
    const q = sql`SELECT 1`;
    const both = [cache.query(q), cache.query(q)];
    pinot.pending[0]?.reject(new Error('down'));
    for (const p of both) await expect(p).rejects.toThrow('down');
    void cache.query(q);
    expect(pinot.calls()).toBe(2);
  });

  it('passes every call through when the TTL is 0', () => {
    const pinot = fakePinot();
    const cache = new SharedQueryCache(pinot.querier, { ttlMs: 0 });
    const q = sql`SELECT 1`;
    void cache.query(q);
    void cache.query(q);
    expect(pinot.calls()).toBe(2);
  });

  it('bounds the number of stored results', async () => {
    const pinot = fakePinot();
    const cache = new SharedQueryCache(pinot.querier, { ttlMs: 60_000, maxEntries: 3 });
    for (let i = 0; i < 5; i++) {
      const p = cache.query(sql`SELECT ${i}`);
      pinot.pending[i]?.resolve(result(i));
      await p;
    }
    expect(cache.size).toBe(3);
  });
});
