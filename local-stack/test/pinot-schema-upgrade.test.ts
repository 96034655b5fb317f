// Tests the check that keeps the stack from updating a Pinot table whose schema lacks a column the config adds.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/config.js';
import { addedColumns, schemaUpgradeMessage, type SchemaJson } from '../src/components/pinot-schema-upgrade.js';

const schema = (table: string) => JSON.parse(readFileSync(`${repoRoot}/docker/pinot/config/${table}/schema.json`, 'utf8')) as SchemaJson;

describe('Pinot schema upgrade check', () => {
  it('names the columns of the config a table created before them lacks, e.g. tsMinute', () => {
    for (const table of ['orders', 'order_items_enriched']) {
      const wanted = schema(table);
      const before = { ...wanted, dimensionFieldSpecs: wanted.dimensionFieldSpecs?.filter((c) => c.name !== 'tsMinute') };
      expect(addedColumns(before, wanted)).toEqual(['tsMinute']);
      expect(addedColumns(wanted, wanted)).toEqual([]);
    }
  });

  it('does not count a column the config dropped', () => {
    expect(addedColumns({ dimensionFieldSpecs: [{ name: 'a' }, { name: 'old' }] }, { dimensionFieldSpecs: [{ name: 'a' }] })).toEqual([]);
  });

  it('tells how to fix it: drop the table so it is re-ingested, or reset the stack', () => {
    const message = schemaUpgradeMessage('orders', ['tsMinute'], 'http://localhost:9000');
    expect(message).toContain('Pinot table orders exists without column(s) tsMinute');
    expect(message).toContain("curl -X DELETE 'http://localhost:9000/tables/orders?type=realtime'");
    expect(message).toContain('npm run stack:down -- --reset');
  });
});
