// Unit tests of WaitingStore.restore with a stubbed TopicFollower: a transaction still open on the
// waiting partition after the id was opened is waited for, and a hanging one is ended the way the
// coordinator decided.
import type * as Common from '@pizzashop/common';
import type { FollowedRecord, TopicFollowerOptions, TransactionOutcome } from '@pizzashop/common';
import { createLogger } from '@pizzashop/common';
import type { Kafka, Message } from 'kafkajs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { checkpointMessage } from '../src/checkpoint.js';
import type { HangingTransactionEnder } from '../src/waiting-store.js';

interface Settled {
  end: bigint;
  settled: boolean;
}

/** What the stubbed follower answers, in order, and the options it was built with. */
const follower = vi.hoisted(() => ({ answers: [] as Settled[], withinMs: [] as number[], options: undefined as TopicFollowerOptions | undefined }));

vi.mock('@pizzashop/common', async (importOriginal) => {
  const original = await importOriginal<typeof Common>();
  class StubFollower {
    constructor(_kafka: unknown, options: TopicFollowerOptions) {
      follower.options = options;
    }
    settledEnd(_partition: number, o: { withinMs: number }): Promise<Settled> {
      follower.withinMs.push(o.withinMs);
      const next = follower.answers.shift();
      if (!next) throw new Error('the test gave no more answers');
      return Promise.resolve(next);
    }
    caughtUpTo(): Promise<void> {
      return Promise.resolve();
    }
  }
  return { ...original, TopicFollower: StubFollower };
});

const { WaitingStore } = await import('../src/waiting-store.js');

/** The waiting topic's record of a checkpoint, as the follower hands it over. */
function checkpointRecord(partition: number, offset: number, nextOffset: bigint): FollowedRecord {
  const m = checkpointMessage(partition, nextOffset);
  return { partition, offset: String(offset), key: Buffer.from(String(m.key)), value: Buffer.from(String(m.value)), timestamp: '0' };
}

function store() {
  return new WaitingStore({} as Kafka, { topic: 'enricher-waiting-items', groupPrefix: 'test', maxItems: 100, log: createLogger('unit-test', 'silent') });
}

/** An ender whose coordinator said `decided`; what it was asked to end is recorded, and `onEnd` plays Kafka. */
function ender(decided: TransactionOutcome | undefined, onEnd: () => void = () => undefined) {
  const ended: { message: Message; outcome: TransactionOutcome }[] = [];
  const hanging: HangingTransactionEnder = {
    outcome: vi.fn(async () => (decided ? { outcome: decided, producerEpoch: 7 } : undefined)),
    end: async (message, outcome) => {
      ended.push({ message, outcome });
      onEnd();
    },
  };
  return { hanging, ended };
}

const hangingCheckpoint = [checkpointRecord(1, 1, 1517n), { partition: 1, offset: '3', key: Buffer.from('settle'), value: null, timestamp: '0' }];

describe('WaitingStore.restore', () => {
  beforeEach(() => {
    follower.answers = [];
    follower.withinMs = [];
  });

  it('restores once the partition is settled, ending nothing of its own', async () => {
    const waiting = store();
    follower.options!.apply([checkpointRecord(1, 0, 1516n)]);
    follower.answers.push({ end: 1n, settled: true });
    const { hanging, ended } = ender('committed');
    await expect(waiting.restore(1, () => true, hanging)).resolves.toBe(1516n);
    expect(ended).toEqual([]);
    expect(hanging.outcome).not.toHaveBeenCalled();
  });

  it('ends a hanging transaction the coordinator committed with a committed tombstone on the same partition, then restores what it wrote', async () => {
    const waiting = store();
    follower.options!.apply([checkpointRecord(1, 0, 1516n)]);
    follower.answers.push({ end: 1n, settled: false }, { end: 4n, settled: true });
    // the commit marker of the new transaction ends the hanging one as committed: the follower reads both
    const { hanging, ended } = ender('committed', () => follower.options!.apply(hangingCheckpoint));
    await expect(waiting.restore(1, () => true, hanging)).resolves.toBe(1517n);
    expect(ended).toEqual([{ message: { key: 'settle', value: null, partition: 1 }, outcome: 'committed' }]);
    expect(follower.withinMs[0], 'a bounded wait').toBeGreaterThan(0);
    expect(waiting.size, 'the tombstone is no waiting item').toBe(0);
  });

  it('ends a hanging transaction the coordinator aborted with an aborted one: the checkpoint stays where it was', async () => {
    const waiting = store();
    follower.options!.apply([checkpointRecord(1, 0, 1516n)]);
    follower.answers.push({ end: 1n, settled: false }, { end: 4n, settled: true });
    const { hanging, ended } = ender('aborted');
    await expect(waiting.restore(1, () => true, hanging)).resolves.toBe(1516n);
    expect(ended.map((e) => e.outcome)).toEqual(['aborted']);
  });

  it('aborts a hanging transaction the coordinator\'s log no longer tells of (enriched twice rather than lost)', async () => {
    const waiting = store();
    follower.answers.push({ end: 1n, settled: false }, { end: 4n, settled: true });
    const { hanging, ended } = ender(undefined);
    await waiting.restore(1, () => true, hanging);
    expect(ended.map((e) => e.outcome)).toEqual(['aborted']);
  });

  it('fails the restore (the partition is opened again) when the transaction did not end the open one', async () => {
    const waiting = store();
    follower.answers.push({ end: 1n, settled: false }, { end: 1n, settled: false });
    await expect(waiting.restore(1, () => true, ender('committed').hanging)).rejects.toThrow(
      'enricher-waiting-items-1: a transaction is still open at offset 1 after the one that should have ended it',
    );
  });

  it('ends nothing when the partition was lost while waiting', async () => {
    const waiting = store();
    follower.answers.push({ end: 1n, settled: false });
    const { hanging, ended } = ender('committed');
    await waiting.restore(1, () => false, hanging);
    expect(ended).toEqual([]);
  });
});
