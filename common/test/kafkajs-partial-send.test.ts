// kafkajs' own send logic (2.2.4, its internal sendMessages) with a fake cluster in which the leader
// of one partition dies during a send: it shows the loss sendEveryPartition closes.
import { createRequire } from 'node:module';
import { Partitioners, type ProducerBatch, type RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { sendEveryPartition } from '../src/index.js';

const require = createRequire(import.meta.url);
type SendMessages = (batch: ProducerBatch) => Promise<RecordMetadata[]>;
const createSendMessages = require('kafkajs/src/producer/sendMessages.js') as (deps: unknown) => SendMessages;
const createRetry = require('kafkajs/src/retry/index.js') as (opts: unknown) => unknown;
const { KafkaJSConnectionError } = require('kafkajs/src/errors.js') as { KafkaJSConnectionError: new (message: string) => Error };

interface ProduceRequest {
  topicData: { topic: string; partitions: { partition: number; messages: unknown[] }[] }[];
}

/**
 * Two brokers: 1 leads partition 0, 2 leads partition 1. Broker 2 dies with the first request it
 * gets, and partition 1 moves to broker 1 (as when the orders leader is killed).
 */
function clusterWithDyingLeader() {
  const leaders: Record<string, number> = { 0: 1, 1: 2 };
  const written: number[] = [];
  const broker = (nodeId: number) => ({
    nodeId,
    produce: async ({ topicData }: ProduceRequest) => {
      if (nodeId === 2) {
        leaders[1] = 1;
        throw new KafkaJSConnectionError('Connection error: broker 2 killed');
      }
      const partitions = topicData[0]!.partitions.map(({ partition, messages }) => {
        written.push(...messages.map(() => partition));
        return { partition, errorCode: 0, baseOffset: '0', logAppendTime: '-1', logStartOffset: '0' };
      });
      return { topics: [{ topicName: topicData[0]!.topic, partitions }] };
    },
  });
  const brokers = new Map([1, 2].map((id) => [id, broker(id)]));
  const cluster = {
    refreshMetadataIfNecessary: async () => {},
    refreshMetadata: async () => {},
    addMultipleTargetTopics: async () => {},
    isConnected: () => true,
    removeBroker: () => {},
    findTopicPartitionMetadata: () => [0, 1].map((partitionId) => ({ partitionId, leader: leaders[partitionId] })),
    findLeaderForPartitions: (_topic: string, partitions: string[]) =>
      partitions.reduce<Record<number, number[]>>((byLeader, p) => ({ ...byLeader, [leaders[p]!]: [...(byLeader[leaders[p]!] ?? []), Number(p)] }), {}),
    findBroker: async ({ nodeId }: { nodeId: number }) => brokers.get(Number(nodeId)),
  };
  const sequences = new Map<string, number>();
  const eosManager = {
    acquireBrokerLock: async () => {},
    releaseBrokerLock: async () => {},
    isTransactional: () => false,
    getSequence: (t: string, p: number) => sequences.get(`${t}/${p}`) ?? 0,
    updateSequence: (t: string, p: number, n: number) => sequences.set(`${t}/${p}`, (sequences.get(`${t}/${p}`) ?? 0) + n),
    getProducerId: () => 1,
    getProducerEpoch: () => 0,
  };
  const logger = { error: () => {}, debug: () => {}, warn: () => {}, info: () => {} };
  const partitioner = Partitioners.DefaultPartitioner();
  const send = createSendMessages({ logger, cluster, partitioner, eosManager, retrier: createRetry({ retries: 3, initialRetryTime: 1 }) });
  return { send, written };
}

const batch = (): ProducerBatch => ({
  acks: -1,
  topicMessages: [{ topic: 'orders', messages: [0, 1, 0, 1].map((partition, i) => ({ key: `o${i}`, value: 'v', partition })) }],
});

describe('a send across a partition leader kill (kafkajs 2.2.4)', () => {
  it('kafkajs alone resolves without having written the moved partition', async () => {
    const { send, written } = clusterWithDyingLeader();
    const answered = await send(batch());
    expect(answered.map((r) => r.partition)).toEqual([0]);
    expect(written).toEqual([0, 0]);
  });

  it('sendEveryPartition writes it', async () => {
    const { send, written } = clusterWithDyingLeader();
    const answered = await sendEveryPartition(send, batch());
    expect(answered.map((r) => r.partition).sort()).toEqual([0, 1]);
    expect(written.sort()).toEqual([0, 0, 1, 1]);
  });
});
