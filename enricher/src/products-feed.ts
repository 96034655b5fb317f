// Keeps the products history in step with the Debezium topic: restored from the beginning before any
// order is joined (like a GlobalKTable), then followed; tells its listener when products changed.
import { TopicFollower, type FollowedRecord, type Logger } from '@pizzashop/common';
import type { Kafka } from 'kafkajs';
import type { EnricherMetrics } from './metrics.js';
import { ProductsHistory } from './products-history.js';

export class ProductsFeed {
  readonly history: ProductsHistory;
  private readonly follower: TopicFollower;
  private restored = false;
  private onChange: () => void = () => undefined;

  constructor(
    kafka: Kafka,
    private readonly o: { topic: string; groupPrefix: string; historyMs: number; log: Logger; metrics: EnricherMetrics },
  ) {
    this.history = new ProductsHistory(o.historyMs);
    this.follower = new TopicFollower(kafka, { topic: o.topic, groupPrefix: o.groupPrefix, log: o.log, apply: (records) => this.apply(records) });
  }

  /** The topic was read to its end once. */
  get loaded(): boolean {
    return this.restored;
  }

  /** Reads the topic up to its last stable offsets; afterwards `onChange` hears of every product upsert. */
  async restore(onChange: () => void): Promise<void> {
    const startedAt = Date.now();
    await this.follower.start();
    await this.follower.caughtUp();
    this.restored = true;
    this.onChange = onChange;
    this.o.metrics.productsCacheSize.set(this.history.size);
    this.o.log.info({ products: this.history.size, ms: Date.now() - startedAt }, 'products cache restored');
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  private apply(records: FollowedRecord[]): void {
    let upserts = 0;
    for (const r of records) {
      const change = this.history.applyChange(r.key, r.value, Number(r.timestamp));
      if (change.kind === 'upsert') upserts++;
      if (change.kind === 'invalid') {
        this.o.metrics.productEventsInvalid.inc();
        this.o.log.warn({ topic: this.o.topic, partition: r.partition, offset: r.offset, detail: change.detail }, 'product change event ignored');
      }
    }
    this.o.metrics.productsCacheSize.set(this.history.size);
    if (upserts > 0) this.onChange();
  }
}
