import kafkajs, { type ITopicConfig, type Kafka } from 'kafkajs';
import type { Logger } from '../logger.js';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  /** Broker topic configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  configs?: Record<string, string>;
}

/**
 * Creates the topics that do not exist yet (existing ones are left as they are) and waits until
 * their leaders are known. Safe to call from several services at once.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[], log: Logger): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing: ITopicConfig[] = specs
      .filter((s) => !existing.has(s.topic))
      .map((s) => ({
        topic: s.topic,
        numPartitions: s.numPartitions,
        configEntries: Object.entries(s.configs ?? {}).map(([name, value]) => ({ name, value })),
      }));
    if (missing.length === 0) return;
    await admin.createTopics({ topics: missing, waitForLeaders: true });
    log.info({ topics: missing.map((t) => t.topic) }, 'created topics');
  } catch (err) {
    if ((err as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') return;
    throw err;
  } finally {
    await admin.disconnect();
  }
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
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await whileTopicIsNew(() => admin.fetchTopicMetadata({ topics: [topic] }));
    return topics[0]?.partitions.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until every topic exists (e.g. the CDC topic, created by Debezium on its first event),
 * logging `hint` every `logEveryMs` so an operator sees what is missing and why.
 */
export async function waitForTopics(kafka: Kafka, topics: string[], log: Logger, hint: string, logEveryMs = 10000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
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
  } finally {
    await admin.disconnect();
  }
}

/** The current value of one config of a topic (e.g. `cleanup.policy`), or undefined when unset. */
export async function topicConfig(kafka: Kafka, topic: string, name: string): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { resources } = await whileTopicIsNew(() =>
      admin.describeConfigs({ includeSynonyms: false, resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: [name] }] }),
    );
    return resources[0]?.configEntries.find((e) => e.configName === name)?.configValue;
  } finally {
    await admin.disconnect();
  }
}
