// The orders acknowledged most recently, read back from the `orders` topic at start, so that a
// client retrying a POST across a restart of orders-service (kill -9 after Kafka acknowledged its
// order, before the 202 reached it) is answered from the earlier send instead of writing it twice.
import { orderSchema, TopicFollower, type Logger, type Order } from '@pizzashop/common';
import type { Kafka } from 'kafkajs';

/** The last `count` orders of `topic` (about count / partitions from each partition), read committed. */
export async function readRecentOrders(kafka: Kafka, topic: string, count: number, partitions: number, log: Logger): Promise<Order[]> {
  const orders: Order[] = [];
  const perPartition = BigInt(Math.ceil(count / Math.max(1, partitions)));
  const follower = new TopicFollower(kafka, {
    topic,
    groupPrefix: 'orders-service-recent',
    log,
    startAt: (low, high) => (high - perPartition > low ? high - perPartition : low),
    apply: (records) => {
      for (const r of records) {
        if (r.value === null) continue;
        try {
          const parsed = orderSchema.safeParse(JSON.parse(r.value.toString('utf8')));
          if (parsed.success) orders.push(parsed.data);
        } catch {
          // not an order: the enricher dead-letters it; nothing to remember here
        }
      }
    },
  });
  await follower.start();
  try {
    await follower.caughtUp();
  } finally {
    // Leaving and deleting the reader's group is a few round trips nobody needs to wait for.
    void follower.stop().catch((err: unknown) => log.debug({ err }, 'recent orders reader: could not leave its group; the broker expires it'));
  }
  return orders.slice(-count);
}
