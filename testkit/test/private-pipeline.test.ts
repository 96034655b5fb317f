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

  it('derives a private alerts table: upsert on the id, consuming the private alerts topic', () => {
    const { schema, tableConfig } = privateTableConfigs('alerts', 'bench_alertsit_abc_alerts', {
      brokers: 'localhost:9092',
      ordersTopic: 'bench-alertsit-abc-orders',
      enrichedOrderItemsTopic: 'bench-alertsit-abc-enriched-order-items',
      alertsTopic: 'bench-alertsit-abc-alerts',
    });
    const config = tableConfig as { tableName: string; upsertConfig: { mode: string }; tableIndexConfig: { streamConfigs: Record<string, string> } };
    expect(schema.primaryKeyColumns).toEqual(['id']);
    expect(config.tableName).toBe('bench_alertsit_abc_alerts');
    expect(config.upsertConfig.mode).toBe('FULL');
    expect(config.tableIndexConfig.streamConfigs['stream.kafka.topic.name']).toBe('bench-alertsit-abc-alerts');
  });

  it('refuses an alerts table without an alerts topic', () => {
    expect(() => privateTableConfigs('alerts', 'bench_alertsit_abc_alerts', { brokers: 'localhost:9092', ordersTopic: 'o', enrichedOrderItemsTopic: 'e' })).toThrow(/ALERTS_TOPIC/);
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
