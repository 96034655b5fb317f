// Unit tests of pinotCounts and allPresent against an in-memory Pinot stand-in.
import type { PinotClient, PinotResult, SqlFragment } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { allPresent, pinotCounts } from '../pinot-counts.js';

/** A Pinot stand-in answering the two drill queries from in-memory rows. */
function fakePinot(orderRows: string[], itemRows: [string, string][]): PinotClient {
  const count = <T extends string>(keys: T[]) => [...keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<T, number>())];
  return {
    query: async (statement: SqlFragment) => {
      const ids = new Set([...statement.text.matchAll(/'([^']+)'/g)].map((m) => m[1]!));
      const rows = statement.text.includes('FROM orders')
        ? count(orderRows.filter((id) => ids.has(id))).map(([id, n]) => [id, n])
        : count(itemRows.filter(([o]) => ids.has(o)).map(([o, p]) => `${o}|${p}`)).map(([k, n]) => [...k.split('|'), n]);
      return { rows } as unknown as PinotResult;
    },
  } as unknown as PinotClient;
}

const placed = [
  { id: 'o1', items: [{ productId: '1', quantity: 1, price: 1 }, { productId: '2', quantity: 2, price: 1 }] },
  { id: 'o2', items: [{ productId: '3', quantity: 1, price: 1 }] },
];

describe('pinotCounts', () => {
  it('counts every order and item once when Pinot holds exactly the placed orders', async () => {
    const counts = await pinotCounts(fakePinot(['o1', 'o2'], [['o1', '1'], ['o1', '2'], ['o2', '3']]), placed);
    expect(counts).toEqual({ orders: 2, orderDuplicates: 0, itemsExpected: 3, items: 3, itemDuplicates: 0 });
    expect(allPresent(counts, 2)).toBe(true);
  });

  it('reports missing items and duplicated rows separately, ignoring other orders', async () => {
    const counts = await pinotCounts(fakePinot(['o1', 'o1', 'o2', 'other'], [['o1', '1'], ['o1', '1'], ['o2', '3'], ['other', '9']]), placed);
    expect(counts).toEqual({ orders: 2, orderDuplicates: 1, itemsExpected: 3, items: 2, itemDuplicates: 1 });
    expect(allPresent(counts, 2)).toBe(false);
  });
});
