import type { Logger } from '@pizzashop/common';

export type HubEvent<T> = { kind: 'snapshot'; data: T } | { kind: 'failure'; error: unknown };
export type HubListener<T> = (event: HubEvent<T>) => void;

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
 */
export class SnapshotHub<T> {
  private readonly channels = new Map<string, Channel<T>>();

  /** Set by close(): a hub that is shutting down starts no new channel. */
  private closed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  subscribe(key: string, produce: () => Promise<T>, listener: HubListener<T>): () => void {
    if (this.closed) return () => undefined;
    let channel = this.channels.get(key);
    if (!channel) {
      channel = { listeners: new Set(), latest: undefined, timer: undefined };
      this.channels.set(key, channel);
    }
    channel.listeners.add(listener);
    const { latest } = channel;
    if (latest && this.now() - latest.at < this.intervalMs) listener(latest.event);
    if (channel.listeners.size === 1) void this.tick(key, channel, produce);
    return () => this.unsubscribe(key, listener);
  }

  get subscriberCount(): number {
    let total = 0;
    for (const channel of this.channels.values()) total += channel.listeners.size;
    return total;
  }

  /** Stops every channel (on shutdown); subscribers are expected to close their own connections. */
  close(): void {
    this.closed = true;
    for (const channel of this.channels.values()) {
      clearTimeout(channel.timer);
      channel.listeners.clear();
    }
    this.channels.clear();
  }

  private unsubscribe(key: string, listener: HubListener<T>): void {
    const channel = this.channels.get(key);
    if (!channel) return;
    channel.listeners.delete(listener);
    if (channel.listeners.size === 0) {
      clearTimeout(channel.timer);
      this.channels.delete(key);
    }
  }

  /** Logs when a channel starts failing, fails differently, or recovers; not on every tick. */
  private logTransition(key: string, before: HubEvent<T> | undefined, after: HubEvent<T>): void {
    const message = (e: HubEvent<T> | undefined) => (e?.kind === 'failure' ? (e.error instanceof Error ? e.error.message : String(e.error)) : undefined);
    if (after.kind === 'failure' && message(after) !== message(before)) this.log.warn({ channel: key, error: message(after) }, 'stream snapshot failed');
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
