// Unit tests of startNewGroupAt: where a new consumer group starts on `orders`.
import type { Admin } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { startNewGroupAt } from '../src/start-point.js';

type StubAdmin = Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsetsByTimestamp' | 'setOffsets'>;

function admin(committed: string[]): StubAdmin & { setOffsets: ReturnType<typeof vi.fn>; fetchTopicOffsetsByTimestamp: ReturnType<typeof vi.fn> } {
  return {
    fetchOffsets: vi.fn(async () => [{ topic: 'orders', partitions: committed.map((offset, partition) => ({ partition, offset, metadata: null })) }]),
    fetchTopicOffsetsByTimestamp: vi.fn(async () => [
      { partition: 0, offset: '17' },
      { partition: 1, offset: '4' },
    ]),
    setOffsets: vi.fn(async () => undefined),
  } as never;
}

describe('where a new delivery-service group starts on orders', () => {
  it('a group without committed offsets starts at the offsets of the lookback timestamp', async () => {
    const a = admin(['-1', '-1']);
    const result = await startNewGroupAt(a, 'delivery', 'orders', 1_000_000);
    expect(a.fetchTopicOffsetsByTimestamp).toHaveBeenCalledWith('orders', 1_000_000);
    const offsets = [
      { partition: 0, offset: '17' },
      { partition: 1, offset: '4' },
    ];
    expect(a.setOffsets).toHaveBeenCalledWith({ groupId: 'delivery', topic: 'orders', partitions: offsets });
    expect(result.set).toEqual(offsets);
  });

  it('a group with a committed offset is left where it is', async () => {
    const a = admin(['-1', '230']);
    expect((await startNewGroupAt(a, 'delivery', 'orders', 1_000_000)).set).toBeNull();
    expect(a.setOffsets).not.toHaveBeenCalled();
    expect(a.fetchTopicOffsetsByTimestamp).not.toHaveBeenCalled();
  });
});
