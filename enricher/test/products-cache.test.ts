import { describe, expect, it } from 'vitest';
import { ProductsCache } from '../src/products-cache.js';
import { event, json, key, row } from './fixtures.js';

describe('ProductsCache', () => {
  it('applies snapshot reads, creates, updates, deletes and tombstones', () => {
    const cache = new ProductsCache();
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
    cache.applyChange(key(1), event('u', row(1), row(1, { name: 'Renamed', price: 150 })));
    expect(cache.get('1')).toMatchObject({ name: 'Renamed', price: 150 });
    expect(cache.applyChange(key(2), event('d', row(2), null))).toEqual({ kind: 'delete', id: '2' });
    expect(cache.get('2')).toBeUndefined();
    cache.applyChange(key(2), event('c', null, row(2)));
    expect(cache.applyChange(key(2), null)).toEqual({ kind: 'delete', id: '2' });
    expect(cache.size).toBe(1);
  });

  it('tolerates extra columns and DECIMAL prices as strings', () => {
    const cache = new ProductsCache();
    cache.applyChange(key(5), event('c', null, row(5, { price: '12.50', spicy_level: 3 })));
    expect(cache.get('5')?.price).toBe(12.5);
  });

  it('reports invalid events without changing the cache', () => {
    const cache = new ProductsCache();
    cache.applyChange(key(1), event('r', null, row(1)));
    expect(cache.applyChange(key(1), Buffer.from('{nope'))).toMatchObject({ kind: 'invalid', detail: expect.stringMatching(/malformed JSON/) });
    expect(cache.applyChange(key(1), json({ before: null, after: { id: 1 }, op: 'u' }))).toMatchObject({ kind: 'invalid', detail: expect.stringMatching(/after\.name/) });
    expect(cache.applyChange(null, null)).toMatchObject({ kind: 'invalid' });
    expect(cache.get('1')?.name).toBe('Product 1');
  });
});
