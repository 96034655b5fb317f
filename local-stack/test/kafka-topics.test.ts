// Tests for parsing docker/kafka/topics.conf and rendering it with the stack's partitions, replication
// and retention.
import { describe, expect, it } from 'vitest';
import { parseTopics, stackTopics } from '../src/components/kafka-topics.js';
import { loadStackConfig } from '../src/config.js';
import { layout } from '../src/layout.js';
import type { StackContext } from '../src/components/types.js';

describe('parseTopics', () => {
  it('reads name, partitions and configs per line, skipping comments and blank lines', () => {
    const text = '# a comment\n\norders 3 cleanup.policy=delete,retention.ms=1000\nproducts 1 cleanup.policy=compact\n';
    expect(parseTopics(text, 'topics.conf')).toEqual([
      { topic: 'orders', partitions: 3, configs: { 'cleanup.policy': 'delete', 'retention.ms': '1000' } },
      { topic: 'products', partitions: 1, configs: { 'cleanup.policy': 'compact' } },
    ]);
  });

  it('names the file and line of a malformed entry', () => {
    expect(() => parseTopics('orders three', 'topics.conf')).toThrow('topics.conf:1: expected "<topic> <partitions> <config>=<value>,...", got "orders three"');
    expect(() => parseTopics('\norders 3 cleanup.policy', 'topics.conf')).toThrow('topics.conf:2: configs must be <config>=<value> pairs');
  });
});

describe('stackTopics', () => {
  it('renders docker/kafka/topics.conf with the stack settings: compacted CDC and waiting topics, retention on the rest', () => {
    const cfg = loadStackConfig({ KAFKA_PARTITIONS: '6', TOPIC_RETENTION_MS: '3600000', ORDERS_TOPIC: 'o' });
    const topics = stackTopics({ cfg, paths: layout(cfg) } as StackContext);
    const byName = new Map(topics.map((t) => [t.topic, t]));
    expect(byName.get('o')).toEqual({ topic: 'o', partitions: 6, configs: { 'cleanup.policy': 'delete', 'retention.ms': '3600000' } });
    expect(byName.get('mysql.pizzashop.products')?.configs).toEqual({ 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '3600000' });
    expect(byName.get('enricher-waiting-items')).toMatchObject({ partitions: 6, configs: { 'cleanup.policy': 'compact' } });
    expect(Number(byName.get('dead-letters')?.configs['max.message.bytes'])).toBeGreaterThan(1048588);
  });
});
