// Follows whether Kafka can take orders right now, from periodic metadata checks, so the service
// answers 503 instead of queueing.
import type { Logger } from '@pizzashop/common';
import type { Admin } from 'kafkajs';

export interface BrokerWatchOptions {
  /** Pause between two checks. */
  intervalMs: number;
  /** Longest a check may take before it counts as failed. */
  timeoutMs: number;
  /** Consecutive failed checks before the cluster counts as unreachable. */
  failuresBeforeDown: number;
}

/**
 * Follows whether Kafka can take orders right now: every `intervalMs` it asks the cluster for the
 * orders topic's metadata (a real request, not kafkajs' cached view) and counts the cluster as
 * reachable when every partition has a leader. kafkajs itself only notices a lost broker through
 * send timeouts; this is what turns `/readyz` not-ready within seconds and lets `POST /orders`
 * answer 503 at once instead of starting a send that cannot complete.
 */
export class BrokerWatch {
  private up = false;
  private failures = 0;
  private adminConnected = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly listeners: ((reachable: boolean) => void)[] = [];

  constructor(
    private readonly admin: Admin,
    private readonly topic: string,
    private readonly brokers: string[],
    private readonly options: BrokerWatchOptions,
    private readonly log: Logger,
  ) {}

  get reachable(): boolean {
    return this.up;
  }

  /** Called with the new state whenever it changes. */
  onChange(listener: (reachable: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Resolves once the orders topic answers with a leader for every partition (at once if it does). */
  untilReachable(): Promise<void> {
    if (this.up) return Promise.resolve();
    return new Promise((resolve) => this.onChange((up) => up && resolve()));
  }

  /** Starts checking; the first check runs at once. */
  start(): void {
    this.stopped = false;
    void this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.adminConnected) await this.admin.disconnect().catch(() => undefined);
  }

  private async loop(): Promise<void> {
    if (this.stopped) return;
    const problem = await this.check();
    if (problem === undefined) {
      this.failures = 0;
      this.set(true, undefined);
    } else if (++this.failures >= this.options.failuresBeforeDown) {
      this.set(false, problem);
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.loop(), this.options.intervalMs);
  }

  /** undefined when the orders topic has a leader for every partition, else what is wrong. */
  private async check(): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no metadata answer within ${this.options.timeoutMs} ms`), this.options.timeoutMs);
    });
    try {
      return await Promise.race([this.askForMetadata(), timeout]);
    } catch (err) {
      this.adminConnected = false;
      await this.admin.disconnect().catch(() => undefined);
      return err instanceof Error ? err.message : String(err);
    } finally {
      clearTimeout(timer);
    }
  }

  private async askForMetadata(): Promise<string | undefined> {
    if (!this.adminConnected) {
      await this.admin.connect();
      this.adminConnected = true;
    }
    const { topics } = await this.admin.fetchTopicMetadata({ topics: [this.topic] });
    const partitions = topics[0]?.partitions ?? [];
    if (partitions.length === 0) return `topic ${this.topic} has no partitions`;
    const leaderless = partitions.filter((p) => p.leader < 0).map((p) => p.partitionId);
    return leaderless.length > 0 ? `partitions ${leaderless.join(', ')} of ${this.topic} have no leader` : undefined;
  }

  private set(up: boolean, problem: string | undefined): void {
    if (up === this.up) return;
    this.up = up;
    if (up) this.log.info({ brokers: this.brokers, topic: this.topic }, 'Kafka reachable: accepting orders');
    else this.log.warn({ brokers: this.brokers, topic: this.topic, problem }, 'Kafka unreachable: answering 503 until it is back; is the broker up (npm run stack:status)?');
    for (const listener of this.listeners) listener(up);
  }
}
