import { createLogger, createMetricsRegistry } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { createOrdersHttpApp } from '../src/http-app.js';
import { createOrdersServiceMetrics } from '../src/metrics.js';
import { OrderPublisher } from '../src/order-publisher.js';
import { fakeProducer } from './fake-producer.js';

async function appWith(mode: 'ack' | 'hang', connect = true) {
  const log = createLogger('test', 'silent');
  const { producer, sent } = fakeProducer(mode);
  const publisher = new OrderPublisher(producer, 'orders', ['127.0.0.1:1'], log);
  if (connect) await publisher.untilConnected();
  const registry = createMetricsRegistry('orders-service-test');
  const app = createOrdersHttpApp({
    publisher,
    registry,
    metrics: createOrdersServiceMetrics(registry),
    readiness: [{ name: 'kafka', check: () => publisher.available }],
    bodyLimitBytes: 2048,
    sendTimeoutMs: 50,
    log,
  });
  const post = (body: string) => app.request('/orders', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { app, post, sent };
}

const order = {
  userId: 7,
  items: [{ productId: '3', quantity: 2, price: 60 }],
  deliveryLat: 12.9,
  deliveryLon: 77.6,
};

describe('POST /orders', () => {
  it('answers 202 with the server-assigned id after the send, key = id', async () => {
    const { post, sent } = await appWith('ack');
    const res = await post(JSON.stringify(order));
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent).toHaveLength(1);
    const message = sent[0]!.messages[0]!;
    expect(message.key).toBe(id);
    expect(JSON.parse(message.value)).toMatchObject({ id, price: 120, status: 'PLACED_ORDER' });
  });

  it('answers 400 naming the invalid field', async () => {
    const { post, sent } = await appWith('ack');
    const res = await post(JSON.stringify({ ...order, items: [{ productId: '3', quantity: 0, price: 60 }] }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; fields: { path: string }[] };
    expect(body.error).toContain('items.0.quantity');
    expect(body.fields[0]!.path).toBe('items.0.quantity');
    expect(sent).toHaveLength(0);
  });

  it('answers 400 for malformed JSON', async () => {
    const { post } = await appWith('ack');
    const res = await post('{"userId":');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/not valid JSON/);
  });

  it('answers 413 past the body limit', async () => {
    const { post } = await appWith('ack');
    expect((await post(JSON.stringify({ ...order, padding: 'x'.repeat(4096) }))).status).toBe(413);
  });

  it('answers 503 while Kafka is not connected, and when it does not acknowledge in time', async () => {
    const down = await appWith('ack', false);
    expect((await down.post(JSON.stringify(order))).status).toBe(503);
    const hanging = await appWith('hang');
    const res = await hanging.post(JSON.stringify(order));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
  });

  it('serves readiness and metrics', async () => {
    const { app, post } = await appWith('ack');
    await post('nope');
    expect((await app.request('/readyz')).status).toBe(200);
    expect(await (await app.request('/metrics')).text()).toMatch(/orders_http_rejected_total\{status="400",component="orders-service-test"\} 1/);
  });
});
