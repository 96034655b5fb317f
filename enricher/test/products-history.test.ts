// Unit tests of ProductsHistory: the product version in effect at a time.
import { describe, expect, it } from 'vitest';
import { ProductsHistory } from '../src/products-history.js';
import { event, eventAt, json, key, row } from './fixtures.js';

const DAY = 24 * 3600 * 1000;
const T = Date.parse('2026-11-20T10:00:00.000Z');

describe('ProductsHistory', () => {
  it('applies snapshot reads, creates, updates, deletes and tombstones', () => {
    const cache = new ProductsHistory(7 * DAY);
    cache.applyChange(key(1), event('r', null, row(1)));
    cache.applyChange(key(2), event('c', null, row(2)));
    expect(cache.size).toBe(2);
    expect(cache.get('1')).toEqual({
      id: '1',
      name: 'Product 1',
      description: 'Description 1',
      category: 'pizzas-veg',
      image: '/images/products/1.jpg',
      price: 101,
    });
    cache.applyChange(key(1), eventAt('u', row(1), row(1, { name: 'Renamed', price: 150 }), 10));
    expect(cache.get('1')).toMatchObject({ name: 'Renamed', price: 150 });
    expect(cache.applyChange(key(2), eventAt('d', row(2), null, 20))).toEqual({ kind: 'delete', id: '2', validFrom: 20 });
    expect(cache.get('2')).toBeUndefined();
    cache.applyChange(key(2), eventAt('c', null, row(2), 30));
    expect(cache.applyChange(key(2), null, 40)).toEqual({ kind: 'delete', id: '2', validFrom: 40 });
    expect(cache.size).toBe(1);
  });

  it('tolerates extra columns and DECIMAL prices as strings', () => {
    const cache = new ProductsHistory(DAY);
    cache.applyChange(key(5), event('c', null, row(5, { price: '12.50', spicy_level: 3 })));
    expect(cache.get('5')?.price).toBe(12.5);
  });

  it('reports invalid events without changing the cache', () => {
    const cache = new ProductsHistory(DAY);
    cache.applyChange(key(1), event('r', null, row(1)));
    expect(cache.applyChange(key(1), Buffer.from('{nope'))).toMatchObject({ kind: 'invalid', detail: expect.stringMatching(/malformed JSON/) });
    expect(cache.applyChange(key(1), json({ before: null, after: { id: 1 }, op: 'u' }))).toMatchObject({ kind: 'invalid', detail: expect.stringMatching(/after\.name/) });
    expect(cache.applyChange(null, null)).toMatchObject({ kind: 'invalid' });
    expect(cache.get('1')?.name).toBe('Product 1');
  });

  it('gives the version valid at a time: valid from source.ts_ms until the next change', () => {
    const cache = new ProductsHistory(7 * DAY);
    cache.applyChange(key(1), eventAt('r', null, row(1, { price: 10 }), T));
    cache.applyChange(key(1), eventAt('u', row(1), row(1, { price: 12 }), T + 60_000));
    cache.applyChange(key(1), eventAt('u', row(1), row(1, { price: 15 }), T + 120_000));
    expect(cache.at('1', T + 59_999)?.product?.price).toBe(10);
    expect(cache.at('1', T + 60_000)?.product?.price).toBe(12);
    expect(cache.at('1', T + 119_999)?.product?.price).toBe(12);
    expect(cache.at('1', T + 10 * DAY)?.product?.price).toBe(15);
    expect(cache.at('1', T + 60_000)?.json).toBe(JSON.stringify(cache.at('1', T + 60_000)?.product));
  });

  it('extends a product\'s earliest known version back: orders older than the snapshot (or than the create event) still join', () => {
    const cache = new ProductsHistory(7 * DAY);
    cache.applyChange(key(1), eventAt('r', null, row(1, { price: 10 }), T));
    cache.applyChange(key(1), eventAt('u', row(1), row(1, { price: 12 }), T + 1000));
    expect(cache.at('1', T - 3 * DAY)?.product?.price).toBe(10);
    expect(cache.at('2', T)).toBeUndefined();
  });

  it('knows no product at a time it was deleted, and the re-created one afterwards', () => {
    const cache = new ProductsHistory(7 * DAY);
    cache.applyChange(key(1), eventAt('c', null, row(1, { price: 10 }), T));
    cache.applyChange(key(1), eventAt('d', row(1), null, T + 1000));
    cache.applyChange(key(1), null, T + 1001);
    expect(cache.at('1', T + 500)?.product?.price).toBe(10);
    expect(cache.at('1', T + 1500)).toBeUndefined();
    cache.applyChange(key(1), eventAt('c', null, row(1, { price: 11 }), T + 2000));
    expect(cache.at('1', T + 1500)).toBeUndefined();
    expect(cache.at('1', T + 2500)?.product?.price).toBe(11);
    expect(cache.size).toBe(1);
  });

  it('takes changes arriving out of order, a redelivered change once, and the later of two changes in the same millisecond', () => {
    const cache = new ProductsHistory(7 * DAY);
    cache.applyChange(key(1), eventAt('u', row(1), row(1, { price: 12 }), T + 2000));
    cache.applyChange(key(1), eventAt('r', null, row(1, { price: 10 }), T));
    cache.applyChange(key(1), eventAt('u', row(1), row(1, { price: 12 }), T + 2000));
    expect(cache.at('1', T + 1000)?.product?.price).toBe(10);
    expect(cache.at('1', T + 2000)?.product?.price).toBe(12);
    cache.applyChange(key(1), eventAt('u', row(1), row(1, { price: 13 }), T + 2000));
    expect(cache.at('1', T + 2000)?.product?.price).toBe(13);
  });

  it('keeps history for the window only: versions superseded before it are dropped', () => {
    const cache = new ProductsHistory(DAY);
    cache.applyChange(key(1), eventAt('c', null, row(1, { price: 10 }), T));
    cache.applyChange(key(1), eventAt('u', row(1), row(1, { price: 11 }), T + DAY / 2));
    cache.applyChange(key(1), eventAt('u', row(1), row(1, { price: 12 }), T + 2 * DAY));
    // the first version ended more than a day before the newest change: gone; the second is the earliest now
    expect(cache.at('1', T)?.product?.price).toBe(11);
    expect(cache.at('1', T + DAY)?.product?.price).toBe(11);
    expect(cache.at('1', T + 2 * DAY)?.product?.price).toBe(12);
  });

  it('falls back to the record timestamp for tombstones and events without source.ts_ms', () => {
    expect(ProductsHistory.decode(key(3), null, 1234)).toEqual({ kind: 'delete', id: '3', validFrom: 1234 });
    expect(ProductsHistory.decode(key(3), json({ before: null, after: row(3), op: 'c' }), 99)).toMatchObject({ kind: 'upsert', validFrom: 99 });
  });
});
