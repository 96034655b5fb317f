// Tests a bench's private Pinot tables: derived from the stack tables, and the run start read from
// their names.
import { describe, expect, it } from 'vitest';
import { privateNameStartedAt, privateTableConfigs } from '../src/bench/private-pipeline.js';

describe('private pipeline', () => {
  it('derives a private table from the stack table: same schema and indexes, its own name, schema and topic', () => {
    const { schema, tableConfig } = privateTableConfigs('order_items_enriched', 'bench_freshness_abc_order_items_enriched', {
      brokers: 'localhost:9092',
      ordersTopic: 'bench-freshness-abc-orders',
      enrichedOrderItemsTopic: 'bench-freshness-abc-enriched-order-items',
    });
    const config = tableConfig as { tableName: string; segmentsConfig: { schemaName: string }; tableIndexConfig: { bloomFilterColumns: string[]; streamConfigs: Record<string, string> } };
    expect(schema.schemaName).toBe('bench_freshness_abc_order_items_enriched');
    expect(Array.isArray(schema.dimensionFieldSpecs)).toBe(true);
    expect(config.tableName).toBe('bench_freshness_abc_order_items_enriched');
    expect(config.segmentsConfig.schemaName).toBe('bench_freshness_abc_order_items_enriched');
    expect(config.tableIndexConfig.streamConfigs['stream.kafka.topic.name']).toBe('bench-freshness-abc-enriched-order-items');
    expect(config.tableIndexConfig.streamConfigs['stream.kafka.broker.list']).toBe('localhost:9092');
    expect(config.tableIndexConfig.bloomFilterColumns).toContain('orderId');
  });

  it.each([
    { table: 'order_statuses', topicKey: 'orderStatusesTopic' },
    { table: 'alerts', topicKey: 'alertsTopic' },
  ] as const)('copies the $table upsert table onto its private topic, keeping its primary key and upsert mode', ({ table, topicKey }) => {
    const { schema, tableConfig } = privateTableConfigs(table, `bench_x_abc_${table}`, {
      brokers: 'localhost:9092',
      ordersTopic: 'bench-x-abc-orders',
      enrichedOrderItemsTopic: 'bench-x-abc-enriched-order-items',
      [topicKey]: `bench-x-abc-${table}`,
    });
    const config = tableConfig as { tableName: string; upsertConfig: { mode: string }; tableIndexConfig: { streamConfigs: Record<string, string> } };
    expect(schema.primaryKeyColumns).toEqual(['id']);
    expect(config.tableName).toBe(`bench_x_abc_${table}`);
    expect(config.upsertConfig.mode).toBe('FULL');
    expect(config.tableIndexConfig.streamConfigs['stream.kafka.topic.name']).toBe(`bench-x-abc-${table}`);
  });

  it.each([
    { table: 'delivery_statuses', variable: /DELIVERY_STATUSES_TOPIC/ },
    { table: 'alerts', variable: /ALERTS_TOPIC/ },
  ] as const)('refuses to copy $table without its private topic', ({ table, variable }) => {
    expect(() => privateTableConfigs(table, `bench_x_abc_${table}`, { brokers: 'localhost:9092', ordersTopic: 'o', enrichedOrderItemsTopic: 'e' })).toThrow(variable);
  });

  it('reads the run start from private names only', () => {
    const at = Date.UTC(2026, 11, 1, 12);
    const id = at.toString(36);
    expect(privateNameStartedAt(`bench_freshness_${id}_orders`)).toBe(at);
    expect(privateNameStartedAt(`bench-pipeline-${id}-enricher`)).toBe(at);
    expect(privateNameStartedAt('orders')).toBeUndefined();
    expect(privateNameStartedAt('enriched-order-items')).toBeUndefined();
  });
});
