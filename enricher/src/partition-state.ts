// The life of one orders partition in this instance: assigned -> restoring -> ready -> revoked, with
// the transitions that are allowed and nothing else, and what a ready partition owns (its writer,
// the first offset not committed yet, a lock that keeps its transactions one at a time).
import { PizzashopError } from '@pizzashop/common';
import { Mutex } from './mutex.js';
import type { TransactionalWriter } from './transactional-writer.js';

/**
 * - `assigned`: the group gave us the partition (or its transaction failed and we still own it);
 *   its transactional id is being opened and its committed offset read.
 * - `restoring`: its waiting items are being read back from the waiting topic.
 * - `ready`: batches and releases are committed through its writer.
 * - `revoked`: the group took it away, or our writer was fenced and the group says it is not ours.
 */
export type PartitionPhase = 'assigned' | 'restoring' | 'ready' | 'revoked';

const ALLOWED: Record<PartitionPhase, readonly PartitionPhase[]> = {
  assigned: ['assigned', 'restoring', 'revoked'],
  restoring: ['assigned', 'ready', 'revoked'],
  ready: ['assigned', 'revoked'],
  revoked: ['assigned'],
};

/** A move the life cycle does not have: a bug in the enricher. */
export class IllegalTransition extends PizzashopError {
  constructor(message: string) {
    super(message, { kind: 'internal' });
  }
}

export class OwnedPartition {
  private phaseNow: PartitionPhase = 'assigned';
  /** Every opening of the partition gets a new number; work of an older one is discarded. */
  private epochNow = 0;
  writer: TransactionalWriter | undefined;
  /** The first offset this instance has not committed: orders below it are never processed again. */
  position = 0n;
  /** Commits of this partition (batches, releases) and its openings run one at a time. */
  readonly lock = new Mutex();
  /** Resolves when the current opening is over (ready, or given up). */
  opening: Promise<void> = Promise.resolve();

  constructor(
    readonly partition: number,
    private readonly onMove: () => void = () => undefined,
  ) {}

  get phase(): PartitionPhase {
    return this.phaseNow;
  }

  get epoch(): number {
    return this.epochNow;
  }

  get ready(): boolean {
    return this.phaseNow === 'ready';
  }

  /** Moves to `to`; throws IllegalTransition for a move the life cycle does not have. Entering `assigned` starts a new epoch. */
  moveTo(to: PartitionPhase): void {
    if (!ALLOWED[this.phaseNow].includes(to)) throw new IllegalTransition(`orders partition ${this.partition}: ${this.phaseNow} -> ${to} is not a transition`);
    if (to === 'assigned') this.epochNow++;
    this.phaseNow = to;
    this.onMove();
  }
}

/** The orders partitions this instance has held, by number. */
export class Partitions {
  private readonly byNumber = new Map<number, OwnedPartition>();

  /** `onMove` hears of every transition (e.g. to count partitions per phase). */
  constructor(private readonly onMove: () => void = () => undefined) {}

  get(partition: number): OwnedPartition | undefined {
    return this.byNumber.get(partition);
  }

  /** The partition, entered in `assigned` (a new one, or a revoked one assigned again). */
  assign(partition: number): OwnedPartition {
    let owned = this.byNumber.get(partition);
    if (!owned) {
      this.byNumber.set(partition, (owned = new OwnedPartition(partition, this.onMove)));
      this.onMove();
    } else owned.moveTo('assigned');
    return owned;
  }

  /** Partitions not revoked. */
  owned(): Set<number> {
    return new Set([...this.byNumber.values()].filter((p) => p.phase !== 'revoked').map((p) => p.partition));
  }

  ready(): OwnedPartition[] {
    return [...this.byNumber.values()].filter((p) => p.ready);
  }

  all(): OwnedPartition[] {
    return [...this.byNumber.values()];
  }

  /** How many partitions are in each phase. */
  countByPhase(): Record<PartitionPhase, number> {
    const counts: Record<PartitionPhase, number> = { assigned: 0, restoring: 0, ready: 0, revoked: 0 };
    for (const p of this.byNumber.values()) counts[p.phase]++;
    return counts;
  }
}
