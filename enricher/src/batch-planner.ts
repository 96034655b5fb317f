// What one transaction writes, decided without Kafka: an orders batch becomes enriched items, dead
// letters and parked (waiting) items; a release turns waiting items into enriched items or dead
// letters. Pure functions over their inputs, unit-tested without a broker.
import { buildDeadLetter, deadLetterRecords, fitDeadLetter, jsonMessage, schemaIdOf, type DeadLetter } from '@pizzashop/common';
import type { IHeaders, Message } from 'kafkajs';
import { joinOrder, enrichWaitingItem, type EnrichedRecord, type ProductAt } from './join.js';
import { decodeOrder } from './order-decoder.js';
import type { OffsetToCommit } from './transactional-writer.js';
import { checkpointMessage } from './checkpoint.js';
import { waitingItemKey, type WaitingItem } from './waiting-item.js';
import type { Releasable } from './waiting-items.js';

export const COMPONENT = 'enricher';
export const REASON_UNKNOWN_PRODUCT = 'unknown product';
export const REASON_BUFFER_FULL = 'waiting buffer full';

/** What one transaction writes. */
export interface PlannedOutput {
  enriched: EnrichedRecord[];
  deadLetters: DeadLetter[];
  /** Items that start waiting: written to the waiting topic. */
  parked: WaitingItem[];
  /** Items that stop waiting (enriched or dead-lettered): tombstoned on the waiting topic. */
  released: WaitingItem[];
}

export interface OrdersPlan extends PlannedOutput {
  /** Valid orders in the batch (not counting skipped ones). */
  ordersIn: number;
  /** Orders below `from`: committed before, not planned again. */
  skipped: number;
  /** The offset to commit: after the batch's last message. */
  next: bigint;
}

export interface OrdersBatch {
  topic: string;
  partition: number;
  messages: readonly { offset: string; key: Buffer | null; value: Buffer | null; headers?: IHeaders }[];
  /** The batch's last offset (beyond its last message when control records end it). */
  lastOffset: string;
}

export interface OrdersContext {
  productAt: ProductAt;
  /** The first offset not committed yet: orders below it are skipped. */
  from: bigint;
  /** How many more items may start waiting (ENRICHER_MAX_WAITING_ITEMS minus those waiting). */
  waitingRoom: number;
  maxWaitingItems: number;
  now: Date;
}

const emptyOutput = (): PlannedOutput => ({ enriched: [], deadLetters: [], parked: [], released: [] });

/** A dead letter for a waiting item (the original order is at its source offset). */
export function waitingDeadLetter(item: WaitingItem, sourceTopic: string, reason: string, detail: string, now: Date): DeadLetter {
  return buildDeadLetter(
    { topic: sourceTopic, partition: item.sourcePartition, offset: item.sourceOffset, key: Buffer.from(item.orderId), value: Buffer.from(JSON.stringify(item)) },
    { reason, detail, component: COMPONENT },
    now,
  );
}

/** Plans one orders batch: each order decoded and joined, or dead-lettered; unknown products park until the buffer is full. */
export function planOrders(batch: OrdersBatch, ctx: OrdersContext): OrdersPlan {
  const last = BigInt(batch.lastOffset) + 1n;
  const plan: OrdersPlan = { ...emptyOutput(), ordersIn: 0, skipped: 0, next: last > ctx.from ? last : ctx.from };
  let room = ctx.waitingRoom;
  for (const m of batch.messages) {
    const offset = BigInt(m.offset);
    if (offset < ctx.from) {
      plan.skipped++;
      continue;
    }
    const decoded = decodeOrder(m.value);
    if (!decoded.ok) {
      plan.deadLetters.push(
        buildDeadLetter(
          { topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value, schemaId: schemaIdOf(m.headers) },
          { reason: decoded.reason, detail: decoded.detail, component: COMPONENT },
          ctx.now,
        ),
      );
      continue;
    }
    plan.ordersIn++;
    const joined = joinOrder(decoded.order, ctx.productAt, { partition: batch.partition, offset: m.offset }, ctx.now);
    for (const e of joined.enriched) plan.enriched.push(e);
    for (const item of joined.waiting) {
      if (room > 0) {
        plan.parked.push(item);
        room--;
      } else {
        plan.deadLetters.push(
          waitingDeadLetter(item, batch.topic, REASON_BUFFER_FULL, `${ctx.maxWaitingItems} items already wait (ENRICHER_MAX_WAITING_ITEMS)`, ctx.now),
        );
      }
    }
  }
  return plan;
}

/**
 * Plans the release of waiting items: enriched when their product arrived, dead-lettered when they
 * waited too long. `productAt` gives the categories of the other lines of their orders.
 */
export function planRelease(releasable: Releasable, ctx: { productAt: ProductAt; sourceTopic: string; timeoutMs: number; now: Date }): PlannedOutput {
  const output = emptyOutput();
  for (const { item, version } of releasable.ready) {
    output.enriched.push(enrichWaitingItem(item, version, ctx.productAt));
    output.released.push(item);
  }
  for (const item of releasable.expired) {
    const detail = `no version of product ${item.orderItem.productId} valid at ${item.createdAt} in the products cache after ${ctx.timeoutMs} ms`;
    output.deadLetters.push(waitingDeadLetter(item, ctx.sourceTopic, REASON_UNKNOWN_PRODUCT, detail, ctx.now));
    output.released.push(item);
  }
  return output;
}

export interface OutputTopics {
  enriched: string;
  deadLetters: string;
  waiting: string;
}

/**
 * The records of `output` per topic: waiting items go to the partition of their order, released
 * ones as tombstones, and a batch's `offset` (the one its transaction commits) as the checkpoint of
 * its orders partition, in the waiting topic's partition of the same number.
 */
export function outputMessages(
  output: PlannedOutput,
  topics: OutputTopics,
  deadLetterMaxBytes: number,
  offset?: Pick<OffsetToCommit, 'partition' | 'offset'>,
): { topic: string; messages: Message[] }[] {
  const batches: { topic: string; messages: Message[] }[] = [];
  if (output.enriched.length > 0) batches.push({ topic: topics.enriched, messages: output.enriched });
  if (output.deadLetters.length > 0) {
    const letters = output.deadLetters.map((dl) => fitDeadLetter(dl, deadLetterMaxBytes));
    batches.push({ topic: topics.deadLetters, messages: deadLetterRecords(letters).map(jsonMessage) });
  }
  const waiting = [
    ...output.parked.map((w) => ({ key: waitingItemKey(w), value: JSON.stringify(w), partition: w.sourcePartition })),
    ...output.released.map((w) => ({ key: waitingItemKey(w), value: null, partition: w.sourcePartition })),
    ...(offset ? [checkpointMessage(offset.partition, offset.offset)] : []),
  ];
  if (waiting.length > 0) batches.push({ topic: topics.waiting, messages: waiting });
  return batches;
}
