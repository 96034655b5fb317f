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

  it('reads the run start from private names only', () => {
    const at = Date.UTC(2026, 11, 1, 12);
    const id = at.toString(36);
    expect(privateNameStartedAt(`bench_freshness_${id}_orders`)).toBe(at);
    expect(privateNameStartedAt(`bench-pipeline-${id}-enricher`)).toBe(at);
    expect(privateNameStartedAt('orders')).toBeUndefined();
    expect(privateNameStartedAt('enriched-order-items')).toBeUndefined();
  });
});
