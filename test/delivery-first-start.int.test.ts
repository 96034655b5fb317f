// An order sent before the delivery-service's consumer group exists (its first start) still gets its
// whole lifecycle: a new group starts DELIVERY_NEW_GROUP_LOOKBACK_MS before the start, not at the end.
import { randomUUID } from 'node:crypto';
import { createIdempotentProducer, createKafkaClient, createLogger, infraEnvSchema, loadConfig, sendJson } from '@pizzashop/common';
import { buildOrder, testPort } from '@pizzashop/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { DeliveryUnderDrill } from '../drills/delivery-kill.js';

const PRODUCT = { id: 'first-start-product', name: 'first start', description: 'delivery first start', category: 'test', image: '/x.jpg', price: 500 };

describe('delivery-service first start', () => {
  const cfg = loadConfig(infraEnvSchema, process.env, 'delivery first start');
  const log = createLogger('delivery-first-start', 'warn');
  const delivery = new DeliveryUnderDrill(cfg, testPort('delivery-first-start-it.delivery'), log);
  afterAll(() => delivery.cleanup());

  it('takes in an order sent before its consumer group existed and walks it to DELIVERED, each status once', async () => {
    const kafka = createKafkaClient({ brokers: cfg.KAFKA_BROKERS, clientId: 'delivery-first-start', log });
    const producer = createIdempotentProducer(kafka);
    await producer.connect();
    const { order } = buildOrder(randomUUID(), Date.now(), 1, [{ product: PRODUCT, quantity: 1 }]);
    await sendJson(producer, cfg.ORDERS_TOPIC, [{ key: order.id, value: order }]);
    await producer.disconnect();

    await delivery.start();
    const ids = new Set([order.id]);
    expect(await delivery.untilDelivered(ids, Date.now() + 120_000)).toBe(1);
    expect(await delivery.check(ids)).toEqual({ delivered: 1, wrongHistories: 0, duplicateStatuses: 0, duplicateDeliveredPositions: 0 });
  }, 420_000);
});
