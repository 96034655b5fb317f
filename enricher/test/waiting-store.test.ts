// Unit tests of WaitingStore.restore with a stubbed TopicFollower: a transaction still open on the
// waiting partition after the id was opened is waited for, and a hanging one is ended by a commit.
import type * as Common from '@pizzashop/common';
import type { FollowedRecord, TopicFollowerOptions } from '@pizzashop/common';
import { createLogger } from '@pizzashop/common';
import type { Kafka, Message } from 'kafkajs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { checkpointMessage } from '../src/checkpoint.js';

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

describe('WaitingStore.restore', () => {
  beforeEach(() => {
    follower.answers = [];
    follower.withinMs = [];
  });

  it('restores once the partition is settled, committing nothing of its own', async () => {
    const waiting = store();
    follower.options!.apply([checkpointRecord(1, 0, 1516n)]);
    follower.answers.push({ end: 1n, settled: true });
    const commit = vi.fn<(m: Message) => Promise<void>>();
    await expect(waiting.restore(1, () => true, commit)).resolves.toBe(1516n);
    expect(commit).not.toHaveBeenCalled();
  });

  it('ends a hanging transaction with a commit of a tombstone on the same partition, then restores what it wrote as committed', async () => {
    const waiting = store();
    follower.options!.apply([checkpointRecord(1, 0, 1516n)]);
    follower.answers.push({ end: 1n, settled: false }, { end: 4n, settled: true });
    const commit = vi.fn(async (_m: Message) => {
      // the commit marker of the new transaction ends the hanging one: the follower reads both
      follower.options!.apply([checkpointRecord(1, 1, 1517n), { partition: 1, offset: '3', key: Buffer.from('settle'), value: null, timestamp: '0' }]);
    });
    await expect(waiting.restore(1, () => true, commit)).resolves.toBe(1517n);
    expect(commit).toHaveBeenCalledTimes(1);
    expect(commit.mock.calls[0]![0]).toEqual({ key: 'settle', value: null, partition: 1 });
    expect(follower.withinMs[0], 'a bounded wait').toBeGreaterThan(0);
    expect(waiting.size, 'the tombstone is no waiting item').toBe(0);
  });

  it('fails the restore (the partition is opened again) when the commit did not end the open transaction', async () => {
    const waiting = store();
    follower.answers.push({ end: 1n, settled: false }, { end: 1n, settled: false });
    await expect(waiting.restore(1, () => true, async () => undefined)).rejects.toThrow('enricher-waiting-items-1: a transaction is still open at offset 1 after the commit that should have ended it');
  });

  it('commits nothing when the partition was lost while waiting', async () => {
    const waiting = store();
    follower.answers.push({ end: 1n, settled: false });
    const commit = vi.fn<(m: Message) => Promise<void>>();
    await waiting.restore(1, () => false, commit);
    expect(commit).not.toHaveBeenCalled();
  });
});
