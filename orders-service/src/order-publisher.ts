// Sends orders to the `orders` topic in micro-batches, with bounds on orders in flight, and refuses at
// once while Kafka is unreachable.
import { canonicalOrder, MAX_REQUEST_BYTES, orderSchema, PizzashopError, retryUntilDone, sendJson, type Logger, type Order } from '@pizzashop/common';
import type { Producer } from 'kafkajs';
import type { BrokerWatch } from './broker-watch.js';

/** The order was not sent and never will be (Kafka unreachable, queue full or too slow): 503. */
export class KafkaUnavailableError extends PizzashopError {
  constructor(message: string) {
    super(message, { kind: 'unavailable' });
  }
}

/**
 * The order was handed to Kafka and the send then failed with an error kafkajs does not retry: it
 * may or may not be on the topic (500; a retry with the same id may write it twice).
 */
export class OrderSendFailedError extends PizzashopError {
  constructor(message: string, cause: unknown) {
    super(message, { kind: 'outcome-unknown', cause });
  }
}

export interface OrderPublisherOptions {
  /** Most orders accepted for sending and not yet acknowledged (queued + in the request in flight). */
  maxInFlight: number;
  /** Most orders per produce request. 1 turns micro-batching off (one request per order). */
  maxBatch: number;
  /** Longest an order waits in the queue for its produce request before it is withdrawn (503). */
  queueTimeoutMs: number;
  /**
   * A produce request unanswered this long means Kafka is not taking orders now (a broker going
   * down answers nothing before the broker check notices): queued orders are withdrawn and new ones
   * refused (503) until the request completes.
   */
  stallMs: number;
}

export interface PublisherEvents {
  /** A produce request of `orders` orders was acknowledged. */
  onBatch?: (orders: number) => void;
}

interface Queued {
  order: Order;
  value: string;
  bytes: number;
  withdrawn: boolean;
  timer: NodeJS.Timeout;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Publishes orders to the `orders` topic (key = order id) with the idempotent producer, while the
 * BrokerWatch says Kafka is reachable.
 *
 * `submit` (HTTP ingest) micro-batches: orders wait in a bounded queue while one produce request
 * is in flight, and the next request takes everything queued (up to `maxBatch` orders and one
 * request's worth of bytes), so concurrent POSTs share a round-trip instead of paying one each. An
 * order is refused at once (KafkaUnavailableError) while Kafka is unreachable or the queue is
 * full, and an order still queued when Kafka becomes unreachable or after `queueTimeoutMs` is
 * withdrawn before it is sent: an order refused this way never reaches the topic. An order in the
 * request in flight cannot be withdrawn; it is settled by that request, which the producer retries
 * until the broker answers (idempotent, so at most once on the topic).
 *
 * `publish` (simulator) sends a whole batch in one call. Every order is validated against the
 * contract before it is sent.
 */
export class OrderPublisher {
  private connected = false;
  private stopped = false;
  private connecting: Promise<void> | undefined;
  private queue: Queued[] = [];
  private queued = 0;
  private sending = 0;
  private stalled = false;
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly brokers: string[],
    private readonly watch: Pick<BrokerWatch, 'reachable' | 'onChange'>,
    private readonly options: OrderPublisherOptions,
    private readonly log: Logger,
    private readonly events: PublisherEvents = {},
  ) {
    producer.on(producer.events.DISCONNECT, () => {
      this.connected = false;
    });
    watch.onChange((reachable) => {
      if (reachable) this.drain();
      else this.withdrawQueued(`Kafka at ${this.brokers.join(',')} became unreachable before the order was sent; it was withdrawn and will not be sent`);
    });
  }

  /** Kafka connected, reachable and answering: orders are taken. */
  get available(): boolean {
    return this.connected && this.watch.reachable && !this.stalled;
  }

  /** Orders accepted by `submit` and not yet settled. */
  get inFlight(): number {
    return this.queued + this.sending;
  }

  /** Starts connecting; resolves at once (use `untilConnected()` to wait). */
  start(): void {
    this.connecting ??= this.connectLoop();
  }

  untilConnected(): Promise<void> {
    this.start();
    return this.connecting!;
  }

  /**
   * Resolves once Kafka acknowledged the order. Rejects at once with KafkaUnavailableError when
   * Kafka is unavailable or `maxInFlight` orders are pending, later with it when the order is
   * withdrawn from the queue, and with OrderSendFailedError when its request failed for good.
   */
  submit(order: Order): Promise<void> {
    if (!this.available) return Promise.reject(this.unavailable());
    if (this.inFlight >= this.options.maxInFlight) {
      return Promise.reject(
        new KafkaUnavailableError(`${this.inFlight} orders are already waiting for Kafka (ORDERS_MAX_IN_FLIGHT ${this.options.maxInFlight}); the order was not sent`),
      );
    }
    const value = JSON.stringify(canonicalOrder(order) ?? orderSchema.parse(order));
    return new Promise<void>((resolve, reject) => {
      const entry: Queued = {
        order,
        value,
        bytes: Buffer.byteLength(value) + order.id.length,
        withdrawn: false,
        resolve,
        reject,
        timer: setTimeout(
          () => this.withdraw(entry, `Kafka at ${this.brokers.join(',')} did not take the order within ${this.options.queueTimeoutMs} ms; it was withdrawn and will not be sent`),
          this.options.queueTimeoutMs,
        ),
      };
      this.queue.push(entry);
      this.queued++;
      this.drain();
    });
  }

  /** Sends `orders` (simulator) and resolves once Kafka acknowledged them all; rejects at once while Kafka is unavailable. */
  async publish(orders: Order[]): Promise<void> {
    if (!this.available) throw this.unavailable();
    // canonical orders (every simulated one) are checked by hand, several times cheaper than zod
    const records = orders.map((o) => ({ key: o.id, value: canonicalOrder(o) ?? orderSchema.parse(o) }));
    await sendJson(this.producer, this.topic, records);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.withdrawQueued('orders-service is shutting down; the order was not sent');
    await this.producer.disconnect();
  }

  /** Sends the next batch when nothing is in flight (the producer sends one request at a time anyway). */
  private drain(): void {
    if (this.sending > 0 || this.queued === 0 || !this.available) return;
    const batch: Queued[] = [];
    let bytes = 0;
    let taken = 0;
    for (; taken < this.queue.length && batch.length < this.options.maxBatch; taken++) {
      const next = this.queue[taken]!;
      if (next.withdrawn) continue;
      if (batch.length > 0 && bytes + next.bytes > MAX_REQUEST_BYTES) break;
      clearTimeout(next.timer);
      batch.push(next);
      bytes += next.bytes;
    }
    this.queue.splice(0, taken);
    this.queued -= batch.length;
    this.sending = batch.length;
    this.stallTimer = setTimeout(() => this.stall(), this.options.stallMs);
    const messages = batch.map((e) => ({ key: e.order.id, value: e.value }));
    this.producer.sendBatch({ acks: -1, topicMessages: [{ topic: this.topic, messages }] }).then(
      () => {
        for (const e of batch) e.resolve();
        this.events.onBatch?.(batch.length);
      },
      (err: unknown) => {
        this.log.error({ err, orders: batch.length }, 'produce request failed for good; its orders may or may not be on the topic');
        for (const e of batch) e.reject(new OrderSendFailedError(`the send to Kafka failed after the order was handed over, so it may or may not be on the topic: ${(err as Error).message}`, err));
      },
    ).finally(() => {
      clearTimeout(this.stallTimer);
      this.sending = 0;
      if (this.stalled) {
        this.stalled = false;
        this.log.info({ orders: batch.length }, 'the stalled produce request completed; accepting orders again');
      }
      this.drain();
    });
  }

  private stall(): void {
    this.stalled = true;
    this.log.warn({ orders: this.sending, stallMs: this.options.stallMs }, 'produce request unanswered; refusing orders (503) until Kafka answers it');
    this.withdrawQueued(`Kafka at ${this.brokers.join(',')} has not answered the previous request for ${this.options.stallMs} ms; the order was withdrawn and will not be sent`);
  }

  private withdraw(entry: Queued, reason: string): void {
    if (entry.withdrawn) return;
    entry.withdrawn = true;
    clearTimeout(entry.timer);
    this.queued--;
    entry.reject(new KafkaUnavailableError(reason));
    if (this.queue.length > 2 * this.queued + 1000) this.queue = this.queue.filter((e) => !e.withdrawn);
  }

  private withdrawQueued(reason: string): void {
    const queue = this.queue;
    this.queue = [];
    for (const entry of queue) this.withdraw(entry, reason);
  }

  private unavailable(): KafkaUnavailableError {
    const why = !this.connected ? 'is not connected' : this.stalled ? `has not answered a produce request for over ${this.options.stallMs} ms` : 'is unreachable';
    return new KafkaUnavailableError(`Kafka at ${this.brokers.join(',')} ${why}; the order was not sent`);
  }

  private async connectLoop(): Promise<void> {
    await retryUntilDone(
      async () => {
        // Not the CONNECT event: kafkajs emits it before the idempotent producer has its producer
        // id, and a send in that window fails inside kafkajs.
        await this.producer.connect();
        this.connected = true;
        this.log.info({ brokers: this.brokers }, 'connected to Kafka');
        this.drain();
      },
      {
        stepMs: 500,
        keepGoing: () => !this.stopped,
        onFailure: (err, retryInMs) =>
          this.log.warn(
            { err, brokers: this.brokers, retryInMs },
            'cannot reach Kafka; is the stack up (npm run stack:status) and KAFKA_BROKERS right? retrying',
          ),
      },
    );
  }
}
