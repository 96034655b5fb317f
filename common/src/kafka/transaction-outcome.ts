// How Kafka's transaction coordinator ended a transactional id's last transaction, read from its log
// (`__transaction_state`). For a transaction whose markers Kafka skipped (a "hanging transaction",
// see docs/decisions.md) it is the only record left of whether it committed: kafkajs has no
// DescribeTransactions, and opening the id again replaces the coordinator's state.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import type { Logger } from '../logger.js';
import { topicOffsets } from './admin.js';
import { TopicFollower } from './topic-follower.js';

export type TransactionOutcome = 'committed' | 'aborted';

const TRANSACTION_LOG = '__transaction_state';
/** TransactionState ids in the log's values (Kafka's `TransactionState`). */
const COMPLETE_COMMIT = 4;
const COMPLETE_ABORT = 5;

/** Kafka's partition of the transaction log for `transactionalId`: Java's `String.hashCode`, made non-negative, modulo the partitions. */
export function transactionLogPartition(transactionalId: string, partitions: number): number {
  let hash = 0;
  for (let i = 0; i < transactionalId.length; i++) hash = (Math.imul(31, hash) + transactionalId.charCodeAt(i)) | 0;
  const abs = hash === -2147483648 ? 0 : Math.abs(hash);
  return abs % partitions;
}

export interface TransactionLogEntry {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  /** Kafka's TransactionState id: 0 Empty, 1 Ongoing, 2 PrepareCommit, 3 PrepareAbort, 4 CompleteCommit, 5 CompleteAbort, ... */
  state: number;
}

/**
 * One record of the transaction log. Key: version (int16), transactional id (int16 length, UTF-8).
 * Value (versions 0 and 1 alike up to here): version (int16), producer id (int64), producer epoch
 * (int16), timeout (int32), state (int8). Undefined for a tombstone or anything shorter.
 */
export function parseTransactionLogRecord(key: Buffer | null, value: Buffer | null): TransactionLogEntry | undefined {
  if (!key || key.length < 4 || !value || value.length < 17) return undefined;
  const length = key.readInt16BE(2);
  if (length < 0 || key.length < 4 + length) return undefined;
  return {
    transactionalId: key.subarray(4, 4 + length).toString('utf8'),
    producerId: value.readBigInt64BE(2),
    producerEpoch: value.readInt16BE(10),
    state: value.readInt8(16),
  };
}

/** How long reading the transaction log may take (see `lastTransactionOutcome`). */
const READ_WITHIN_MS = 30_000;

/**
 * The outcome the coordinator recorded for the last transaction of `transactionalId` that ended
 * (CompleteCommit or CompleteAbort), reading its partition of the transaction log to the end;
 * undefined if the log holds none any more (compacted away, or the id expired). Throws if the log
 * could not be read within `withinMs`: kafkajs' consumer waits for metadata while any partition of
 * the cluster has no leader (a broker just restarted, or the only replica of some topic is away), so
 * the caller tries again later.
 */
export async function lastTransactionOutcome(
  kafka: Kafka,
  transactionalId: string,
  log: Logger,
  withinMs = READ_WITHIN_MS,
): Promise<{ outcome: TransactionOutcome; producerEpoch: number } | undefined> {
  let last: { outcome: TransactionOutcome; producerEpoch: number } | undefined;
  let follower: TopicFollower | undefined;
  const read = (async () => {
    const partition = transactionLogPartition(transactionalId, (await topicOffsets(kafka, TRANSACTION_LOG)).length);
    follower = new TopicFollower(kafka, {
      topic: TRANSACTION_LOG,
      groupPrefix: `transaction-log-${transactionalId}`,
      log,
      startAt: (low, high, p) => (p === partition ? low : high),
      apply: (records) => {
        for (const r of records) {
          const entry = parseTransactionLogRecord(r.key, r.value);
          if (entry?.transactionalId !== transactionalId) continue;
          if (entry.state === COMPLETE_COMMIT) last = { outcome: 'committed', producerEpoch: entry.producerEpoch };
          if (entry.state === COMPLETE_ABORT) last = { outcome: 'aborted', producerEpoch: entry.producerEpoch };
        }
      },
    });
    await follower.start();
    await follower.caughtUp();
  })();
  const timeUp = new AbortController();
  const timeout = sleep(withinMs, undefined, { signal: timeUp.signal }).then(() =>
    Promise.reject(new Error(`${TRANSACTION_LOG}: the record of ${transactionalId} not read within ${withinMs} ms (does a partition have no leader? kafkajs waits for it); trying again later`)),
  );
  try {
    await Promise.race([read, timeout]);
  } finally {
    timeUp.abort();
    timeout.catch(() => undefined);
    // stopping deletes the follower's group, for which kafkajs may wait as long: not waited for
    const stop = () => void follower?.stop().catch(() => undefined);
    if (follower) stop();
    else void read.then(stop, stop);
  }
  return last;
}
