// Helpers for the acceptance test: topic end offsets, the records between two of them, and Pinot's
// item quantities per product.
import { randomUUID } from 'node:crypto';
import { sql, sqlList, type PinotClient } from '@pizzashop/common';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';

/** Partition → offset: where a topic ends at one moment (its high watermarks). */
export type Offsets = Map<number, number>;

export async function endOffsets(admin: Admin, topic: string): Promise<Offsets> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

/** How many offsets lie between two snapshots of the same topic. */
export function offsetsBetween(from: Offsets, to: Offsets): number {
  let n = 0;
  for (const [partition, high] of to) n += high - (from.get(partition) ?? 0);
  return n;
}

/**
 * Reads `topic` from `from` up to `to` (both end-offset snapshots) with a read_committed consumer in
 * a private group positioned at `from`. Transaction markers occupy offsets but are never delivered,
 * so a partition counts as read once a record at `to - 2` or later arrived (or it holds nothing new);
 * the read also ends, without error, after `timeoutMs`: the caller's assertions then show what is missing.
 */
export async function readRange(kafka: Kafka, admin: Admin, topic: string, from: Offsets, to: Offsets, timeoutMs = 30_000): Promise<string[]> {
  const groupId = `acceptance-reader-${randomUUID()}`;
  await admin.setOffsets({ groupId, topic, partitions: [...from].map(([partition, offset]) => ({ partition, offset: String(offset) })) });
  const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 200 });
  const values: string[] = [];
  const lastSeen = new Map<number, number>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessage }) => {
      const offset = Number(message.offset);
      if (offset >= (to.get(partition) ?? 0)) return;
      lastSeen.set(partition, offset);
      if (message.value) values.push(message.value.toString());
    },
  });
  const caughtUp = () =>
    [...to].every(([partition, high]) => high <= (from.get(partition) ?? 0) || (lastSeen.get(partition) ?? -1) >= high - 2);
  try {
    const deadline = Date.now() + timeoutMs;
    while (!caughtUp() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 1000));
    return values;
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
}

/** Adds `quantity` to `sums[productId]`. */
export function addTo(sums: Map<string, number>, productId: string, quantity: number): void {
  sums.set(productId, (sums.get(productId) ?? 0) + quantity);
}

/** Units per product in `order_items_enriched` for the given order ids (queried in chunks of 200 ids). */
export async function pinotQuantitiesByProduct(pinot: PinotClient, orderIds: string[]): Promise<Map<string, number>> {
  const sums = new Map<string, number>();
  for (let i = 0; i < orderIds.length; i += 200) {
    const ids = sqlList(orderIds.slice(i, i + 200));
    const result = await pinot.query(sql`SELECT productId, SUM(quantity) FROM order_items_enriched WHERE orderId IN ${ids} GROUP BY productId LIMIT 1000`);
    for (const [productId, quantity] of result.rows) addTo(sums, String(productId), Number(quantity));
  }
  return sums;
}

/** A map as a plain object with sorted keys, so two maps compare (and print) as equal JSON. */
export function sorted(sums: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...sums].sort(([a], [b]) => a.localeCompare(b)));
}

