import { createLogger, createMetricsRegistry } from '@pizzashop/common';
import { afterEach, describe, expect, it } from 'vitest';
import { ordersServiceEnvSchema } from '../orders-service/src/config.js';
import { createOrdersHttpApp } from '../orders-service/src/http-app.js';
import { createOrdersServiceMetrics } from '../orders-service/src/metrics.js';
import { OrderPublisher } from '../orders-service/src/order-publisher.js';
import { fakeProducer } from '../orders-service/test/fake-producer.js';
import { mockedApi, standardAnswers } from '../pizzashop-api/test/support.js';

/**
 * Hostile HTTP inputs from the catalogue in docs/reliability.md that the services' own tests do
 * not cover yet. Each case states the outcome a client sees and that nothing reaches Kafka or Pinot
 * when the input is refused.
 */

/** The orders-service HTTP app with its default body limit, over a recording producer. */
async function ordersApp() {
  const log = createLogger('hostile-inputs', 'silent');
  const { producer, sent } = fakeProducer('ack');
  const publisher = new OrderPublisher(producer, 'orders', ['127.0.0.1:1'], log);
  await publisher.untilConnected();
  const registry = createMetricsRegistry('orders-service-hostile');
  const defaults = ordersServiceEnvSchema.parse({});
  const app = createOrdersHttpApp({
    publisher,
    registry,
    metrics: createOrdersServiceMetrics(registry),
    readiness: [],
    bodyLimitBytes: defaults.ORDERS_BODY_LIMIT_BYTES,
    sendTimeoutMs: 1000,
    dedupCapacity: defaults.ORDERS_DEDUP_CAPACITY,
    log,
  });
  /** `contentType: null` sends no Content-Type at all (a string body would get text/plain from fetch). */
  const post = (body: string, contentType: string | null = 'application/json') =>
    contentType === null
      ? app.request('/orders', { method: 'POST', body: new TextEncoder().encode(body) })
      : app.request('/orders', { method: 'POST', body, headers: { 'content-type': contentType } });
  return { app, post, sent, limit: defaults.ORDERS_BODY_LIMIT_BYTES };
}

const order = { userId: 7, items: [{ productId: '3', quantity: 2, price: 60 }], deliveryLat: 12.9, deliveryLon: 77.6 };
type Rejection = { error: string; fields: { path: string }[] };

describe('orders-service POST /orders with hostile bodies', () => {
  it.each([
    ['wrong type: userId as a string', { ...order, userId: '7' }, 'userId'],
    ['wrong type: items as an object', { ...order, items: { productId: '3' } }, 'items'],
    ['missing field: no items', { userId: 7, deliveryLat: 12.9, deliveryLon: 77.6 }, 'items'],
    ['missing field: no delivery coordinates', { userId: 7, items: order.items }, 'deliveryLat'],
    ['empty items list', { ...order, items: [] }, 'items'],
    ['negative quantity', { ...order, items: [{ productId: '3', quantity: -2, price: 60 }] }, 'items.0.quantity'],
    ['fractional quantity', { ...order, items: [{ productId: '3', quantity: 1.5, price: 60 }] }, 'items.0.quantity'],
    ['negative item price', { ...order, items: [{ productId: '3', quantity: 1, price: -60 }] }, 'items.0.price'],
    ['order price that is not the sum of the items', { ...order, price: 1 }, 'price'],
    ['latitude out of range', { ...order, deliveryLat: 91 }, 'deliveryLat'],
    ['client id that is not a UUID (injection string)', { ...order, id: "x'; DROP TABLE orders; --" }, 'id'],
    ['JSON null', null, ''],
    ['JSON array', [order], ''],
  ])('answers 400 naming the field, sends nothing: %s', async (_case, body, field) => {
    const { post, sent } = await ordersApp();
    const res = await post(JSON.stringify(body));
    expect(res.status).toBe(400);
    const rejection = (await res.json()) as Rejection;
    expect(rejection.error).toMatch(/^invalid order: /);
    expect(rejection.fields.map((f) => f.path)).toContain(field);
    expect(sent).toEqual([]);
  });

  it.each([
    ['empty body', ''],
    ['truncated JSON', '{"userId": 7, "items": ['],
    ['binary bytes', '\u0000\uffff{'],
  ])('answers 400 "not valid JSON", sends nothing: %s', async (_case, body) => {
    const { post, sent } = await ordersApp();
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Rejection).error).toMatch(/^body is not valid JSON: /);
    expect(sent).toEqual([]);
  });

  it('answers 413 for 10,000 items (past the default 64 KiB limit), sends nothing', async () => {
    const { post, sent, limit } = await ordersApp();
    const items = Array.from({ length: 10_000 }, (_, i) => ({ productId: String(i + 1), quantity: 1, price: 1 }));
    const body = JSON.stringify({ ...order, items });
    expect(body.length).toBeGreaterThan(limit);
    const res = await post(body);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: `request body larger than ${limit} bytes` });
    expect(sent).toEqual([]);
  });

  it('answers 413 for a 5 MB body, sends nothing', async () => {
    const { post, sent } = await ordersApp();
    expect((await post(JSON.stringify({ ...order, padding: 'x'.repeat(5_000_000) }))).status).toBe(413);
    expect(sent).toEqual([]);
  });

  it.each([
    ['text/plain', JSON.stringify(order), 'text/plain'],
    ['no content type', JSON.stringify(order), null],
    ['a form-encoded body', 'userId=7&items=3', 'application/x-www-form-urlencoded'],
  ])('answers 415 for a body not declared JSON, sends nothing: %s', async (_case, body, contentType) => {
    const { post, sent } = await ordersApp();
    const res = await post(body, contentType);
    expect(res.status).toBe(415);
    expect(((await res.json()) as Rejection).error).toContain('expects Content-Type: application/json');
    expect(sent).toEqual([]);
  });

  it('accepts a JSON order declared application/json with a charset, or application/*+json (202)', async () => {
    const { post, sent } = await ordersApp();
    expect((await post(JSON.stringify(order), 'application/json; charset=UTF-8')).status).toBe(202);
    expect((await post(JSON.stringify(order), 'application/vnd.pizzashop.order+json')).status).toBe(202);
    expect(sent).toHaveLength(2);
  });

  it('finding: an injection string as productId is accepted as an opaque id and passed on verbatim (never interpolated)', async () => {
    const { post, sent } = await ordersApp();
    const productId = "3' OR '1'='1";
    const res = await post(JSON.stringify({ ...order, items: [{ productId, quantity: 1, price: 60 }] }));
    expect(res.status).toBe(202);
    expect(JSON.parse(sent[0]!.messages[0]!.value)).toMatchObject({ items: [{ productId, quantity: 1, price: 60 }] });
  });

  it('keeps unknown top-level keys out of the published order, including __proto__', async () => {
    const { post, sent } = await ordersApp();
    const res = await post(`{"__proto__":{"admin":true},"role":"admin",${JSON.stringify(order).slice(1)}`);
    expect(res.status).toBe(202);
    const published = JSON.parse(sent[0]!.messages[0]!.value) as Record<string, unknown>;
    expect(published).not.toHaveProperty('role');
    expect(Object.keys(published)).not.toContain('__proto__');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it.each([
    ['GET', '/orders', 'no route GET /orders'],
    ['GET', '/orders/../admin', 'no route GET /admin'],
    ['PUT', '/orders', 'no route PUT /orders'],
  ])('answers an unknown route with 404 JSON naming it, sends nothing: %s %s', async (method, path, message) => {
    const { app, sent } = await ordersApp();
    const res = await app.request(path, { method, body: method === 'GET' ? null : JSON.stringify(order), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found', message });
    expect(sent).toEqual([]);
  });
});

describe('pizzashop-api with hostile requests', () => {
  let current: ReturnType<typeof mockedApi> | undefined;
  const api = () => (current = mockedApi(standardAnswers));

  afterEach(async () => {
    await current?.service.stop();
    await current?.agent.close();
    current = undefined;
  });

  it.each(['/nope', '/orders/overview/extra', '/admin/../orders', '/orders/'])('answers 404 JSON naming the route for an unknown path: %s', async (path) => {
    const { request, sqls } = api();
    const res = await request(path);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found', message: expect.stringContaining('no route GET') });
    expect(sqls).toEqual([]);
  });

  it.each([
    ['a 10,000-character id', `/orders/${'a'.repeat(10_000)}`],
    ['a NUL byte in the id', '/orders/0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c9%00'],
    ['a URL-encoded quote in the id', '/orders/0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c9%27'],
    ['an encoded path traversal as id', '/orders/..%2F..%2Fetc%2Fpasswd'],
    ['a huge limit', `/orders/popular?limit=${'9'.repeat(400)}`],
    ['a negative minutes', '/orders/ordersPerMinute?minutes=-60'],
    ['a script tag as window', '/orders/overview?window=%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
  ])('answers 400 bad_request and never asks Pinot: %s', async (_case, path) => {
    const { request, sqls } = api();
    const res = await request(path);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('bad_request');
    expect(body.message).not.toContain('<script>');
    expect(sqls).toEqual([]);
  });

  it('ignores a request body and its content type on a GET (answers from Pinot as usual)', async () => {
    const { request } = api();
    const res = await request('/orders/overview', { method: 'GET', headers: { 'content-type': 'application/xml' } });
    expect(res.status).toBe(200);
  });

  it('refuses writes with 404 JSON whatever the content type', async () => {
    const { request, sqls } = api();
    for (const type of ['application/json', 'text/plain', 'multipart/form-data; boundary=x']) {
      const res = await request('/orders/overview', { method: 'PUT', body: '{"totalOrders":0}', headers: { 'content-type': type } });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: 'not_found' });
    }
    expect(sqls).toEqual([]);
  });
});
