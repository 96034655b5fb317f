// Topic administration: create the missing topics, wait for topics, read a topic's partition count
// and configs.
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import type { Logger } from '../logger.js';
import { withAdmin } from './admin.js';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  /** Broker topic configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  configs?: Record<string, string>;
  /** The broker's default when unset. */
  replicationFactor?: number;
}

/**
 * Creates topics found missing, with their configs, and waits until their leaders are known.
 * Resolves false when another client created one of them meanwhile (then this created none).
 */
export async function createTopics(admin: Admin, specs: TopicSpec[]): Promise<boolean> {
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: specs.map((s) => ({
        topic: s.topic,
        numPartitions: s.numPartitions,
        ...(s.replicationFactor === undefined ? {} : { replicationFactor: s.replicationFactor }),
        configEntries: Object.entries(s.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    return true;
  } catch (err) {
    if ((err as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') return false;
    throw err;
  }
}

/**
 * Creates the topics that do not exist yet (existing ones are left as they are) and waits until
 * their leaders are known. Safe to call from several services at once.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[], log: Logger): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length > 0 && (await createTopics(admin, missing))) log.info({ topics: missing.map((t) => t.topic) }, 'created topics');
  });
}

/**
 * Runs `fn` again for a few seconds while the broker answers that it does not know the topic yet:
 * a topic created a moment ago (by us or by the launcher) can be missing from the metadata one more
 * round trip, and the broker no longer creates topics on a metadata request.
 */
async function whileTopicIsNew<T>(fn: () => Promise<T>, attempts = 40): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION' || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Number of partitions of an existing topic. */
export async function partitionCount(kafka: Kafka, topic: string): Promise<number> {
  return await withAdmin(kafka, async (admin) => {
    const { topics } = await whileTopicIsNew(() => admin.fetchTopicMetadata({ topics: [topic] }));
    return topics[0]?.partitions.length ?? 0;
  });
}

/**
 * Waits until every topic exists (e.g. the CDC topic, created by Debezium on its first event),
 * logging `hint` every `logEveryMs` so an operator sees what is missing and why.
 */
export async function waitForTopics(kafka: Kafka, topics: string[], log: Logger, hint: string, logEveryMs = 10000): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    let lastLog = 0;
    for (;;) {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length === 0) return;
      if (Date.now() - lastLog >= logEveryMs) {
        log.warn({ missing }, `waiting for topics: ${hint}`);
        lastLog = Date.now();
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  });
}

/** The current value of one config of a topic (e.g. `cleanup.policy`), or undefined when unset. */
export async function topicConfig(kafka: Kafka, topic: string, name: string): Promise<string | undefined> {
  return await withAdmin(kafka, async (admin) => {
    const { resources } = await whileTopicIsNew(() =>
      admin.describeConfigs({ includeSynonyms: false, resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: [name] }] }),
    );
    return resources[0]?.configEntries.find((e) => e.configName === name)?.configValue;
  });
}
