// A private pipeline for one test file: its own topics and group, an enricher and simulator on them,
// and producing orders.
import { randomUUID } from 'node:crypto';
import { createIdempotentProducer, infraEnv, orderTotal, type InfraConfig, type Order, type OrderItem } from '@pizzashop/common';
import type { Kafka } from 'kafkajs';
import { uniqueTopic } from './kafka.js';
import { startService, waitForHttpOk, type ServiceProcess } from './services.js';

/** Topics and group private to one test file. */
export function privateTopics() {
  return {
    ORDERS_TOPIC: uniqueTopic('orders'),
    ENRICHED_ORDER_ITEMS_TOPIC: uniqueTopic('enriched-order-items'),
    DEAD_LETTER_TOPIC: uniqueTopic('dead-letters'),
    ENRICHER_WAITING_TOPIC: uniqueTopic('enricher-waiting-items'),
    ENRICHER_GROUP_ID: uniqueTopic('enricher'),
  };
}
export type PrivateTopics = ReturnType<typeof privateTopics>;

export async function startEnricher(cfg: InfraConfig, topics: PrivateTopics, port: number, extra: Record<string, string> = {}): Promise<ServiceProcess> {
  const service = startService('enricher/src/main.ts', {
    ...infraEnv(cfg),
    ...topics,
    ENRICHER_HTTP_PORT: String(port),
    ENRICHER_HTTP_HOST: '127.0.0.1',
    ENRICHER_INSTANCE_ID: `it-${port}`,
    ...extra,
  });
  await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, 150000, service);
  return service;
}

/** Runs the simulator in bounded mode onto `topics.ORDERS_TOPIC`; resolves with its JSON result. */
export async function simulate(cfg: InfraConfig, topics: PrivateTopics, count: number, rate: string): Promise<{ orders: number; ordersPerSecond: number }> {
  const sim = startService('orders-service/src/main.ts', { ...infraEnv(cfg), ORDERS_TOPIC: topics.ORDERS_TOPIC, SIMULATOR_PROFILE: 'flat' }, ['--count', String(count), '--rate', rate]);
  const code = await sim.exited;
  if (code !== 0) throw new Error(`simulator exited with ${code}:\n${sim.output().slice(-4000)}`);
  const line = sim.output().split('\n').find((l) => l.includes('"benchmark":"orders-simulator"'));
  return JSON.parse(line!) as { orders: number; ordersPerSecond: number };
}

export function orderFor(items: OrderItem[]): Order {
  return {
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    userId: 1,
    status: 'PLACED_ORDER',
    price: orderTotal(items),
    items,
    deliveryLat: 12.97,
    deliveryLon: 77.59,
  };
}

/** Produces raw values (or orders) onto the orders topic, keyed by order id when there is one. */
export async function produce(kafka: Kafka, topic: string, values: (Order | string | Buffer)[]): Promise<void> {
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: values.map((v) =>
        typeof v === 'string' || Buffer.isBuffer(v) ? { key: null, value: v } : { key: v.id, value: JSON.stringify(v) },
      ),
    });
  } finally {
    await producer.disconnect();
  }
}
