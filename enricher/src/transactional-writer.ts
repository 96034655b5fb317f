// One transactional producer for one orders partition: writes a planned output and, with it, the
// partition's consumer offset, all or nothing. Its transactional id belongs to the partition, so
// whoever opens it next fences this one (see docs/decisions.md).
import { isFencedProducerError, openTransactionalProducer, PizzashopError, sendEveryPartition, splitIntoRequests, type Logger, type TransactionOutcome } from '@pizzashop/common';
import type { Kafka, Message, Producer } from 'kafkajs';

/**
 * A transaction that did not commit; the writer is closed and the partition must be opened again
 * (retriable). Fenced: another producer opened the id (a conflict); otherwise Kafka failed it.
 */
export class TransactionFailed extends PizzashopError {
  constructor(
    readonly transactionalId: string,
    readonly fenced: boolean,
    options: { cause: unknown },
  ) {
    super(`${transactionalId}: transaction ${fenced ? 'fenced' : 'failed'}: ${(options.cause as Error).message}`, {
      kind: fenced ? 'conflict' : 'unavailable',
      retriable: true,
      cause: options.cause,
    });
  }
}

export interface OffsetToCommit {
  groupId: string;
  topic: string;
  partition: number;
  offset: bigint;
}

/** The transactional id of an orders partition: derived from group, topic and partition, like Kafka Streams' EOS-alpha task producers. */
export function partitionTransactionalId(groupId: string, topic: string, partition: number): string {
  return `${groupId}-${topic}-${partition}`;
}

export class TransactionalWriter {
  private closed = false;

  private constructor(
    readonly transactionalId: string,
    private readonly producer: Producer,
  ) {}

  /** Opens the id (fencing every earlier producer of it, see `openTransactionalProducer`): offsets read after it are final for the partition. */
  static async open(kafka: Kafka, transactionalId: string, timeoutMs: number): Promise<TransactionalWriter> {
    return new TransactionalWriter(transactionalId, await openTransactionalProducer(kafka, transactionalId, timeoutMs));
  }

  /**
   * Sends `batches` and commits `offset` (when given) in one transaction, which is committed (or,
   * when `ending` says so, aborted: see `WaitingStore.restore`). On any failure the producer is
   * closed without another request (kafkajs rolls sequence numbers back after a failed request, so
   * it is never reused, and an abort could wait for a broker that is away: see docs/decisions.md)
   * and TransactionFailed thrown; the next `open` of the id settles the transaction.
   */
  async write(batches: { topic: string; messages: Message[] }[], offset: OffsetToCommit | undefined, log: Logger, ending: TransactionOutcome = 'committed'): Promise<void> {
    if (this.closed) throw new Error(`${this.transactionalId}: writer closed; open the partition again`);
    const tx = await this.producer.transaction().catch(async (err: unknown) => this.fail(err, log));
    try {
      for (const topicMessages of splitIntoRequests(batches)) await sendEveryPartition((batch) => tx.sendBatch(batch), { acks: -1, topicMessages });
      if (offset) {
        await tx.sendOffsets({
          consumerGroupId: offset.groupId,
          topics: [{ topic: offset.topic, partitions: [{ partition: offset.partition, offset: offset.offset.toString() }] }],
        });
      }
      await (ending === 'committed' ? tx.commit() : tx.abort());
    } catch (err) {
      return this.fail(err, log);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.producer.disconnect().catch(() => undefined);
  }

  private async fail(err: unknown, log: Logger): Promise<never> {
    const fenced = isFencedProducerError(err);
    log.warn({ err, transactionalId: this.transactionalId, fenced }, 'transaction not committed; closing its producer');
    await this.close();
    throw new TransactionFailed(this.transactionalId, fenced, { cause: err });
  }
}
