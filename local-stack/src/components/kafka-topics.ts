// The pipeline's topics from docker/kafka/topics.conf (shared with compose's kafka-init): created
// with their configs when missing, their configs set again when they drifted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs, { type Admin } from 'kafkajs';
import { createTopics } from '@pizzashop/common';
import { repoRoot } from '../config.js';
import { render } from '../templates.js';
import type { StackContext } from './types.js';

export const topicsFile = join(repoRoot, 'docker', 'kafka', 'topics.conf');

export interface TopicDefinition {
  topic: string;
  partitions: number;
  configs: Record<string, string>;
}

/** Parses topics.conf once its `${NAME}` placeholders are rendered: `<topic> <partitions> <k>=<v>,...` per line. */
export function parseTopics(text: string, file = topicsFile): TopicDefinition[] {
  return text
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line !== '' && !line.startsWith('#'))
    .map(([line, lineNo]) => {
      const [topic, partitions, configs = '', ...rest] = line.split(/\s+/);
      const count = Number(partitions);
      if (!topic || !Number.isInteger(count) || count < 1 || rest.length > 0) {
        throw new Error(`${file}:${lineNo}: expected "<topic> <partitions> <config>=<value>,...", got "${line}"`);
      }
      const pairs = configs.split(',').filter(Boolean).map((pair) => pair.split('='));
      if (pairs.some((p) => p.length !== 2 || !p[0] || !p[1])) throw new Error(`${file}:${lineNo}: configs must be <config>=<value> pairs separated by commas, got "${configs}"`);
      return { topic, partitions: count, configs: Object.fromEntries(pairs) };
    });
}

/** The topics of this stack: topics.conf with its names, partition count and retention. */
export function stackTopics(ctx: StackContext): TopicDefinition[] {
  const { cfg } = ctx;
  const values: Record<string, string> = {
    ORDERS_TOPIC: cfg.ORDERS_TOPIC,
    ENRICHED_ORDER_ITEMS_TOPIC: cfg.ENRICHED_ORDER_ITEMS_TOPIC,
    DEAD_LETTER_TOPIC: cfg.DEAD_LETTER_TOPIC,
    ENRICHER_WAITING_TOPIC: cfg.ENRICHER_WAITING_TOPIC,
    ORDER_STATUSES_TOPIC: cfg.ORDER_STATUSES_TOPIC,
    DELIVERY_STATUSES_TOPIC: cfg.DELIVERY_STATUSES_TOPIC,
    DELIVERY_STATE_TOPIC: cfg.DELIVERY_STATE_TOPIC,
    ALERTS_TOPIC: cfg.ALERTS_TOPIC,
    PRODUCTS_CDC_TOPIC: `${cfg.PRODUCTS_CDC_TOPIC_PREFIX}.pizzashop.products`,
    TOPIC_PARTITIONS: String(cfg.KAFKA_PARTITIONS),
    TOPIC_RETENTION_MS: String(cfg.TOPIC_RETENTION_MS),
    DEAD_LETTER_RETENTION_MS: String(cfg.DEAD_LETTER_RETENTION_MS),
    DEAD_LETTER_MAX_MESSAGE_BYTES: String(cfg.DEAD_LETTER_MAX_MESSAGE_BYTES),
  };
  return parseTopics(render(readFileSync(topicsFile, 'utf8'), values, topicsFile, (v) => v));
}

/**
 * Creates the missing topics with their configs and sets the configs again on existing ones whose
 * values differ (e.g. a products topic auto-created with `cleanup.policy=delete` by an older stack).
 * A topic with fewer partitions than wanted is reported, not changed: adding partitions moves keys.
 */
export async function ensureStackTopics(admin: Admin, topics: TopicDefinition[], replicationFactor: number, progress: (line: string) => void): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  const specs = missing.map((t) => ({ topic: t.topic, numPartitions: t.partitions, replicationFactor, configs: t.configs }));
  if (missing.length > 0 && (await createTopics(admin, specs))) {
    progress(`[kafka] created topics ${missing.map((t) => t.topic).join(', ')} (configs from docker/kafka/topics.conf${replicationFactor > 1 ? `, ${replicationFactor} replicas` : ''})`);
  }
  const present = topics.filter((t) => existing.has(t.topic));
  if (present.length === 0) return;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((t) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name: t.topic, configNames: Object.keys(t.configs) })),
  });
  for (const t of present) {
    const current = new Map(described.resources.find((r) => r.resourceName === t.topic)?.configEntries.map((e) => [e.configName, e.configValue]) ?? []);
    const drifted = Object.entries(t.configs).filter(([name, value]) => current.get(name) !== value);
    if (drifted.length === 0) continue;
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: t.topic, configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })) }],
    });
    progress(`[kafka] topic ${t.topic}: set ${drifted.map(([n, v]) => `${n}=${v} (was ${current.get(n) ?? 'unset'})`).join(', ')}`);
  }
  const metadata = await admin.fetchTopicMetadata({ topics: present.map((t) => t.topic) });
  for (const t of present) {
    const have = metadata.topics.find((m) => m.name === t.topic)?.partitions.length ?? 0;
    if (have < t.partitions) progress(`[kafka] topic ${t.topic} has ${have} partitions, topics.conf wants ${t.partitions}; left as is (more partitions move keys: kafka-topics.sh --alter --partitions ${t.partitions} if you mean it)`);
  }
}
