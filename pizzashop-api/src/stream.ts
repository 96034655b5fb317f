// SnapshotHub: behind GET /orders/stream, one snapshot per tick per channel (parameter set) shared by
// all its subscribers, within channel and subscriber caps.
import { PizzashopError, type Logger } from '@pizzashop/common';

export type HubEvent<T> = { kind: 'snapshot'; data: T } | { kind: 'failure'; error: unknown };
export type HubListener<T> = (event: HubEvent<T>) => void;

export interface HubLimits {
  /** Channels (distinct parameter sets) that may tick at once. */
  maxChannels: number;
  /** Subscribers over all channels. */
  maxSubscribers: number;
}

/** A subscription the hub refused because a limit is reached; answered with 429. */
export class HubFullError extends PizzashopError {
  constructor(message: string) {
    super(message, { kind: 'too-many-requests' });
  }
}

interface Channel<T> {
  listeners: Set<HubListener<T>>;
  latest: { event: HubEvent<T>; at: number } | undefined;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Fan-out of periodic snapshots. Subscribers asking for the same key share one channel, and each
 * channel computes ONE snapshot per tick however many subscribers it has. A channel ticks only
 * while it has subscribers; a tick that overruns the interval delays the next one instead of
 * overlapping it. A new subscriber gets the latest snapshot at once when it is still current.
 * Channels and subscribers are capped (`HubLimits`): past a cap `subscribe` throws HubFullError.
 */
export class SnapshotHub<T> {
  private readonly channels = new Map<string, Channel<T>>();
  private subscribers = 0;

  /** Set by close(): a hub that is shutting down starts no new channel. */
  private closed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly limits: HubLimits = { maxChannels: Number.POSITIVE_INFINITY, maxSubscribers: Number.POSITIVE_INFINITY },
    private readonly now: () => number = Date.now,
  ) {}

  subscribe(key: string, produce: () => Promise<T>, listener: HubListener<T>): () => void {
    if (this.closed) return () => undefined;
    let channel = this.channels.get(key);
    if (this.subscribers >= this.limits.maxSubscribers) {
      throw new HubFullError(`the stream has its maximum of ${this.limits.maxSubscribers} subscribers; retry later or poll the REST routes`);
    }
    if (!channel) {
      if (this.channels.size >= this.limits.maxChannels) {
        throw new HubFullError(`the stream has its maximum of ${this.limits.maxChannels} channels open; retry later or use the parameters of an open channel`);
      }
      channel = { listeners: new Set(), latest: undefined, timer: undefined };
      this.channels.set(key, channel);
    }
    channel.listeners.add(listener);
    this.subscribers++;
    const { latest } = channel;
    if (latest && this.now() - latest.at < this.intervalMs) listener(latest.event);
    if (channel.listeners.size === 1) void this.tick(key, channel, produce);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.unsubscribe(key, listener);
    };
  }

  get subscriberCount(): number {
    return this.subscribers;
  }

  get channelCount(): number {
    return this.channels.size;
  }

  /** Stops every channel (on shutdown); subscribers are expected to close their own connections. */
  close(): void {
    this.closed = true;
    for (const channel of this.channels.values()) {
      clearTimeout(channel.timer);
      channel.listeners.clear();
    }
    this.channels.clear();
    this.subscribers = 0;
  }

  private unsubscribe(key: string, listener: HubListener<T>): void {
    const channel = this.channels.get(key);
    if (!channel || !channel.listeners.delete(listener)) return;
    this.subscribers--;
    if (channel.listeners.size === 0) {
      clearTimeout(channel.timer);
      this.channels.delete(key);
    }
  }

  /** Logs when a channel starts failing, fails differently, or recovers; not on every tick. */
  private logTransition(key: string, before: HubEvent<T> | undefined, after: HubEvent<T>): void {
    const message = (e: HubEvent<T> | undefined) => (e?.kind === 'failure' ? (e.error instanceof Error ? e.error.message : String(e.error)) : undefined);
    if (after.kind === 'failure' && message(after) !== message(before)) this.log.warn({ channel: key, err: after.error }, 'stream snapshot failed');
    if (after.kind === 'snapshot' && before?.kind === 'failure') this.log.info({ channel: key }, 'stream snapshots recovered');
  }

  private async tick(key: string, channel: Channel<T>, produce: () => Promise<T>): Promise<void> {
    const started = this.now();
    let event: HubEvent<T>;
    try {
      event = { kind: 'snapshot', data: await produce() };
    } catch (error) {
      event = { kind: 'failure', error };
    }
    if (this.channels.get(key) !== channel) return;
    this.logTransition(key, channel.latest?.event, event);
    channel.latest = { event, at: this.now() };
    for (const listener of channel.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log.warn({ err, channel: key }, 'stream subscriber failed');
      }
    }
    const wait = Math.max(0, this.intervalMs - (this.now() - started));
    channel.timer = setTimeout(() => void this.tick(key, channel, produce), wait);
  }
}
