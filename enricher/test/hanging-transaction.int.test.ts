// Integration test of WaitingStore.restore on a hanging transaction: one whose markers Kafka skipped
// because the waiting partition had no leader when the coordinator ended it (its only replica's node
// was stopped), so its last stable offset stays below the high watermark. On a private two-node
// cluster (the waiting partition on node 2, the transaction's coordinator on node 1), restore must end
// it the way the coordinator did: committed (its checkpoint and item count) or aborted (they do not,
// and the enriched item the transaction wrote stays invisible).
import { setTimeout as sleep } from 'node:timers/promises';
import { lastTransactionOutcome, openTransactionalProducer, TopicFollower, topicOffsets, transactionLogPartition, withAdmin, type TransactionOutcome } from '@pizzashop/common';
import { startTwoNodeKafka, testKafka, testLog, uniqueTopic, waitFor, type TwoNodeKafka } from '@pizzashop/testkit';
import type { Kafka, Message, Producer, Transaction } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutputTopics } from '../src/batch-planner.js';
import { checkpointMessage } from '../src/checkpoint.js';
import { endHangingTransaction } from '../src/hanging-transaction.js';
import { joinOrder } from '../src/join.js';
import { TransactionalWriter } from '../src/transactional-writer.js';
import { waitingItemKey } from '../src/waiting-item.js';
import { WaitingStore } from '../src/waiting-store.js';
import { order } from './fixtures.js';

const PARTITION = 0;
/** The waiting partition's only replica: stopped while the coordinator (on node 1) ends the transaction. */
const WAITING_NODE = 2;
const TRANSACTION_LOG = '__transaction_state';
/** The coordinator looks for timed-out transactions every second (default 10 s). */
const BROKER_SETTINGS = ['transaction.abort.timed.out.transaction.cleanup.interval.ms=1000'];
/**
 * The aborted case's transaction timeout: longer than stopping node 2 takes (about 3 s), so the
 * coordinator aborts only once the partition has no leader, and short enough to keep the test quick.
 */
const ABORTED_TRANSACTION_TIMEOUT_MS = 15_000;
/** How long after the timeout the coordinator has surely aborted (it checks every second). */
const ABORT_MARGIN_MS = 5000;
/** An enriched item's record (its content does not matter here). */
const ENRICHED_ITEM = JSON.stringify({ orderId: 'hanging-it', itemIndex: 0 });

const progress = (line: string) => console.error(line);
let cluster: TwoNodeKafka | undefined;
let kafka: Kafka;

beforeAll(async () => {
  cluster = await startTwoNodeKafka({ name: 'hanging-transaction', settings: BROKER_SETTINGS, progress });
  kafka = testKafka(cluster.brokers);
  // The transaction log exists once a transactional id was opened.
  await (await openTransactionalProducer(kafka, 'hanging-it-probe')).disconnect();
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

function running(): TwoNodeKafka {
  if (!cluster) throw new Error('the two-node cluster did not start');
  return cluster;
}

/**
 * The enricher's topics for one case, each one partition whose only replica is on node 2: the
 * waiting topic (compacted), the enriched items and the dead letters.
 */
async function createTopics(): Promise<OutputTopics> {
  const topics: OutputTopics = { waiting: uniqueTopic('waiting-hanging'), enriched: uniqueTopic('enriched-hanging'), deadLetters: uniqueTopic('dead-letters-hanging') };
  const onNode2 = [{ partition: PARTITION, replicas: [WAITING_NODE] }];
  await withAdmin(kafka, (admin) =>
    admin.createTopics({
      topics: [
        { topic: topics.waiting, replicaAssignment: onNode2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        { topic: topics.enriched, replicaAssignment: onNode2 },
        { topic: topics.deadLetters, replicaAssignment: onNode2 },
      ],
      waitForLeaders: true,
    }),
  );
  return topics;
}

/** The values of `topic` a read_committed reader sees. */
async function committedValues(topic: string): Promise<string[]> {
  const values: string[] = [];
  const follower = new TopicFollower(kafka, { topic, groupPrefix: 'hanging-it-read', log: testLog, apply: (records) => values.push(...records.map((r) => r.value?.toString() ?? 'null')) });
  await follower.start();
  try {
    await follower.caughtUp();
  } finally {
    await follower.stop();
  }
  return values;
}

/** A transactional id whose coordinator (its transaction log partition's leader) is node 1, which stays up. */
async function idCoordinatedByNode1(base: string): Promise<string> {
  const { topics } = await withAdmin(kafka, (admin) => admin.fetchTopicMetadata({ topics: [TRANSACTION_LOG] }));
  const partitions = topics[0]!.partitions;
  for (let k = 0; k < 100; k++) {
    const id = `${base}-${k}`;
    if (partitions.find((p) => p.partitionId === transactionLogPartition(id, partitions.length))?.leader === 1) return id;
  }
  throw new Error(`no transactional id ${base}-<k> maps to a transaction log partition led by node 1`);
}

/** A partition's last stable offset and high watermark. */
async function partitionEnds(topic: string): Promise<{ lastStable: bigint; highWatermark: bigint }> {
  const high = async (readUncommitted: boolean) => BigInt((await topicOffsets(kafka, topic, { readUncommitted })).find((o) => o.partition === PARTITION)!.high);
  return { lastStable: await high(false), highWatermark: await high(true) };
}

async function waitForLeaders(topics: OutputTopics): Promise<void> {
  const names = Object.values(topics);
  await waitFor(
    `${names.join(', ')} to have their leader back`,
    async () => {
      const { topics: found } = await withAdmin(kafka, (admin) => admin.fetchTopicMetadata({ topics: names }));
      return found.every((t) => t.partitions.find((p) => p.partitionId === PARTITION)?.leader === WAITING_NODE);
    },
    60_000,
    500,
  );
}

/** One parked order item of the waiting partition, as the enricher writes it. */
function waitingItemMessage(): Message {
  const item = joinOrder(order, () => undefined, { partition: PARTITION, offset: '15' }, new Date()).waiting[0]!;
  return { key: waitingItemKey(item), value: JSON.stringify(item), partition: PARTITION };
}

/**
 * Commits checkpoint 10 with both nodes up; then sends checkpoint 20, a parked item and an enriched
 * item in the next transaction, stops node 2, lets `end` have the coordinator end that transaction,
 * and starts node 2 again.
 */
async function hangTransaction(topics: OutputTopics, producer: Producer, end: (transaction: Transaction, began: number) => Promise<void>): Promise<void> {
  const first = await producer.transaction();
  await first.send({ topic: topics.waiting, acks: -1, messages: [checkpointMessage(PARTITION, 10n)] });
  await first.commit();
  const second = await producer.transaction();
  const began = Date.now();
  await second.send({ topic: topics.waiting, acks: -1, messages: [checkpointMessage(PARTITION, 20n), waitingItemMessage()] });
  await second.send({ topic: topics.enriched, acks: -1, messages: [{ key: order.id, value: ENRICHED_ITEM, partition: PARTITION }] });
  await running().stopNode(WAITING_NODE);
  const t0 = Date.now();
  await end(second, began);
  progress(`[hanging-it] the coordinator ended the transaction with node ${WAITING_NODE} down (${Date.now() - t0} ms)`);
  await producer.disconnect();
  await running().startNode(WAITING_NODE);
  await waitForLeaders(topics);
}

async function expectHanging(topic: string): Promise<void> {
  const { lastStable, highWatermark } = await partitionEnds(topic);
  expect(lastStable, `${topic}-${PARTITION} should hold a hanging transaction (high watermark ${highWatermark})`).toBeLessThan(highWatermark);
}

/** What the enricher does when it opens the partition: opens its transactional id, then restores the waiting partition. */
async function restore(topics: OutputTopics, transactionalId: string): Promise<{ checkpoint: bigint | null; items: number }> {
  const writer = await TransactionalWriter.open(kafka, transactionalId, 30_000);
  const store = new WaitingStore(kafka, { topic: topics.waiting, groupPrefix: 'hanging-it', maxItems: 100, log: testLog });
  try {
    await store.start();
    const checkpoint = await store.restore(PARTITION, () => true, {
      outcome: () => lastTransactionOutcome(kafka, transactionalId, testLog),
      end: (message: Message, outcome: TransactionOutcome) => endHangingTransaction(kafka, writer, topics, { message, outcome }, testLog),
    });
    return { checkpoint, items: store.size };
  } finally {
    await store.stop();
    await writer.close();
  }
}

async function expectSettled(topic: string): Promise<void> {
  const { lastStable, highWatermark } = await partitionEnds(topic);
  expect(lastStable).toBe(highWatermark);
}

/**
 * Waits until the coordinator has aborted the transaction begun at `began` on its timeout. Not by
 * polling lastTransactionOutcome: while a partition has no leader, its follower's group deletion
 * (kafkajs reads every topic's metadata for it) retries for about a minute.
 */
async function waitForTimeoutAbort(began: number): Promise<void> {
  await sleep(Math.max(0, began + ABORTED_TRANSACTION_TIMEOUT_MS + ABORT_MARGIN_MS - Date.now()));
}

describe('WaitingStore.restore on a hanging transaction', () => {
  it('a hanging transaction the coordinator committed: restore ends it as committed and resumes at its checkpoint', async () => {
    const topics = await createTopics();
    const id = await idCoordinatedByNode1('hanging-it-committed');
    const producer = await openTransactionalProducer(kafka, id, 60_000);
    await hangTransaction(topics, producer, (transaction) => transaction.commit());
    expect((await lastTransactionOutcome(kafka, id, testLog))?.outcome).toBe('committed');
    await expectHanging(topics.waiting);

    expect(await restore(topics, id)).toEqual({ checkpoint: 20n, items: 1 });
    await expectSettled(topics.waiting);
  }, 240_000);

  it('a hanging transaction the coordinator aborted: restore ends it as aborted and keeps the checkpoint before it', async () => {
    const topics = await createTopics();
    const id = await idCoordinatedByNode1('hanging-it-aborted');
    const producer = await openTransactionalProducer(kafka, id, ABORTED_TRANSACTION_TIMEOUT_MS);
    await hangTransaction(topics, producer, async (_transaction, began) => {
      await waitForTimeoutAbort(began);
      // kafkajs waits about a minute for metadata while a partition has no leader: the read is bounded
      const t0 = Date.now();
      const read = await lastTransactionOutcome(kafka, id, testLog, 5000).then(
        (found) => found?.outcome ?? 'nothing',
        (err: Error) => err.message,
      );
      expect(Date.now() - t0, `read the transaction log with node ${WAITING_NODE} away, bounded (${read})`).toBeLessThan(15_000);
    });
    expect((await lastTransactionOutcome(kafka, id, testLog))?.outcome).toBe('aborted');
    await expectHanging(topics.waiting);
    await expectHanging(topics.enriched);

    expect(await restore(topics, id)).toEqual({ checkpoint: 10n, items: 0 });
    await expectSettled(topics.waiting);
    await expectSettled(topics.enriched);
    expect(await committedValues(topics.enriched), 'the aborted enriched item stays invisible').toEqual([]);
  }, 240_000);
});
