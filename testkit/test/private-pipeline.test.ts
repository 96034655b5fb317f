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

  it('copies a lifecycle upsert table onto the private status topic, keeping its primary key and upsert mode', () => {
    const { schema, tableConfig } = privateTableConfigs('order_statuses', 'bench_lifecycle_abc_order_statuses', {
      brokers: 'localhost:9092',
      ordersTopic: 'bench-lifecycle-abc-orders',
      enrichedOrderItemsTopic: 'bench-lifecycle-abc-enriched-order-items',
      orderStatusesTopic: 'bench-lifecycle-abc-order-statuses',
      deliveryStatusesTopic: 'bench-lifecycle-abc-delivery-statuses',
    });
    const config = tableConfig as { tableName: string; upsertConfig: { mode: string }; tableIndexConfig: { streamConfigs: Record<string, string> } };
    expect(schema.primaryKeyColumns).toEqual(['id']);
    expect(config.tableName).toBe('bench_lifecycle_abc_order_statuses');
    expect(config.upsertConfig.mode).toBe('FULL');
    expect(config.tableIndexConfig.streamConfigs['stream.kafka.topic.name']).toBe('bench-lifecycle-abc-order-statuses');
  });

  it('refuses to copy a lifecycle table without its private topic', () => {
    expect(() =>
      privateTableConfigs('delivery_statuses', 'bench_lifecycle_abc_delivery_statuses', { brokers: 'localhost:9092', ordersTopic: 'o', enrichedOrderItemsTopic: 'e' }),
    ).toThrow(/DELIVERY_STATUSES_TOPIC/);
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
