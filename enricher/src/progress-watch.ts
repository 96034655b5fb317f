// Tells whether the enricher is stuck: an orders partition it owns has a backlog while the group's
// committed offset on it has not moved for a while (a poisoned batch, transactions that keep failing,
// a consumer that stopped). Readiness follows it, so a stalled enricher is visible from outside.
import type { Kafka } from 'kafkajs';
import { withAdmin, type Logger } from '@pizzashop/common';

export interface PartitionProgress {
  committed: bigint;
  end: bigint;
  /** When `committed` last changed, or when the partition was first seen. */
  since: number;
}

/** The partitions that have a backlog and made no progress for `stallMs` at `now`. */
export function stalledPartitions(progress: ReadonlyMap<number, PartitionProgress>, owned: ReadonlySet<number>, now: number, stallMs: number): number[] {
  return [...progress]
    .filter(([partition, p]) => owned.has(partition) && p.end > p.committed && now - p.since >= stallMs)
    .map(([partition]) => partition)
    .sort((a, b) => a - b);
}

/** Polls the group's committed offsets and the topic's last stable offsets every `everyMs`. */
export class ProgressWatch {
  private readonly progress = new Map<number, PartitionProgress>();
  private timer: NodeJS.Timeout | undefined;
  private stalled: number[] = [];

  constructor(
    private readonly kafka: Kafka,
    private readonly o: { groupId: string; topic: string; stallMs: number; everyMs: number; owned: () => ReadonlySet<number>; log: Logger; onStalled: (partitions: number[]) => void },
  ) {}

  /** Orders partitions owned by this instance that are stalled now (empty when all make progress). */
  get stalledNow(): number[] {
    return this.stalled;
  }

  start(): void {
    this.timer = setInterval(() => void this.poll().catch((err: unknown) => this.o.log.debug({ err }, 'progress check skipped (Kafka not answering)')), this.o.everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    await withAdmin(this.kafka, async (admin) => {
      const [[group], ends] = await Promise.all([admin.fetchOffsets({ groupId: this.o.groupId, topics: [this.o.topic] }), admin.fetchTopicOffsets(this.o.topic)]);
      const now = Date.now();
      for (const { partition, high, low } of ends) {
        const raw = group?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        const committed = BigInt(raw === '-1' ? low : raw);
        const before = this.progress.get(partition);
        const since = before && before.committed === committed ? before.since : now;
        this.progress.set(partition, { committed, end: BigInt(high), since });
      }
    });
    const stalled = stalledPartitions(this.progress, this.o.owned(), Date.now(), this.o.stallMs);
    if (stalled.join() !== this.stalled.join()) {
      this.stalled = stalled;
      this.o.onStalled(stalled);
    }
  }
}
