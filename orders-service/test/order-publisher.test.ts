// Tests OrderPublisher's micro-batching and its limits (batch size, bytes, orders in flight) over a
// fake producer.
import { createLogger, type Order } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { KafkaUnavailableError, OrderPublisher, type OrderPublisherOptions } from '../src/order-publisher.js';
import { fakeProducer } from './fake-producer.js';
import { fakeWatch } from './ingest-app.js';

const log = createLogger('test', 'silent');

async function publisherWith(options: Partial<OrderPublisherOptions> = {}) {
  const { producer, sent, held } = fakeProducer('held');
  const watch = fakeWatch(true);
  const batches: number[] = [];
  const publisher = new OrderPublisher(
    producer,
    'orders',
    ['127.0.0.1:1'],
    watch,
    { maxInFlight: 1000, maxBatch: 500, queueTimeoutMs: 5000, stallMs: 60_000, ...options },
    log,
    { onBatch: (n) => batches.push(n) },
  );
  await publisher.untilConnected();
  return { publisher, sent, held, watch, batches };
}

let n = 0;
function anOrder(): Order {
  n++;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    createdAt: '2026-11-25T13:37:00.000Z',
    userId: 1,
    status: 'PLACED_ORDER',
    price: 60,
    items: [{ productId: '3', quantity: 1, price: 60 }],
    deliveryLat: 12.97,
    deliveryLon: 77.59,
  };
}

const settled = (p: Promise<unknown>) => p.then(() => 'acknowledged', (err: Error) => err);
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('OrderPublisher.submit (micro-batching)', () => {
  it('sends the first order alone and everything that queued meanwhile in one produce request', async () => {
    const { publisher, sent, held, batches } = await publisherWith();
    const first = publisher.submit(anOrder());
    const rest = Array.from({ length: 50 }, () => publisher.submit(anOrder()));
    expect(sent).toHaveLength(1);
    expect(publisher.inFlight).toBe(51);
    held[0]!.ack();
    await first;
    await tick();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.messages).toHaveLength(50);
    held[1]!.ack();
    await Promise.all(rest);
    expect(batches).toEqual([1, 50]);
    expect(publisher.inFlight).toBe(0);
  });

  it('caps a request at maxBatch orders (1 = one request per order)', async () => {
    const { publisher, sent, held } = await publisherWith({ maxBatch: 1 });
    const all = Array.from({ length: 3 }, () => publisher.submit(anOrder()));
    for (let i = 0; i < 3; i++) {
      while (held.length <= i) await tick();
      held[i]!.ack();
    }
    await Promise.all(all);
    expect(sent.map((s) => s.messages.length)).toEqual([1, 1, 1]);
  });

  it('caps a request at one request worth of bytes', async () => {
    const { publisher, sent, held } = await publisherWith();
    const big = (): Order => ({ ...anOrder(), status: 'x'.repeat(64), items: Array.from({ length: 20 }, (_, i) => ({ productId: `${'p'.repeat(60)}${i}`, quantity: 1, price: 1 })), price: 20 });
    const first = publisher.submit(anOrder());
    const rest = Array.from({ length: 400 }, () => publisher.submit(big()));
    held[0]!.ack();
    await first;
    while (held.length < 2) await tick();
    const bytes = sent[1]!.messages.reduce((sum, m) => sum + m.value.length + m.key.length, 0);
    expect(sent[1]!.messages.length).toBeLessThan(400);
    expect(bytes).toBeLessThanOrEqual(512 * 1024);
    for (let i = 1; held.length > i || publisher.inFlight > 0; i++) {
      while (held.length <= i) await tick();
      held[i]!.ack();
      await tick();
    }
    await Promise.all(rest);
  });

  it('refuses at once when maxInFlight orders are pending, naming the bound', async () => {
    const { publisher } = await publisherWith({ maxInFlight: 2 });
    void publisher.submit(anOrder());
    void publisher.submit(anOrder());
    const err = await settled(publisher.submit(anOrder()));
    expect(err).toBeInstanceOf(KafkaUnavailableError);
    expect((err as Error).message).toBe('2 orders are already waiting for Kafka (ORDERS_MAX_IN_FLIGHT 2); the order was not sent');
  });

  it('withdraws every queued order the moment the broker becomes unreachable, keeps the one in flight, sends nothing withdrawn later', async () => {
    const { publisher, sent, held, watch } = await publisherWith();
    const inFlight = publisher.submit(anOrder());
    const queued = Array.from({ length: 5 }, () => settled(publisher.submit(anOrder())));
    watch.set(false);
    for (const outcome of await Promise.all(queued)) {
      expect(outcome).toBeInstanceOf(KafkaUnavailableError);
      expect((outcome as Error).message).toMatch(/became unreachable before the order was sent; it was withdrawn and will not be sent/);
    }
    expect(await settled(publisher.submit(anOrder()))).toBeInstanceOf(KafkaUnavailableError);
    watch.set(true);
    held[0]!.ack();
    expect(await settled(inFlight)).toBe('acknowledged');
    await tick();
    expect(sent).toHaveLength(1);
    expect(publisher.inFlight).toBe(0);
  });

  it('refuses at once and withdraws what is queued while the request in flight is unanswered past stallMs, until it completes', async () => {
    const { publisher, sent, held } = await publisherWith({ stallMs: 30 });
    const inFlight = publisher.submit(anOrder());
    const queued = settled(publisher.submit(anOrder()));
    await new Promise((r) => setTimeout(r, 60));
    expect(publisher.available).toBe(false);
    expect(((await queued) as Error).message).toMatch(/has not answered the previous request for 30 ms; the order was withdrawn and will not be sent/);
    expect(((await settled(publisher.submit(anOrder()))) as Error).message).toMatch(/has not answered a produce request for over 30 ms; the order was not sent/);
    held[0]!.ack();
    expect(await settled(inFlight)).toBe('acknowledged');
    expect(publisher.available).toBe(true);
    const after = publisher.submit(anOrder());
    while (held.length < 2) await tick();
    held[1]!.ack();
    await after;
    expect(sent.map((s) => s.messages.length)).toEqual([1, 1]);
  });

  it('withdraws an order that waited past queueTimeoutMs, and the next request leaves it out', async () => {
    const { publisher, sent, held } = await publisherWith({ queueTimeoutMs: 30 });
    const inFlight = publisher.submit(anOrder());
    const late = settled(publisher.submit(anOrder()));
    await new Promise((r) => setTimeout(r, 60));
    const onTime = publisher.submit(anOrder());
    expect(await late).toBeInstanceOf(KafkaUnavailableError);
    held[0]!.ack();
    await inFlight;
    while (held.length < 2) await tick();
    expect(sent[1]!.messages.map((m) => m.key)).toEqual([sent[1]!.messages[0]!.key]);
    held[1]!.ack();
    await onTime;
    expect(sent.flatMap((s) => s.messages)).toHaveLength(2);
  });
});
