// A partition's checkpoint: the next orders offset to enrich, written by every batch transaction to
// the partition's own waiting-topic partition, beside the group offset it commits (see docs/decisions.md).
import type { Message } from 'kafkajs';
import { z } from 'zod';

/** The checkpoint's key on the waiting topic (waiting items are keyed `orderId/itemIndex`, so no item has it). */
export const CHECKPOINT_KEY = 'checkpoint';

const checkpointSchema = z.object({ nextOffset: z.string().regex(/^\d+$/) });

/** The record of `partition`'s checkpoint: enriching resumes at `nextOffset`. */
export function checkpointMessage(partition: number, nextOffset: bigint): Message {
  return { key: CHECKPOINT_KEY, value: JSON.stringify({ nextOffset: nextOffset.toString() }), partition };
}

/** The next offset a checkpoint record holds; undefined if the bytes are not one. */
export function parseCheckpoint(bytes: Buffer): bigint | undefined {
  try {
    const parsed = checkpointSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success ? BigInt(parsed.data.nextOffset) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where a partition resumes: the further of the group's committed offset and the checkpoint (null
 * when neither exists). Both are written by the same transactions, so they only differ while Kafka
 * is still applying a committed transaction's group offset; the checkpoint, read up to the last
 * stable offset, is never behind.
 */
export function resumeOffset(committed: bigint | null, checkpoint: bigint | null): bigint | null {
  if (committed === null) return checkpoint;
  if (checkpoint === null) return committed;
  return checkpoint > committed ? checkpoint : committed;
}
