import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as queries from '../src/queries.js';
import { comparedPeriods } from '../src/time-windows.js';

const schemaColumns = ['orders', 'order_items_enriched'].flatMap((table) => {
  const schema = JSON.parse(readFileSync(new URL(`../../docker/pinot/config/${table}/schema.json`, import.meta.url), 'utf8')) as Record<
    string,
    Array<{ name: string }> | string
  >;
  return Object.values(schema).flatMap((specs) => (Array.isArray(specs) ? specs.map((s) => s.name.toLowerCase()) : []));
});

const { current: range, previous } = comparedPeriods('5m', undefined);
const all = [
  queries.tableStatsQuery(),
  queries.periodQuery(range),
  queries.periodQuery(previous),
  queries.popularItemsQuery(range, 5),
  queries.popularCategoriesQuery(range, 5),
  queries.popularItemsQuery(range, 5, 'approximate'),
  queries.popularCategoriesQuery(range, 5, 'approximate'),
  queries.ordersPerMinuteQuery(range, 60),
  queries.orderQuery('0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c90'),
  queries.orderProductsQuery('0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c90'),
];

describe('Pinot queries', () => {
  it('only use columns of the Pinot schemas and never alias an expression with a column or table name', () => {
    expect(schemaColumns).toContain('ts');
    for (const statement of all) {
      const aliases = [...statement.text.matchAll(/\bAS (\w+)/g)].map((m) => (m[1] as string).toLowerCase());
      for (const alias of aliases) expect([...schemaColumns, 'orders', 'order_items_enriched']).not.toContain(alias);
    }
  });

  it('carries the order id only as a quoted literal', () => {
    expect(queries.orderQuery("x' OR '1'='1").text).toContain("WHERE id = 'x'' OR ''1''=''1'");
  });
});
