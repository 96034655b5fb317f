// Unit tests of LiveFeed (SSE, backoff, polling fallback) with a fake stream and fetch.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FEED_OPTIONS, LiveFeed, type EventSourceLike, type FeedDependencies, type FeedState } from '../src/web/live-feed.js';
import { snapshot, T0 } from './fixtures.js';

type Listener = (event: MessageEvent<string>) => void;

/** An EventSource the test drives: emit('snapshot', data), emit('error'). */
class FakeStream implements EventSourceLike {
  readonly listeners = new Map<string, Listener[]>();
  closed = false;
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
  }
  emit(type: string, data = ''): void {
    for (const l of this.listeners.get(type) ?? []) l({ data } as MessageEvent<string>);
  }
}

type Answer = { status: number; body: unknown } | 'network-error';

/** A manual clock with timers, streams and REST answers under the test's control. */
function harness(rest: (url: string) => Answer) {
  let now = T0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const streams: FakeStream[] = [];
  const fetched: string[] = [];
  const states: FeedState[] = [];
  const deps: FeedDependencies = {
    openStream: (url) => {
      const s = new FakeStream(url);
      streams.push(s);
      return s;
    },
    fetchJson: async (url) => {
      fetched.push(url);
      const answer = rest(url);
      if (answer === 'network-error') throw new TypeError('Failed to fetch');
      return answer;
    },
    now: () => now,
    setTimer: (fn, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id as unknown as ReturnType<typeof setTimeout>;
    },
    clearTimer: (id) => {
      timers.delete(id as unknown as number);
    },
    random: () => 0.5,
  };
  const feed = new LiveFeed('5m', (s) => states.push(s), deps, DEFAULT_FEED_OPTIONS);
  /** Advances the clock, firing due timers in order, and lets pending promises settle. */
  const advance = async (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
      await flush();
    }
    now = end;
    await flush();
  };
  const flush = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { feed, streams, fetched, states, advance, flush, now: () => now, latest: () => streams.at(-1)!, state: () => feed.current };
}

const ok = (url: string): Answer => {
  const s = snapshot({ window: '5m' });
  if (url.includes('/overview')) return { status: 200, body: s.overview };
  if (url.includes('/popular')) return { status: 200, body: s.popular };
  return { status: 200, body: s.ordersPerMinute };
};
const apiDown: Answer = { status: 502, body: { error: 'api_unreachable', message: 'the dashboard server cannot reach pizzashop-api' } };
const pinotDown: Answer = { status: 503, body: { error: 'pinot_unavailable', message: 'Pinot could not answer' } };

describe('LiveFeed', () => {
  it('opens the stream for the window and takes its snapshots', async () => {
    const h = harness(ok);
    h.feed.start();
    expect(h.latest().url).toBe('/api/orders/stream?window=5m&limit=5&minutes=60');
    h.latest().emit('snapshot', JSON.stringify(snapshot({ window: '5m', orders: 7 })));
    expect(h.state()).toMatchObject({ transport: 'stream', receivedAt: T0, failure: undefined });
    expect(h.state().snapshot?.overview.currentTimePeriod.orders).toBe(7);
    expect(h.fetched).toEqual([]);
  });

  it('takes the alerts events of the stream, and reports alerts that break the contract', async () => {
    const h = harness(ok);
    h.feed.start();
    const alert = {
      id: '6f1c3f5e-8f7a-4d7e-9a59-1d3c0f1e2a4b', metric: 'orders', direction: 'drop', severity: 'critical', status: 'open', observed: 3, expected: 612, zScore: -24.5,
      baseline: 'trailing-windows', window: { from: '2026-11-25T09:58:00.000Z', to: '2026-11-25T09:59:00.000Z' },
      openedAt: '2026-11-25T09:59:10.000Z', updatedAt: '2026-11-25T09:59:10.000Z', closedAt: null, notified: [],
    };
    h.latest().emit('alerts', JSON.stringify({ alerts: [alert] }));
    expect(h.state().alerts?.map((a) => [a.metric, a.status])).toEqual([['orders', 'open']]);
    h.latest().emit('alerts', JSON.stringify({ alerts: [{ ...alert, severity: 'so-so' }] }));
    expect(h.state().failure?.message).toMatch(/alerts/);
    expect(h.state().alerts).toHaveLength(1);
  });

  it('reports failure events of the stream and clears them with the next snapshot', async () => {
    const h = harness(ok);
    h.feed.start();
    h.latest().emit('snapshot', JSON.stringify(snapshot({ window: '5m' })));
    h.latest().emit('failure', JSON.stringify({ error: 'pinot_unavailable', message: 'Pinot could not answer' }));
    expect(h.state().failure).toEqual({ kind: 'pinot-unavailable', message: 'Pinot could not answer', status: 503 });
    expect(h.state().snapshot).toBeDefined();
    h.latest().emit('snapshot', JSON.stringify(snapshot({ window: '5m' })));
    expect(h.state().failure).toBeUndefined();
  });

  it('rejects a snapshot that breaks the contract without losing the last good one', async () => {
    const h = harness(ok);
    h.feed.start();
    h.latest().emit('snapshot', JSON.stringify(snapshot({ window: '5m', orders: 3 })));
    h.latest().emit('snapshot', JSON.stringify({ generatedAt: 'x' }));
    expect(h.state().failure?.kind).toBe('api-error');
    expect(h.state().failure?.message).toMatch(/does not match its documented schema \(generatedAt: [^\n]*; [a-zA-Z]+: /);
    expect(h.state().snapshot?.overview.currentTimePeriod.orders).toBe(3);
  });

  it('reconnects with exponential backoff and polls meanwhile, naming what is down', async () => {
    let answer: (url: string) => Answer = () => apiDown;
    const h = harness((url) => answer(url));
    h.feed.start();
    h.latest().emit('snapshot', JSON.stringify(snapshot({ window: '5m' })));

    const delays: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const opened = h.streams.length;
      h.latest().emit('error');
      await h.flush();
      expect(h.latest().closed).toBe(true);
      expect(h.state()).toMatchObject({ transport: 'polling', streamFailures: attempt, failure: { kind: 'api-unreachable' } });
      const delay = h.state().nextRetryAt! - h.now();
      delays.push(delay);
      await h.advance(delay - 1);
      expect(h.streams.length).toBe(opened);
      await h.advance(1);
      expect(h.streams.length).toBe(opened + 1);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 10_000]);
    expect(h.state().snapshot, 'the last data stays').toBeDefined();
    expect(h.fetched.filter((u) => u.includes('/overview')).length).toBeGreaterThanOrEqual(8);

    answer = () => pinotDown;
    await h.advance(3000);
    expect(h.state().failure?.kind).toBe('pinot-unavailable');
  });

  it('retries the stream at once when a poll shows the API is back, and the backoff starts over', async () => {
    let answer: (url: string) => Answer = () => apiDown;
    const h = harness((url) => answer(url));
    h.feed.start();
    for (let i = 0; i < 4; i++) {
      h.latest().emit('error');
      await h.flush();
      await h.advance(h.state().nextRetryAt! - h.now());
    }
    h.latest().emit('error');
    await h.flush();
    expect(h.state().nextRetryAt! - h.now()).toBe(10_000);
    const opened = h.streams.length;
    answer = ok;
    await h.advance(3000);
    expect(h.state().failure).toBeUndefined();
    expect(h.state().snapshot?.overview.window).toBe('5m');
    expect(h.streams.length, 'reconnected before the 10 s backoff ran out').toBe(opened + 1);
    h.latest().emit('snapshot', JSON.stringify(snapshot({ window: '5m' })));
    expect(h.state()).toMatchObject({ transport: 'stream', streamFailures: 0, nextRetryAt: undefined });
    const polls = h.fetched.length;
    await h.advance(12_000);
    expect(h.fetched.length, 'polling stops once the stream delivers').toBe(polls);
  });

  it('keeps the page fed by polling when only the stream is broken', async () => {
    const h = harness(ok);
    h.feed.start();
    h.latest().emit('error');
    await h.flush();
    expect(h.state()).toMatchObject({ transport: 'polling', failure: undefined });
    expect(h.state().snapshot?.overview.window).toBe('5m');
    const polls = h.fetched.length;
    await h.advance(9000);
    expect(h.fetched.length).toBe(polls + 3 * 3);
  });

  it('treats a stream that stays silent for 15 s as broken', async () => {
    const h = harness(ok);
    h.feed.start();
    h.latest().emit('open');
    h.latest().emit('snapshot', JSON.stringify(snapshot({ window: '5m' })));
    await h.advance(14_999);
    expect(h.state().transport).toBe('stream');
    await h.advance(1);
    expect(h.state().transport).toBe('polling');
    expect(h.streams[0]!.closed).toBe(true);
  });

  it('switches window with a new stream and ignores the old one', async () => {
    const h = harness(ok);
    h.feed.start();
    const old = h.latest();
    old.emit('snapshot', JSON.stringify(snapshot({ window: '5m', orders: 5 })));
    h.feed.setWindow('1h');
    expect(old.closed).toBe(true);
    expect(h.latest().url).toBe('/api/orders/stream?window=1h&limit=5&minutes=60');
    expect(h.state()).toMatchObject({ window: '1h', transport: 'connecting' });
    expect(h.state().snapshot?.overview.window, 'old data stays until the new arrives').toBe('5m');
    old.emit('snapshot', JSON.stringify(snapshot({ window: '5m', orders: 99 })));
    old.emit('error');
    expect(h.state().snapshot?.overview.currentTimePeriod.orders).toBe(5);
    expect(h.state().transport).toBe('connecting');
    h.latest().emit('snapshot', JSON.stringify(snapshot({ window: '1h', orders: 60 })));
    expect(h.state().snapshot?.overview).toMatchObject({ window: '1h', currentTimePeriod: { orders: 60 } });
  });

  it('blames the dashboard server when polls get no answer at all', async () => {
    const h = harness(() => 'network-error');
    h.feed.start();
    h.latest().emit('error');
    await h.flush();
    expect(h.state().failure).toEqual({ kind: 'dashboard-unreachable', message: 'the dashboard server does not answer (Failed to fetch)' });
  });
});
