import { createLogger, createMetricsRegistry } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { createOrdersHttpApp } from '../src/http-app.js';
import { createOrdersServiceMetrics } from '../src/metrics.js';
import { OrderPublisher } from '../src/order-publisher.js';
import { fakeProducer } from './fake-producer.js';

async function appWith(mode: 'ack' | 'hang' | 'held', connect = true, sendTimeoutMs = 50) {
  const log = createLogger('test', 'silent');
  const { producer, sent, held } = fakeProducer(mode);
  const publisher = new OrderPublisher(producer, 'orders', ['127.0.0.1:1'], log);
  if (connect) await publisher.untilConnected();
  const registry = createMetricsRegistry('orders-service-test');
  const metrics = createOrdersServiceMetrics(registry);
  const app = createOrdersHttpApp({
    publisher,
    registry,
    metrics,
    readiness: [{ name: 'kafka', check: () => publisher.available }],
    bodyLimitBytes: 2048,
    sendTimeoutMs,
    dedupCapacity: 100,
    log,
  });
  const post = (body: string) => app.request('/orders', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const duplicates = async (kind: 'in_flight' | 'acknowledged') =>
    (await metrics.httpOrderDuplicates.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;
  return { app, post, sent, held, duplicates };
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

  it('reports the id of an order answered 503, so a client that sent none can retry it', async () => {
    const { post } = await appWith('hang');
    const res = await post(JSON.stringify(order));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { id: string }).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves readiness and metrics', async () => {
    const { app, post } = await appWith('ack');
    await post('nope');
    expect((await app.request('/readyz')).status).toBe(200);
    expect(await (await app.request('/metrics')).text()).toMatch(/orders_http_rejected_total\{status="400",component="orders-service-test"\} 1/);
  });
});

describe('POST /orders retried with the same id', () => {
  const withId = JSON.stringify({ ...order, id: '0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c91' });
  const sendTimeoutMs = 300;

  it('answers 503 past the timeout, then a retry waits on the same pending send and gets 202 once it is acknowledged: one message', async () => {
    const { post, sent, held, duplicates } = await appWith('held', true, sendTimeoutMs);
    expect((await post(withId)).status).toBe(503);
    const retry = post(withId);
    while ((await duplicates('in_flight')) === 0) await new Promise((r) => setTimeout(r, 2));
    held[0]!.ack();
    const res = await retry;
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: '0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c91' });
    expect(sent).toHaveLength(1);
  });

  it('answers 503 again when the pending send is still not acknowledged within the timeout, without sending again', async () => {
    const { post, sent } = await appWith('held', true, sendTimeoutMs);
    expect((await post(withId)).status).toBe(503);
    expect((await post(withId)).status).toBe(503);
    expect(sent).toHaveLength(1);
  });

  it('answers a retry after the acknowledgement with 202 without sending again', async () => {
    const { post, sent, duplicates } = await appWith('ack');
    expect((await post(withId)).status).toBe(202);
    const res = await post(withId);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: '0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c91' });
    expect(sent).toHaveLength(1);
    expect(await duplicates('acknowledged')).toBe(1);
  });

  it('sends again when the earlier send failed', async () => {
    const { post, sent, held } = await appWith('held', true, sendTimeoutMs);
    const first = post(withId);
    while (held.length === 0) await new Promise((r) => setTimeout(r, 2));
    held[0]!.fail(new Error('broker refused the batch'));
    expect((await first).status).toBe(503);
    const retry = post(withId);
    while (held.length === 1) await new Promise((r) => setTimeout(r, 2));
    held[1]!.ack();
    expect((await retry).status).toBe(202);
    expect(sent).toHaveLength(2);
  });

  it('answers 409 for the same id with a different order, and sends nothing for it', async () => {
    const { post, sent } = await appWith('ack');
    expect((await post(withId)).status).toBe(202);
    const res = await post(JSON.stringify({ ...JSON.parse(withId), userId: 8 }));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toMatch(/already submitted with different content/);
    expect(sent).toHaveLength(1);
  });
});
