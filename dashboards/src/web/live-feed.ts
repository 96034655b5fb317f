// The dashboard's data feed: the SSE stream, REST polling with backoff while it is down, and what
// the page knows at each moment.
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { DISCONNECTED_KINDS, failureFromContract, failureFromStreamEvent, type Failure } from './failures.js';
import { fetchSnapshot, streamUrl, type FetchJson } from './rest-snapshot.js';
import { alertsResponseSchema, dashboardSnapshotSchema, type DashboardSnapshot, type WindowName } from './schemas.js';
import type { z } from 'zod';

/** What the page knows at a moment: the newest data, and why newer data is missing if it is. */
export interface FeedState {
  window: WindowName;
  snapshot?: DashboardSnapshot;
  /** Page clock (ms) when `snapshot` arrived. */
  receivedAt?: number;
  /** The current problem; cleared by the next snapshot. */
  failure?: Failure;
  /** Since when (page clock) some failure has been present. */
  failureSince?: number;
  /** `stream` while the SSE stream delivers; `polling` while it is down and REST polls stand in. */
  transport: 'connecting' | 'stream' | 'polling';
  /** Page clock when the stream is tried again (while polling). */
  nextRetryAt?: number;
  streamFailures: number;
  /** The open alerts and the latest closed ones, from the stream's `alerts` events (kept across window changes). */
  alerts?: z.infer<typeof alertsResponseSchema>['alerts'];
}

/** The part of EventSource the feed uses (tests pass a fake). */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

type TimerId = ReturnType<typeof setTimeout>;

export interface FeedDependencies {
  openStream: (url: string) => EventSourceLike;
  fetchJson: FetchJson;
  now: () => number;
  setTimer: (fn: () => void, ms: number) => TimerId;
  clearTimer: (id: TimerId | undefined) => void;
  random: () => number;
}

export interface FeedOptions {
  /** Where the API's routes live as seen from the page (the dashboard server proxies /api). */
  basePath: string;
  limit: number;
  minutes: number;
  backoff: BackoffPolicy;
  /** Polling period while the stream is down. */
  pollIntervalMs: number;
  /** A stream silent this long is treated as broken (the API sends something every second). */
  silenceMs: number;
}

export const DEFAULT_FEED_OPTIONS: FeedOptions = {
  basePath: '/api',
  limit: 5,
  minutes: 60,
  backoff: DEFAULT_BACKOFF,
  pollIntervalMs: 3000,
  silenceMs: 15_000,
};

/**
 * Keeps the page fed: the API's SSE stream (`/orders/stream`, one snapshot per second) while it
 * works; when it breaks, reconnects with exponential backoff and polls the REST endpoints in the
 * meantime, so data keeps coming if only streaming is broken and the banner can say what is down
 * (an EventSource error carries no status, a poll answer does). When a poll shows the API is back
 * after an outage, the stream is retried at once instead of at the end of its backoff.
 */
export class LiveFeed {
  private state: FeedState;
  private stream: EventSourceLike | undefined;
  private retryTimer: TimerId | undefined;
  private pollTimer: TimerId | undefined;
  private silenceTimer: TimerId | undefined;
  private pollInFlight = false;
  /** Bumped on window change and stop, so answers for an earlier request are dropped. */
  private generation = 0;

  constructor(
    window: WindowName,
    private readonly onChange: (state: Readonly<FeedState>) => void,
    private readonly deps: FeedDependencies,
    private readonly options: FeedOptions = DEFAULT_FEED_OPTIONS,
  ) {
    this.state = { window, transport: 'connecting', streamFailures: 0 };
  }

  get current(): Readonly<FeedState> {
    return this.state;
  }

  start(): void {
    this.connectStream();
  }

  /** Switches the window: a new stream for it; the old data stays on screen until the new arrives. */
  setWindow(window: WindowName): void {
    if (window === this.state.window) return;
    this.stop();
    this.update({ window, transport: 'connecting', streamFailures: 0, nextRetryAt: undefined });
    this.connectStream();
  }

  stop(): void {
    this.generation += 1;
    this.closeStream();
    this.deps.clearTimer(this.retryTimer);
    this.deps.clearTimer(this.pollTimer);
    this.retryTimer = this.pollTimer = undefined;
  }

  private query() {
    const { basePath, limit, minutes } = this.options;
    return { basePath, limit, minutes, window: this.state.window };
  }

  private update(patch: Partial<FeedState>): void {
    this.state = { ...this.state, ...patch };
    this.onChange(this.state);
  }

  private received(snapshot: DashboardSnapshot): void {
    this.update({ snapshot, receivedAt: this.deps.now(), failure: undefined, failureSince: undefined });
  }

  private failed(failure: Failure): void {
    this.update({ failure, failureSince: this.state.failureSince ?? this.deps.now() });
  }

  private connectStream(): void {
    this.deps.clearTimer(this.retryTimer);
    this.retryTimer = undefined;
    this.closeStream();
    const stream = this.deps.openStream(streamUrl(this.query()));
    this.stream = stream;
    const mine = (handler: (event: MessageEvent<string>) => void) => (event: MessageEvent<string>) => {
      if (this.stream === stream) handler(event);
    };
    stream.addEventListener('open', mine(() => this.armSilenceTimer()));
    /** An event whose data is JSON following `schema`: a body that is not JSON or breaks the contract is a failure. */
    const onJson = <T>(name: string, schema: z.ZodType<T>, what: string, use: (data: T) => void) =>
      stream.addEventListener(
        name,
        mine((event) => {
          this.streamDelivering();
          let body: unknown;
          try {
            body = JSON.parse(event.data);
          } catch {
            body = undefined;
          }
          const parsed = schema.safeParse(body);
          if (parsed.success) use(parsed.data);
          else this.failed(failureFromContract(what, parsed.error));
        }),
      );
    onJson('snapshot', dashboardSnapshotSchema, 'a snapshot', (snapshot) => this.received(snapshot));
    onJson('alerts', alertsResponseSchema, 'the alerts', ({ alerts }) => this.update({ alerts }));
    stream.addEventListener(
      'failure',
      mine((event) => {
        this.streamDelivering();
        this.failed(failureFromStreamEvent(event.data));
      }),
    );
    stream.addEventListener('error', mine(() => this.streamBroken()));
  }

  /** A message came through: the stream works, polling stops, the backoff starts over. */
  private streamDelivering(): void {
    this.armSilenceTimer();
    this.deps.clearTimer(this.pollTimer);
    this.pollTimer = undefined;
    if (this.state.transport !== 'stream' || this.state.streamFailures !== 0) {
      this.update({ transport: 'stream', streamFailures: 0, nextRetryAt: undefined });
    }
  }

  private streamBroken(): void {
    this.closeStream();
    const streamFailures = this.state.streamFailures + 1;
    const delay = backoffDelay(streamFailures, this.options.backoff, this.deps.random);
    this.retryTimer = this.deps.setTimer(() => this.connectStream(), delay);
    this.update({ transport: 'polling', streamFailures, nextRetryAt: this.deps.now() + delay });
    if (this.pollTimer === undefined && !this.pollInFlight) void this.poll();
  }

  private async poll(): Promise<void> {
    this.deps.clearTimer(this.pollTimer);
    this.pollTimer = undefined;
    const generation = this.generation;
    this.pollInFlight = true;
    const outcome = await fetchSnapshot(this.deps.fetchJson, this.query(), this.deps.now()).finally(() => {
      this.pollInFlight = false;
    });
    if (generation !== this.generation || this.state.transport !== 'polling') return;
    const wasCutOff = this.state.failure !== undefined && DISCONNECTED_KINDS.has(this.state.failure.kind);
    if ('data' in outcome) this.received(outcome.data);
    else this.failed(outcome.failure);
    if (wasCutOff && 'data' in outcome && this.retryTimer !== undefined) {
      this.connectStream();
      return;
    }
    this.pollTimer = this.deps.setTimer(() => void this.poll(), this.options.pollIntervalMs);
  }

  private armSilenceTimer(): void {
    this.deps.clearTimer(this.silenceTimer);
    const stream = this.stream;
    this.silenceTimer = this.deps.setTimer(() => {
      if (this.stream === stream) this.streamBroken();
    }, this.options.silenceMs);
  }

  private closeStream(): void {
    this.deps.clearTimer(this.silenceTimer);
    this.silenceTimer = undefined;
    this.stream?.close();
    this.stream = undefined;
  }
}

/** The feed as the browser runs it. */
export function browserFeedDependencies(fetchJson: FetchJson): FeedDependencies {
  return {
    openStream: (url) => new EventSource(url) as unknown as EventSourceLike,
    fetchJson,
    now: () => Date.now(),
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (id) => clearTimeout(id),
    random: Math.random,
  };
}
