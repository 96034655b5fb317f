// Tests the API's Pinot SQL against the table schemas: known columns, safe aliases, configured tables
// and quoted ids.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as queries from '../src/queries.js';
import { comparedPeriods, minuteBuckets } from '../src/time-windows.js';

const config = (table: string, file: string) => readFileSync(new URL(`../../docker/pinot/config/${table}/${file}`, import.meta.url), 'utf8');
const schemaColumns = ['orders', 'order_items_enriched'].flatMap((table) => {
  const schema = JSON.parse(config(table, 'schema.json')) as Record<
    string,
    Array<{ name: string } | string> | string
  >;
  return Object.values(schema).flatMap((specs) => (Array.isArray(specs) ? specs.flatMap((s) => (typeof s === 'string' ? [] : [s.name.toLowerCase()])) : []));
});

const { current: range, previous } = comparedPeriods('5m', undefined);
const tables = queries.pinotTables({ PINOT_ORDERS_TABLE: 'orders', PINOT_ORDER_ITEMS_TABLE: 'order_items_enriched' });
const all = [
  queries.tableStatsQuery(tables),
  queries.periodQuery(tables, range),
  queries.periodQuery(tables, previous),
  queries.popularItemsQuery(tables, range, 5),
  queries.popularCategoriesQuery(tables, range, 5),
  queries.popularCategoriesQuery(tables, range, 5, 'approximate'),
  queries.ordersPerMinuteQuery(tables, range, 60),
  queries.orderQuery(tables, '0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c90'),
  queries.orderProductsQuery(tables, '0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c90'),
];

describe('Pinot queries', () => {
  it('only use columns of the Pinot schemas and never alias an expression with a column or table name', () => {
    expect(schemaColumns).toContain('ts');
    for (const statement of all) {
      const aliases = [...statement.text.matchAll(/\bAS (\w+)/g)].map((m) => (m[1] as string).toLowerCase());
      for (const alias of aliases) expect([...schemaColumns, 'orders', 'order_items_enriched']).not.toContain(alias);
    }
  });

  it('reads the configured tables, e.g. a bench\'s private copies', () => {
    const own = queries.pinotTables({ PINOT_ORDERS_TABLE: 'bench_x_orders', PINOT_ORDER_ITEMS_TABLE: 'bench_x_order_items_enriched' });
    expect(queries.tableStatsQuery(own).text).toContain('FROM bench_x_orders');
    expect(queries.popularItemsQuery(own, range, 5).text).toContain('FROM bench_x_order_items_enriched');
    expect(() => queries.pinotTables({ PINOT_ORDERS_TABLE: 'orders; DROP', PINOT_ORDER_ITEMS_TABLE: 'x' })).toThrow(/identifier/);
  });

  it('carries the order id only as a quoted literal', () => {
    expect(queries.orderQuery(tables, "x' OR '1'='1").text).toContain("WHERE id = 'x'' OR ''1''=''1'");
  });

  it('filters windows ending at a given minute on tsMinute, and windows ending now on ts', () => {
    const at = Date.UTC(2026, 10, 25, 10);
    const minute = at / 60_000;
    const { current, previous: before } = comparedPeriods('1h', at);
    expect(queries.timeFilter(current).text).toBe(`tsMinute >= ${minute - 60} AND tsMinute < ${minute}`);
    expect(queries.timeFilter(before).text).toBe(`tsMinute >= ${minute - 120} AND tsMinute < ${minute - 60}`);
    expect(queries.periodQuery(tables, current).text).toContain(`WHERE tsMinute >= ${minute - 60} AND tsMinute < ${minute}`);
    expect(queries.popularItemsQuery(tables, current, 5).text).toContain(`WHERE tsMinute >= ${minute - 60} AND tsMinute < ${minute}`);
    expect(queries.popularCategoriesQuery(tables, current, 5, 'approximate').text).toContain(`WHERE tsMinute >= ${minute - 60} AND tsMinute < ${minute}`);
    expect(queries.ordersPerMinuteQuery(tables, minuteBuckets(60, at, 0).range, 60).text).toContain(`WHERE tsMinute >= ${minute - 60} AND tsMinute < ${minute}`);
    expect(queries.timeFilter(range).text).toBe("ts >= ago('PT5M') AND ts < now()");
    expect(queries.timeFilter(minuteBuckets(5, at + 30_000, 0).range).text).toBe(`ts >= ${at - 4 * 60_000} AND ts < ${at + 30_000}`);
  });

  it('have tsMinute derived at ingestion as epoch minutes and first in both star-trees, with the aggregations the queries use', () => {
    const needs = { orders: ['COUNT__*', 'SUM__price'], order_items_enriched: ['COUNT__*', 'SUM__quantity', 'DISTINCTCOUNTHLL__orderId'] };
    for (const [table, functions] of Object.entries(needs)) {
      const text = config(table, 'table.json');
      const tableConfig = JSON.parse(text) as {
        tableIndexConfig: { starTreeIndexConfigs: Array<{ dimensionsSplitOrder: string[]; functionColumnPairs: string[] }> };
        ingestionConfig: { transformConfigs: Array<{ columnName: string; transformFunction: string }> };
      };
      const [starTree] = tableConfig.tableIndexConfig.starTreeIndexConfigs;
      expect(starTree?.dimensionsSplitOrder[0]).toBe('tsMinute');
      expect(starTree?.functionColumnPairs).toEqual(expect.arrayContaining(functions));
      const transforms = new Map(tableConfig.ingestionConfig.transformConfigs.map((t) => [t.columnName, t.transformFunction]));
      expect(transforms.get('tsMinute')).toBe(`toEpochMinutes(${transforms.get('ts')})`);
    }
  });
});
