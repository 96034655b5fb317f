import { createLogger } from '@pizzashop/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SnapshotHub, type HubEvent } from '../src/stream.js';
import { mockedApi, standardAnswers } from './support.js';

const log = createLogger('stream-test', 'silent');

describe('SnapshotHub', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('computes one snapshot per tick for all subscribers of a channel and stops without subscribers', async () => {
    vi.useFakeTimers();
    const hub = new SnapshotHub<number>(1000, log, () => Date.now());
    let produced = 0;
    const produce = vi.fn(async () => ++produced);
    const seenA: HubEvent<number>[] = [];
    const seenB: HubEvent<number>[] = [];
    const offA = hub.subscribe('k', produce, (e) => seenA.push(e));
    const offB = hub.subscribe('k', produce, (e) => seenB.push(e));
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(3000);
    expect(produce).toHaveBeenCalledTimes(4);
    expect(seenA.map((e) => (e.kind === 'snapshot' ? e.data : -1))).toEqual([1, 2, 3, 4]);
    expect(seenB).toEqual(seenA);
    offA();
    offB();
    expect(hub.subscriberCount).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(produce).toHaveBeenCalledTimes(4);
  });

  it('starts no channel once closed (shutdown), so a late stream request cannot keep it alive', async () => {
    vi.useFakeTimers();
    const hub = new SnapshotHub<number>(1000, log, () => Date.now());
    const produce = vi.fn(async () => 1);
    hub.close();
    hub.subscribe('k', produce, () => {});
    await vi.advanceTimersByTimeAsync(3000);
    expect(produce).not.toHaveBeenCalled();
    expect(hub.subscriberCount).toBe(0);
  });

  it('hands a late subscriber the current snapshot at once', async () => {
    vi.useFakeTimers();
    const hub = new SnapshotHub<string>(1000, log, () => Date.now());
    const produce = async () => 'snap';
    hub.subscribe('k', produce, () => {});
    await vi.advanceTimersByTimeAsync(100);
    const late: HubEvent<string>[] = [];
    hub.subscribe('k', produce, (e) => late.push(e));
    expect(late).toEqual([{ kind: 'snapshot', data: 'snap' }]);
    hub.close();
  });

  it('delivers failures as events and keeps ticking', async () => {
    vi.useFakeTimers();
    const hub = new SnapshotHub<string>(500, log, () => Date.now());
    let calls = 0;
    const produce = async () => {
      calls++;
      if (calls === 1) throw new Error('pinot down');
      return 'back';
    };
    const seen: HubEvent<string>[] = [];
    hub.subscribe('k', produce, (e) => seen.push(e));
    await vi.advanceTimersByTimeAsync(600);
    expect(seen[0]).toMatchObject({ kind: 'failure' });
    expect(seen[1]).toEqual({ kind: 'snapshot', data: 'back' });
    hub.close();
  });
});

async function readUntil(body: ReadableStream<Uint8Array>, marker: string, timeoutMs: number): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (!text.includes(marker) && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<undefined>((r) => setTimeout(() => r(undefined), deadline - Date.now()))]);
      if (!chunk || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    await reader.cancel();
  }
  return text;
}

describe('GET /orders/stream', () => {
  it('pushes a snapshot event within 2 s, and subscribers share one Pinot round per tick', async () => {
    const { service, request, sqls, agent } = mockedApi(standardAnswers, { STREAM_INTERVAL_MS: '5000' });
    try {
      const [a, b] = await Promise.all([request('/orders/stream'), request('/orders/stream')]);
      expect(a?.headers.get('content-type')).toContain('text/event-stream');
      const [textA, textB] = await Promise.all([readUntil(a!.body!, '\n\n', 2000), readUntil(b!.body!, 'event: snapshot', 2000)]);
      expect(textA).toContain(': connected');
      expect(textB).toContain('event: snapshot');
      const data = JSON.parse(/data: (.*)/.exec(textB.slice(textB.indexOf('event: snapshot')))?.[1] ?? '{}');
      expect(data.overview.totalOrders).toBe(17665);
      expect(data.popular.items[0].product).toBe('Margherita');
      expect(data.ordersPerMinute).toHaveLength(60);
      expect(sqls).toHaveLength(5);
    } finally {
      await service.stop();
      await agent.close();
    }
  });
});
