import { canonicalOrder, orderSchema, retryUntilDone, sendJson, type Logger, type Order } from '@pizzashop/common';
import type { Producer } from 'kafkajs';

export class KafkaUnavailableError extends Error {}

/**
 * Publishes orders to the `orders` topic (key = order id) with the idempotent producer. Connects
 * in the background and keeps retrying, so the service starts and answers 503 while Kafka is
 * down. Every order is validated against the contract before it is sent.
 */
export class OrderPublisher {
  private connected = false;
  private stopped = false;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly brokers: string[],
    private readonly log: Logger,
  ) {
    producer.on(producer.events.CONNECT, () => {
      this.connected = true;
    });
    producer.on(producer.events.DISCONNECT, () => {
      this.connected = false;
    });
  }

  get available(): boolean {
    return this.connected;
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
   * Resolves once Kafka acknowledged every order (acks from all in-sync replicas); rejects with
   * KafkaUnavailableError at once while Kafka is not connected.
   */
  async publish(orders: Order[]): Promise<void> {
    if (!this.connected) throw new KafkaUnavailableError(`Kafka at ${this.brokers.join(',')} is not connected`);
    // canonical orders (every simulated one) are checked by hand, several times cheaper than zod
    const records = orders.map((o) => ({ key: o.id, value: canonicalOrder(o) ?? orderSchema.parse(o) }));
    await sendJson(this.producer, this.topic, records);
  }

  /**
   * Waits for `ack` (a `publish`) up to `timeoutMs`, then rejects with KafkaUnavailableError. The
   * send itself goes on: the producer may still deliver those orders later.
   */
  async acknowledgedWithin(ack: Promise<void>, timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new KafkaUnavailableError(`Kafka at ${this.brokers.join(',')} did not acknowledge within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([ack, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.producer.disconnect();
  }

  private async connectLoop(): Promise<void> {
    await retryUntilDone(
      async () => {
        await this.producer.connect();
        this.log.info({ brokers: this.brokers }, 'connected to Kafka');
      },
      {
        stepMs: 500,
        keepGoing: () => !this.stopped,
        onFailure: (err, retryInMs) =>
          this.log.warn(
            { err: (err as Error).message, brokers: this.brokers, retryInMs },
            'cannot reach Kafka; is the stack up (npm run stack:status) and KAFKA_BROKERS right? retrying',
          ),
      },
    );
  }
}
