// Tests SnapshotHub and GET /orders/stream: shared polling, SSE events and subscriber limits.
import { createLogger } from '@pizzashop/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SnapshotHub, type HubEvent } from '../src/stream.js';
import { mockedApi, readUntil, standardAnswers } from './support.js';

const log = createLogger('stream-test', 'silent');

describe('SnapshotHub', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('computes one snapshot per tick for all subscribers of a channel and stops without subscribers', async () => {
    vi.useFakeTimers();
    const hub = new SnapshotHub<number>(1000, log);
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
    const hub = new SnapshotHub<number>(1000, log);
    const produce = vi.fn(async () => 1);
    hub.close();
    hub.subscribe('k', produce, () => {});
    await vi.advanceTimersByTimeAsync(3000);
    expect(produce).not.toHaveBeenCalled();
    expect(hub.subscriberCount).toBe(0);
  });

  it('hands a late subscriber the current snapshot at once', async () => {
    vi.useFakeTimers();
    const hub = new SnapshotHub<string>(1000, log);
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
    const hub = new SnapshotHub<string>(500, log);
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
      // One round: overview 3, popular 2 (rollup, and the window's partial first minute), ordersPerMinute 1.
      expect(sqls).toHaveLength(6);
    } finally {
      await service.stop();
      await agent.close();
    }
  });
});

describe('GET /orders/stream limits', () => {
  it('serves channels through the shared cache: two channels of one window cost one round of Pinot queries', async () => {
    const { service, request, sqls, agent } = mockedApi(standardAnswers, { STREAM_INTERVAL_MS: '5000' });
    try {
      const [a, b] = await Promise.all([request('/orders/stream?limit=5'), request('/orders/stream?limit=10')]);
      const [textA, textB] = await Promise.all([readUntil(a!.body!, 'event: snapshot', 2000), readUntil(b!.body!, 'event: snapshot', 2000)]);
      const items = (text: string) => JSON.parse(/data: (.*)/.exec(text.slice(text.indexOf('event: snapshot')))?.[1] ?? '{}').popular.items as unknown[];
      expect(items(textA)).toHaveLength(3);
      expect(items(textB)).toHaveLength(3);
      // One round: overview 3, popular 2 (rollup, and the window's partial first minute), ordersPerMinute 1.
      expect(sqls).toHaveLength(6);
    } finally {
      await service.stop();
      await agent.close();
    }
  });

  it('answers 429 with a message once the subscriber cap is reached', async () => {
    const { service, request, agent } = mockedApi(standardAnswers, { STREAM_INTERVAL_MS: '5000', STREAM_MAX_SUBSCRIBERS: '1' });
    try {
      const first = await request('/orders/stream');
      expect(first.status).toBe(200);
      const second = await request('/orders/stream');
      expect(second.status).toBe(429);
      expect(await second.json()).toMatchObject({ error: 'too_many_requests', message: expect.stringContaining('maximum of 1 subscribers'), requestId: expect.any(String) });
      await first.body?.cancel();
    } finally {
      await service.stop();
      await agent.close();
    }
  });

  it('answers 429 for a new channel once the channel cap is reached, while the open channel still takes subscribers', async () => {
    const { service, request, agent } = mockedApi(standardAnswers, { STREAM_INTERVAL_MS: '5000', STREAM_MAX_CHANNELS: '1' });
    try {
      const open = await request('/orders/stream?window=5m');
      const refused = await request('/orders/stream?window=1h');
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ message: expect.stringContaining('maximum of 1 channels') });
      const joined = await request('/orders/stream?window=5m');
      expect(joined.status).toBe(200);
      await open.body?.cancel();
      await joined.body?.cancel();
    } finally {
      await service.stop();
      await agent.close();
    }
  });

  it('disconnects a subscriber that stops reading, and frees its place', async () => {
    const { service, request, agent } = mockedApi(standardAnswers, { STREAM_INTERVAL_MS: '100', STREAM_STALL_MS: '300', STREAM_MAX_SUBSCRIBERS: '1' });
    try {
      const stalled = await request('/orders/stream');
      expect(stalled.status).toBe(200);
      expect((await request('/orders/stream')).status).toBe(429);
      const deadline = Date.now() + 5000;
      let metrics = '';
      while (Date.now() < deadline && !/^sse_evictions_total\{[^}]*\} 1$/m.test(metrics)) {
        await new Promise((r) => setTimeout(r, 100));
        metrics = await (await request('/metrics')).text();
      }
      expect(metrics).toMatch(/^sse_evictions_total\{[^}]*\} 1$/m);
      expect(metrics).toMatch(/^sse_subscribers\{[^}]*\} 0$/m);
      const next = await request('/orders/stream');
      expect(next.status).toBe(200);
      await next.body?.cancel();
    } finally {
      await service.stop();
      await agent.close();
    }
  });
});
