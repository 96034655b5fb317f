// Tests the orders consumer's committed-offset read against a stubbed Kafka admin: it waits for two reads that agree.
import { createLogger, loadConfig } from '@pizzashop/common';
import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { enricherEnvSchema } from '../src/config.js';
import { OrdersConsumer } from '../src/orders-consumer.js';

/** A Kafka whose admin answers fetchOffsets for partition 0 with each of `offsets` in turn (the last one from then on). */
function kafkaAnswering(offsets: string[]) {
  let reads = 0;
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchOffsets: async () => [{ topic: 'orders', partitions: [{ partition: 0, offset: offsets[Math.min(reads++, offsets.length - 1)]! }] }],
  };
  const kafka = { admin: () => admin, consumer: () => ({ events: {}, on: () => () => undefined }) } as unknown as Kafka;
  return { kafka, reads: () => reads };
}

const cfg = loadConfig(enricherEnvSchema, { ENRICHER_HTTP_PORT: '18200' });
const log = createLogger('orders-consumer-test', 'silent');
const handlers = { onAssignment: () => undefined, eachBatch: async () => undefined };

describe('OrdersConsumer.committedOffset', () => {
  it('reads again until two reads agree, so a commit still being applied is not read as the old offset', async () => {
    const { kafka, reads } = kafkaAnswering(['10', '12', '12']);
    const consumer = new OrdersConsumer(kafka, cfg, log, handlers);
    expect(await consumer.committedOffset(0, () => true)).toBe(12n);
    expect(reads()).toBe(3);
  });

  it('answers null for a partition without a committed offset once that is stable', async () => {
    const { kafka, reads } = kafkaAnswering(['-1']);
    const consumer = new OrdersConsumer(kafka, cfg, log, handlers);
    expect(await consumer.committedOffset(0, () => true)).toBeNull();
    expect(reads()).toBe(2);
  });
});
