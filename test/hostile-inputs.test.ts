// Hostile HTTP inputs against orders-service's POST /orders and pizzashop-api, in process: each gets
// its stated answer and nothing reaches Kafka or Pinot.
import { DEFAULT_INGEST_RULES } from '@pizzashop/common';
import { afterEach, describe, expect, it } from 'vitest';
import { ordersServiceEnvSchema } from '@pizzashop/orders-service';
import { ingestApp } from '@pizzashop/orders-service/test-support';
import { mockedApi, standardAnswers } from '@pizzashop/pizzashop-api/test-support';

/**
 * Hostile HTTP inputs from the catalogue in docs/reliability.md that the services' own tests do
 * not cover yet. Each case states the outcome a client sees and that nothing reaches Kafka or Pinot
 * when the input is refused.
 */

let apps: Awaited<ReturnType<typeof ingestApp>>[] = [];
afterEach(() => {
  for (const app of apps) app.stop();
  apps = [];
});

/** The orders-service HTTP app with its default body limit and ingest rules, over a recording producer and a fake catalogue. */
async function ordersApp(o: Parameters<typeof ingestApp>[0] = {}) {
  const defaults = ordersServiceEnvSchema.parse({});
  const app = await ingestApp({ bodyLimitBytes: defaults.ORDERS_BODY_LIMIT_BYTES, rules: DEFAULT_INGEST_RULES, ...o });
  apps.push(app);
  return { ...app, post: (body: string, contentType: string | null = 'application/json') => app.post(body, contentType), limit: defaults.ORDERS_BODY_LIMIT_BYTES };
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

  it('answers 422 for an injection string as productId: it is not in the catalogue (looked up in memory, never interpolated)', async () => {
    const { post, sent } = await ordersApp();
    const productId = "3' OR '1'='1";
    const res = await post(JSON.stringify({ ...order, items: [{ productId, quantity: 1, price: 60 }] }));
    expect(res.status).toBe(422);
    expect(((await res.json()) as Rejection).error).toBe(`order refused: items.0.productId: product ${productId} is not in the catalogue`);
    expect(sent).toEqual([]);
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

describe('orders-service POST /orders: orders the catalogue or the ingest rules refuse', () => {
  const upperId = '0B7D3A5E-2F6C-4C1E-9B43-7D1F2A6E8C91';

  it.each([
    ['a quantity of 1,000,000,000', { ...order, items: [{ productId: '3', quantity: 1_000_000_000 }] }, 'items.0.quantity', 'must be at most 20 per item'],
    ['21 items', { ...order, items: Array.from({ length: 21 }, (_, i) => ({ productId: String(i + 1), quantity: 1 })) }, 'items', 'an order has at most 20 items (one per product)'],
    ['the same product twice', { ...order, items: [{ productId: '3', quantity: 1 }, { productId: '3', quantity: 1 }] }, 'items.1.productId', 'product 3 is already in items.0; send one line per product with the total quantity'],
    ['a userId past the safe integers', { ...order, userId: 1e20 }, 'userId', 'Too big: expected int to be <=9007199254740991'],
    ['a 65-character productId', { ...order, items: [{ productId: 'x'.repeat(65), quantity: 1 }] }, 'items.0.productId', 'must be at most 64 characters'],
    ['a 600-character status (past Pinot\'s 512)', { ...order, status: 'x'.repeat(600) }, 'status', 'must be at most 64 characters'],
    ['a createdAt with 60 fraction digits', { ...order, createdAt: `2026-11-25T13:37:00.${'9'.repeat(60)}Z` }, 'createdAt', 'must be at most 64 characters'],
  ])('answers 400 naming the field, sends nothing: %s', async (_case, body, path, message) => {
    const { post, sent } = await ordersApp();
    const res = await post(JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Rejection).fields).toContainEqual({ path, message });
    expect(sent).toEqual([]);
  });

  it.each([
    ['in the year 2999', '2999-01-01T00:00:00.000Z'],
    ['in 1970', '1970-01-01T00:00:00.000Z'],
  ])('answers 400 naming createdAt and the window for a createdAt %s, sends nothing', async (_case, createdAt) => {
    const { post, sent } = await ordersApp();
    const res = await post(JSON.stringify({ ...order, createdAt }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Rejection).error).toMatch(/^invalid order: createdAt: must be at most 5 min ahead of and 7 days behind the server clock .*; got /);
    expect(sent).toEqual([]);
  });

  it('answers 409 naming the item and its current price for a forged price with a matching total, sends nothing', async () => {
    const { post, sent } = await ordersApp();
    const res = await post(JSON.stringify({ ...order, items: [{ productId: '2', quantity: 1, price: 1 }], price: 1 }));
    expect(res.status).toBe(409);
    expect(((await res.json()) as Rejection).error).toBe('prices changed (send the current prices, or none): items.0.price: product 2 costs 399 now, not 1; price: the order costs 399 now, not 1');
    expect(sent).toEqual([]);
  });

  it.each([
    ['an unknown product id', { ...order, items: [{ productId: '424242', quantity: 1 }] }, 'items.0.productId: product 424242 is not in the catalogue'],
    ['a user id that does not exist', { ...order, userId: 424_242 }, 'userId: user 424242 does not exist'],
    ['a delivery point on another continent', { ...order, deliveryLat: 51.5, deliveryLon: -0.12 }, 'deliveryLat,deliveryLon: (51.5, -0.12) is outside the service area (within 25 km of the shop at (12.975, 77.625)): 8036 km away'],
  ])('answers 422 naming it, sends nothing: %s', async (_case, body, message) => {
    const { post, sent } = await ordersApp();
    const res = await post(JSON.stringify(body));
    expect(res.status).toBe(422);
    expect(((await res.json()) as Rejection).error).toBe(`order refused: ${message}`);
    expect(sent).toEqual([]);
  });

  it('stores an uppercase order id lowercase (so GET /orders/{id} of the API finds it)', async () => {
    const { post, sent } = await ordersApp();
    const res = await post(JSON.stringify({ ...order, id: upperId }));
    expect(res.status).toBe(202);
    expect(sent[0]!.messages[0]!.key).toBe(upperId.toLowerCase());
    expect(JSON.parse(sent[0]!.messages[0]!.value)).toMatchObject({ id: upperId.toLowerCase() });
  });

  it('answers 503 at once while the broker is unreachable, and never sends the order later', async () => {
    const { post, sent, watch } = await ordersApp({ reachable: false });
    const t0 = performance.now();
    const res = await post(JSON.stringify({ ...order, id: upperId }));
    expect(performance.now() - t0).toBeLessThan(200);
    expect(res.status).toBe(503);
    watch.set(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(sent).toEqual([]);
  });

  it('answers 503 at once when the in-flight bound is reached (a flood while Kafka is slow), naming the bound', async () => {
    const { post } = await ordersApp({ mode: 'hang', publisher: { maxInFlight: 3 } });
    const pending = Array.from({ length: 3 }, () => post(JSON.stringify(order)));
    await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    const res = await post(JSON.stringify(order));
    expect(performance.now() - t0).toBeLessThan(200);
    expect(res.status).toBe(503);
    expect(((await res.json()) as Rejection).error).toContain('3 orders are already waiting for Kafka (ORDERS_MAX_IN_FLIGHT 3); the order was not sent');
    void pending;
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
