// Where a new consumer group starts on `orders`: at the orders of the last lookback period, set
// before the group first joins, so orders sent before the service's first start are not skipped.
import type { Admin } from 'kafkajs';

export interface StartPoint {
  /** Offsets set for the group, or null when it already had committed offsets (left as they are). */
  set: { partition: number; offset: string }[] | null;
}

/**
 * When `groupId` has no committed offset on any partition of `topic`, commits for each partition
 * the offset of its first record at or after `since` (epoch ms; the partition's end when it has
 * none), so the group's first member starts there instead of at the end. A group with committed
 * offsets is left alone. Must run before the group's first member joins (Kafka refuses offsets
 * for a group with running members).
 */
export async function startNewGroupAt(admin: Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsetsByTimestamp' | 'setOffsets'>, groupId: string, topic: string, since: number): Promise<StartPoint> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  if (committed && committed.partitions.some((p) => Number(p.offset) >= 0)) return { set: null };
  const partitions = (await admin.fetchTopicOffsetsByTimestamp(topic, since)).map(({ partition, offset }) => ({ partition, offset }));
  await admin.setOffsets({ groupId, topic, partitions });
  return { set: partitions };
}
