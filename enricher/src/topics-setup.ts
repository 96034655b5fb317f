// The topics the enricher needs, checked or created before it starts: output topics, the waiting
// topic (partitioned like `orders`), the products CDC topic (compacted, keeping the history window),
// and the dead-letter topic's record limit.
import { ensureTopics, isRetriable, partitionCount, topicConfig, waitForTopics, type Logger } from '@pizzashop/common';
import type { Kafka } from 'kafkajs';
import type { EnricherConfig } from './config.js';

/** Bytes a record batch adds around one record: what a dead letter leaves free of the topic's max.message.bytes. */
const RECORD_OVERHEAD_BYTES = 1024;
/** The broker's default max.message.bytes, when the dead-letter topic's cannot be read. */
const BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1048588;

/**
 * Creates what is missing and checks the rest; returns the largest dead letter the dead-letter topic
 * accepts. Kafka's retriable answers (a topic another instance created a moment ago has no leader
 * yet) are retried; a topic set up wrongly fails at once, naming the fix.
 */
export async function prepareTopics(kafka: Kafka, cfg: EnricherConfig, log: Logger): Promise<{ deadLetterMaxBytes: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await prepareTopicsOnce(kafka, cfg, log);
    } catch (err) {
      if (!isRetriable(err) || attempt >= 20) throw err;
      log.warn({ err, attempt }, 'preparing topics: Kafka answered with a retriable error; retrying');
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

async function prepareTopicsOnce(kafka: Kafka, cfg: EnricherConfig, log: Logger): Promise<{ deadLetterMaxBytes: number }> {
  const partitions = cfg.ENRICHER_TOPIC_PARTITIONS;
  await ensureTopics(
    kafka,
    [cfg.ORDERS_TOPIC, cfg.ENRICHED_ORDER_ITEMS_TOPIC, cfg.DEAD_LETTER_TOPIC].map((topic) => ({ topic, numPartitions: partitions })),
    log,
  );
  const ordersPartitions = await partitionCount(kafka, cfg.ORDERS_TOPIC);
  await ensureTopics(kafka, [{ topic: cfg.ENRICHER_WAITING_TOPIC, numPartitions: ordersPartitions, configs: { 'cleanup.policy': 'compact' } }], log);
  const waitingPartitions = await partitionCount(kafka, cfg.ENRICHER_WAITING_TOPIC);
  if (waitingPartitions < ordersPartitions) {
    throw new Error(
      `enricher: topic ${cfg.ENRICHER_WAITING_TOPIC} has ${waitingPartitions} partitions but ${cfg.ORDERS_TOPIC} has ${ordersPartitions}; ` +
        `add partitions to ${cfg.ENRICHER_WAITING_TOPIC} (kafka-topics.sh --alter --partitions ${ordersPartitions}) before starting`,
    );
  }
  await waitForTopics(
    kafka,
    [cfg.PRODUCTS_CDC_TOPIC],
    log,
    `the products CDC topic appears with Debezium's snapshot: is the connector registered (${cfg.KAFKA_CONNECT_URL}/connectors)?`,
  );
  await checkProductsTopic(kafka, cfg, log);
  const limit = Number((await topicConfig(kafka, cfg.DEAD_LETTER_TOPIC, 'max.message.bytes')) ?? BROKER_DEFAULT_MAX_MESSAGE_BYTES);
  return { deadLetterMaxBytes: limit - RECORD_OVERHEAD_BYTES };
}

/**
 * The products history is rebuilt from the CDC topic at every start, so that topic must keep the
 * latest change of every product for ever: compacted, not deleted by retention (Debezium does not
 * snapshot again). On a topic with `cleanup.policy=delete` the enricher would work for a week, then
 * forget every product not changed since; it refuses to start instead. Compaction may also remove
 * older versions of a product: `min.compaction.lag.ms` below the history window makes replays after
 * a restart use a newer version than the order saw, which is worth a warning, not a refusal.
 */
async function checkProductsTopic(kafka: Kafka, cfg: EnricherConfig, log: Logger): Promise<void> {
  const topic = cfg.PRODUCTS_CDC_TOPIC;
  const policy = await topicConfig(kafka, topic, 'cleanup.policy');
  if (!policy?.split(',').includes('compact')) {
    throw new Error(
      `enricher: topic ${topic} has cleanup.policy=${policy ?? 'unset'}, but the products cache is rebuilt from it at every start and needs every product's latest change kept: ` +
        `make it compacted (kafka-configs.sh --bootstrap-server ${cfg.KAFKA_BROKERS.join(',')} --alter --entity-type topics --entity-name ${topic} --add-config cleanup.policy=compact; ` +
        'the local stack does this itself at `npm run stack:up`), then start the enricher again',
    );
  }
  const lag = Number((await topicConfig(kafka, topic, 'min.compaction.lag.ms')) ?? 0);
  if (lag < cfg.ENRICHER_PRODUCT_HISTORY_MS) {
    log.warn(
      { topic, minCompactionLagMs: lag, historyMs: cfg.ENRICHER_PRODUCT_HISTORY_MS },
      `${topic} may compact product versions younger than ENRICHER_PRODUCT_HISTORY_MS: after a restart, orders replayed from that window may join a newer version; ` +
        `set min.compaction.lag.ms=${cfg.ENRICHER_PRODUCT_HISTORY_MS} on it (the local stack does)`,
    );
  }
}
