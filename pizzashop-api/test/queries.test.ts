// Tests the API's Pinot SQL against the table schemas: known columns, safe aliases, configured tables
// and quoted ids.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as queries from '../src/queries.js';
import { comparedPeriods, minuteBuckets, popularRanges } from '../src/time-windows.js';

const config = (table: string, file: string) => readFileSync(new URL(`../../docker/pinot/config/${table}/${file}`, import.meta.url), 'utf8');
const schemaColumns = ['orders', 'order_items_enriched', 'order_items_by_minute'].flatMap((table) => {
  const schema = JSON.parse(config(table, 'schema.json')) as Record<
    string,
    Array<{ name: string } | string> | string
  >;
  return Object.values(schema).flatMap((specs) => (Array.isArray(specs) ? specs.flatMap((s) => (typeof s === 'string' ? [] : [s.name.toLowerCase()])) : []));
});

const { current: range, previous } = comparedPeriods('5m', undefined);
const names = { PINOT_ORDERS_TABLE: 'orders', PINOT_ORDER_ITEMS_TABLE: 'order_items_enriched', PINOT_ORDER_ITEMS_BY_MINUTE_TABLE: 'order_items_by_minute' };
const tables = queries.pinotTables(names);
const nowMs = Date.UTC(2026, 10, 25, 10, 7, 30);
const popular = popularRanges('5m', undefined, nowMs);
const all = [
  queries.tableStatsQuery(tables),
  queries.periodQuery(tables, range),
  queries.periodQuery(tables, previous),
  queries.popularByMinuteQuery(tables, popular.minutes),
  queries.popularPartialMinuteQuery(tables, popular.partialMinute!),
  queries.ordersPerMinuteQuery(tables, range, 60),
  queries.orderQuery(tables, '0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c90'),
  queries.orderProductsQuery(tables, '0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c90'),
];

describe('Pinot queries', () => {
  it('only use columns of the Pinot schemas and never alias an expression with a column or table name', () => {
    expect(schemaColumns).toContain('ts');
    for (const statement of all) {
      const aliases = [...statement.text.matchAll(/\bAS (\w+)/g)].map((m) => (m[1] as string).toLowerCase());
      for (const alias of aliases) expect([...schemaColumns, ...Object.values(names)]).not.toContain(alias);
    }
  });

  it('reads the configured tables, e.g. a bench\'s private copies', () => {
    const own = queries.pinotTables({ PINOT_ORDERS_TABLE: 'bench_x_orders', PINOT_ORDER_ITEMS_TABLE: 'bench_x_order_items_enriched', PINOT_ORDER_ITEMS_BY_MINUTE_TABLE: 'bench_x_order_items_by_minute' });
    expect(queries.tableStatsQuery(own).text).toContain('FROM bench_x_orders');
    expect(queries.popularPartialMinuteQuery(own, popular.partialMinute!).text).toContain('FROM bench_x_order_items_enriched');
    expect(queries.popularByMinuteQuery(own, popular.minutes).text).toContain('FROM bench_x_order_items_by_minute');
    expect(() => queries.pinotTables({ ...names, PINOT_ORDERS_TABLE: 'orders; DROP' })).toThrow(/identifier/);
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
    expect(queries.ordersPerMinuteQuery(tables, minuteBuckets(60, at, 0).range, 60).text).toContain(`WHERE tsMinute >= ${minute - 60} AND tsMinute < ${minute}`);
    expect(queries.timeFilter(range).text).toBe("ts >= ago('PT5M') AND ts < now()");
    expect(queries.timeFilter(minuteBuckets(5, at + 30_000, 0).range).text).toBe(`ts >= ${at - 4 * 60_000} AND ts < ${at + 30_000}`);
  });

  it('read popular over whole minutes from the rollup, and a window ending now also over its partial first minute from the items table', () => {
    const at = Date.UTC(2026, 10, 25, 10);
    const minute = at / 60_000;
    expect(popularRanges('1h', at, at + 5_000)).toEqual({ minutes: { from: minute - 60, to: minute } });
    expect(queries.popularByMinuteQuery(tables, popularRanges('1h', at, 0).minutes).text).toContain(`WHERE tsMinute >= ${minute - 60} AND tsMinute < ${minute}`);
    const now = popularRanges('5m', undefined, nowMs);
    const nowMinute = Math.floor(nowMs / 60_000);
    expect(now.minutes).toEqual({ from: nowMinute - 4, to: nowMinute + 1 });
    expect(now.partialMinute?.minute).toBe(nowMinute - 5);
    expect(queries.popularPartialMinuteQuery(tables, now.partialMinute!).text).toContain(`WHERE tsMinute = ${nowMinute - 5} AND ts >= ago('PT5M') AND ts < ${(nowMinute - 4) * 60_000}`);
    expect(popularRanges('1m', undefined, at)).toEqual({ minutes: { from: minute - 1, to: minute + 1 } });
  });

  it('have tsMinute derived at ingestion as epoch minutes and first in the orders star-tree, with the aggregations the queries use', () => {
    const text = config('orders', 'table.json');
    const tableConfig = JSON.parse(text) as {
      tableIndexConfig: { starTreeIndexConfigs: Array<{ dimensionsSplitOrder: string[]; functionColumnPairs: string[] }> };
      ingestionConfig: { transformConfigs: Array<{ columnName: string; transformFunction: string }> };
    };
    const [starTree] = tableConfig.tableIndexConfig.starTreeIndexConfigs;
    expect(starTree?.dimensionsSplitOrder[0]).toBe('tsMinute');
    expect(starTree?.functionColumnPairs).toEqual(expect.arrayContaining(['COUNT__*', 'SUM__price']));
    const transforms = new Map(tableConfig.ingestionConfig.transformConfigs.map((t) => [t.columnName, t.transformFunction]));
    expect(transforms.get('tsMinute')).toBe(`toEpochMinutes(${transforms.get('ts')})`);
  });

  it('roll the items up per minute at ingestion with the sums popular reads, from the items topic', () => {
    const rollup = JSON.parse(config('order_items_by_minute', 'table.json')) as {
      tableIndexConfig: { noDictionaryColumns: string[]; streamConfigs: Record<string, string> };
      ingestionConfig: { aggregationConfigs: Array<{ columnName: string; aggregationFunction: string }> };
    };
    const items = JSON.parse(config('order_items_enriched', 'table.json')) as { tableIndexConfig: { streamConfigs: Record<string, string> } };
    expect(rollup.ingestionConfig.aggregationConfigs).toEqual([
      { columnName: 'lines', aggregationFunction: 'COUNT(*)' },
      { columnName: 'units', aggregationFunction: 'SUM(quantity)' },
      { columnName: 'categoryOrders', aggregationFunction: 'SUM(firstOfCategory)' },
    ]);
    expect(rollup.tableIndexConfig.noDictionaryColumns).toEqual(['lines', 'units', 'categoryOrders']);
    expect(rollup.tableIndexConfig.streamConfigs['stream.kafka.topic.name']).toBe(items.tableIndexConfig.streamConfigs['stream.kafka.topic.name']);
  });
});
