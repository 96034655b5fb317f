// Tests POST /orders in process: answers and status codes for valid, invalid, duplicate and refused orders.
import { afterEach, describe, expect, it } from 'vitest';
import { ingestApp, type IngestAppOptions } from './ingest-app.js';

let current: Awaited<ReturnType<typeof ingestApp>> | undefined;
async function appWith(o: IngestAppOptions = {}) {
  current = await ingestApp(o);
  return current;
}
afterEach(() => {
  current?.stop();
  current = undefined;
});

const order = {
  userId: 7,
  items: [{ productId: '3', quantity: 2, price: 60 }],
  deliveryLat: 12.9,
  deliveryLon: 77.6,
};
type Answer = { error: string; fields: { path: string; message: string; current?: number }[]; id?: string };

describe('POST /orders', () => {
  it('answers 202 with the priced order after the send, key = id', async () => {
    const { post, sent } = await appWith();
    const res = await post(order);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string };
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).toMatchObject({ price: 120, status: 'PLACED_ORDER', items: [{ productId: '3', quantity: 2, price: 60 }] });
    expect(sent).toHaveLength(1);
    const message = sent[0]!.messages[0]!;
    expect(message.key).toBe(body.id);
    expect(JSON.parse(message.value)).toEqual(body);
  });

  it('answers 400 naming the invalid field', async () => {
    const { post, sent } = await appWith();
    const res = await post({ ...order, items: [{ productId: '3', quantity: 0, price: 60 }] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Answer;
    expect(body.error).toContain('items.0.quantity');
    expect(body.fields[0]!.path).toBe('items.0.quantity');
    expect(sent).toHaveLength(0);
  });

  it('answers 400 for malformed JSON', async () => {
    const { post } = await appWith();
    const res = await post('{"userId":');
    expect(res.status).toBe(400);
    expect(((await res.json()) as Answer).error).toMatch(/not valid JSON/);
  });

  it('answers 413 past the body limit', async () => {
    const { post } = await appWith({ bodyLimitBytes: 2048 });
    expect((await post({ ...order, padding: 'x'.repeat(4096) })).status).toBe(413);
  });

  it('serves readiness, metrics and its OpenAPI document with the rules', async () => {
    const { app, post } = await appWith();
    await post('nope');
    expect((await app.request('/readyz')).status).toBe(200);
    expect(await (await app.request('/metrics')).text()).toMatch(/orders_http_rejected_total\{status="400",component="orders-service-test"\} 1/);
    const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, { post?: { description: string; responses: Record<string, unknown> } }> };
    const post_ = doc.paths['/orders']!.post!;
    expect(Object.keys(post_.responses)).toEqual(['202', '400', '409', '413', '415', '422', '500', '503']);
    expect(post_.description).toContain('quantity 1 to 20 per item');
    expect(post_.description).toContain('at most 5 min ahead of and 7 days behind');
    expect(post_.description).toContain('within 25 km of the shop at (12.975, 77.625)');
  });
});

describe('POST /orders: the server prices the order from the catalogue', () => {
  it('prices an order sent without prices and returns the priced order', async () => {
    const { post, published } = await appWith();
    const res = await post({ userId: 1, items: [{ productId: '1', quantity: 2 }, { productId: 2, quantity: 1 }], deliveryLat: 12.97, deliveryLon: 77.59 });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { price: number; items: unknown[] };
    expect(body.items).toEqual([
      { productId: '1', quantity: 2, price: 239 },
      { productId: '2', quantity: 1, price: 399 },
    ]);
    expect(body.price).toBe(877);
    expect(published()).toEqual([body]);
  });

  it('answers 409 naming the item and its current price for a forged item price (with a matching total), and sends nothing', async () => {
    const { post, sent } = await appWith();
    const res = await post({ ...order, items: [{ productId: '3', quantity: 2, price: 1 }], price: 2 });
    expect(res.status).toBe(409);
    const body = (await res.json()) as Answer;
    expect(body.error).toBe('prices changed (send the current prices, or none): items.0.price: product 3 costs 60 now, not 1; price: the order costs 120 now, not 2');
    expect(body.fields).toEqual([
      { path: 'items.0.price', message: 'product 3 costs 60 now, not 1', current: 60 },
      { path: 'price', message: 'the order costs 120 now, not 2', current: 120 },
    ]);
    expect(sent).toEqual([]);
  });

  it('answers 409 naming the total for a forged order price without item prices', async () => {
    const { post, sent } = await appWith();
    const res = await post({ ...order, items: [{ productId: '3', quantity: 2 }], price: 1 });
    expect(res.status).toBe(409);
    expect(((await res.json()) as Answer).fields).toEqual([{ path: 'price', message: 'the order costs 120 now, not 1', current: 120 }]);
    expect(sent).toEqual([]);
  });

  it('answers 422 naming every unknown product, and an unknown user', async () => {
    const { post, sent } = await appWith();
    const res = await post({ ...order, userId: 99_999, items: [{ productId: '3', quantity: 1 }, { productId: '999', quantity: 1 }, { productId: "3' OR '1'='1", quantity: 1 }] });
    expect(res.status).toBe(422);
    const body = (await res.json()) as Answer;
    expect(body.error).toBe(
      "order refused: items.1.productId: product 999 is not in the catalogue; items.2.productId: product 3' OR '1'='1 is not in the catalogue; userId: user 99999 does not exist",
    );
    expect(body.fields.map((f) => f.path)).toEqual(['items.1.productId', 'items.2.productId', 'userId']);
    expect(sent).toEqual([]);
  });

  it('answers 422 for a delivery point outside the service area, saying where the area is', async () => {
    const { post, sent } = await appWith();
    const res = await post({ ...order, deliveryLat: 28.61, deliveryLon: 77.21 });
    expect(res.status).toBe(422);
    expect(((await res.json()) as Answer).error).toBe(
      'order refused: deliveryLat,deliveryLon: (28.61, 77.21) is outside the service area (within 25 km of the shop at (12.975, 77.625)): 1739 km away',
    );
    expect(sent).toEqual([]);
  });

  it('reloads the catalogue on a miss: a product added and a price changed in MariaDB since the last load are seen at once', async () => {
    const { post, db, published } = await appWith();
    db.products.push({ id: '4', price: 150 });
    db.products[2] = { id: '3', price: 65 };
    const res = await post({ ...order, items: [{ productId: '4', quantity: 1 }, { productId: '3', quantity: 1, price: 65 }] });
    expect(res.status).toBe(202);
    expect(published()[0]).toMatchObject({ price: 215, items: [{ productId: '4', price: 150 }, { productId: '3', price: 65 }] });
  });

  it('shares one reload among many misses, at most one per interval, and still refuses unknown products', async () => {
    const { post, db } = await appWith({ missReloadMinIntervalMs: 300 });
    const before = db.queries;
    const t0 = performance.now();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post({ ...order, items: [{ productId: `missing-${i}`, quantity: 1 }] })));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(422));
    const elapsed = performance.now() - t0;
    const reloads = (db.queries - before) / 2;
    expect(reloads, 'reloads (two queries each)').toBeGreaterThanOrEqual(1);
    expect(reloads, `at most one reload per 300 ms in ${Math.round(elapsed)} ms`).toBeLessThanOrEqual(1 + Math.floor(elapsed / 300));
    expect(elapsed).toBeGreaterThanOrEqual(250);
  });

  it('answers a miss from a catalogue read after the request arrived, even right after another miss reloaded it', async () => {
    const { post, db } = await appWith({ missReloadMinIntervalMs: 200 });
    expect((await post({ ...order, items: [{ productId: '5', quantity: 1 }] })).status).toBe(422);
    db.products.push({ id: '5', price: 75 });
    const res = await post({ ...order, items: [{ productId: '5', quantity: 1 }] });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ price: 75 });
  });

  it('answers 503 when a miss cannot be checked because MariaDB is down (and an order it knows still goes through)', async () => {
    const { post, db, store } = await appWith();
    db.down = true;
    const res = await post({ ...order, items: [{ productId: '4', quantity: 1 }] });
    expect(res.status).toBe(503);
    expect(((await res.json()) as Answer).error).toMatch(/catalogue could not be reloaded to check this order: connect ECONNREFUSED/);
    expect(store.loaded).toBe(true);
    expect((await post(order)).status).toBe(202);
  });
});

describe('POST /orders: bounds and ingest rules', () => {
  it.each([
    ['quantity past the maximum', { ...order, items: [{ productId: '3', quantity: 21 }] }, 'items.0.quantity', 'must be at most 20 per item'],
    ['more items than allowed', { ...order, items: Array.from({ length: 21 }, (_, i) => ({ productId: String(i + 1), quantity: 1 })) }, 'items', 'an order has at most 20 items (one per product)'],
    [
      'the same product twice',
      { ...order, items: [{ productId: '3', quantity: 1 }, { productId: '1', quantity: 1 }, { productId: 3, quantity: 2 }] },
      'items.2.productId',
      'product 3 is already in items.0; send one line per product with the total quantity',
    ],
    ['a productId longer than 64 characters', { ...order, items: [{ productId: 'p'.repeat(65), quantity: 1 }] }, 'items.0.productId', 'must be at most 64 characters'],
    ['a status longer than 64 characters', { ...order, status: 's'.repeat(65) }, 'status', 'must be at most 64 characters'],
    ['a createdAt longer than 64 characters', { ...order, createdAt: `2026-11-25T13:37:00.${'1'.repeat(60)}Z` }, 'createdAt', 'must be at most 64 characters'],
  ])('answers 400 naming the field: %s', async (_case, body, path, message) => {
    const { post, sent } = await appWith();
    const res = await post(body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as Answer;
    expect(answer.fields).toContainEqual({ path, message });
    expect(answer.error).toContain(`${path}: ${message}`);
    expect(sent).toEqual([]);
  });

  it.each([
    ['10 min ahead', 10 * 60_000],
    ['8 days behind', -8 * 86_400_000],
    ['in the year 2999', Date.parse('2999-01-01T00:00:00.000Z') - Date.now()],
  ])('answers 400 naming createdAt and the window for a createdAt %s', async (_case, offsetMs) => {
    const { post, sent } = await appWith();
    const createdAt = new Date(Date.now() + offsetMs).toISOString();
    const res = await post({ ...order, createdAt });
    expect(res.status).toBe(400);
    const answer = (await res.json()) as Answer;
    expect(answer.fields.map((f) => f.path)).toEqual(['createdAt']);
    expect(answer.error).toMatch(
      new RegExp(`^invalid order: createdAt: must be at most 5 min ahead of and 7 days behind the server clock \\(\\S+\\): between \\S+ and \\S+; got ${createdAt.replace(/\./g, '\\.')}$`),
    );
    expect(sent).toEqual([]);
  });

  it('accepts a createdAt inside the window (4 min ahead, 6 days behind) as given', async () => {
    const { post, published } = await appWith();
    for (const offsetMs of [4 * 60_000, -6 * 86_400_000]) {
      const createdAt = new Date(Date.now() + offsetMs).toISOString();
      expect((await post({ ...order, createdAt })).status).toBe(202);
      expect(published().at(-1)!.createdAt).toBe(createdAt);
    }
  });

  it('lowercases an uppercase order id: published and answered lowercase, and a retry in either case is the same order', async () => {
    const { post, sent, duplicates } = await appWith();
    const upper = '0B7D3A5E-2F6C-4C1E-9B43-7D1F2A6E8C91';
    const res = await post({ ...order, id: upper });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { id: string }).id).toBe(upper.toLowerCase());
    expect(sent[0]!.messages[0]!.key).toBe(upper.toLowerCase());
    expect((await post({ ...order, id: upper.toLowerCase() })).status).toBe(202);
    expect(sent).toHaveLength(1);
    expect(await duplicates('acknowledged')).toBe(1);
  });
});

describe('POST /orders while Kafka is unavailable or slow', () => {
  it('answers 503 at once while the broker is unreachable, names it, sends nothing', async () => {
    const { post, sent } = await appWith({ reachable: false });
    const t0 = performance.now();
    const res = await post(order);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    const body = (await res.json()) as Answer;
    expect(body.error).toBe('order not accepted, not sent; retry with the same id: Kafka at 127.0.0.1:1 is unreachable; the order was not sent');
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent).toEqual([]);
  });

  it('answers 503 while the producer is not connected', async () => {
    const { post } = await appWith({ connect: false });
    expect(((await (await post(order)).json()) as Answer).error).toMatch(/Kafka at 127.0.0.1:1 is not connected/);
  });

  it('withdraws a queued order when its wait passes the send timeout (503), and never sends it', async () => {
    const { post, sent, held } = await appWith({ mode: 'held', publisher: { queueTimeoutMs: 100 } });
    const first = post(order);
    while (held.length === 0) await new Promise((r) => setTimeout(r, 2));
    const second = await post({ ...order, userId: 1 });
    expect(second.status).toBe(503);
    expect(((await second.json()) as Answer).error).toMatch(/did not take the order within 100 ms; it was withdrawn and will not be sent/);
    held[0]!.ack();
    expect((await first).status).toBe(202);
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.messages).toHaveLength(1);
  });

  it('keeps an order whose request is in flight past the timeout, and answers 202 once it is acknowledged (never 503 for a sent order)', async () => {
    const { post, held } = await appWith({ mode: 'held', publisher: { queueTimeoutMs: 50 } });
    let answered = false;
    const first = post(order).then((r) => ((answered = true), r));
    while (held.length === 0) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => setTimeout(r, 200));
    expect(answered).toBe(false);
    held[0]!.ack();
    expect((await first).status).toBe(202);
  });
});

describe('POST /orders retried with the same id', () => {
  const withId = { ...order, id: '0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c91' };

  it('a retry while the send is in flight waits on the same send and gets the same priced order: one message', async () => {
    const { post, sent, held, duplicates } = await appWith({ mode: 'held' });
    const first = post(withId);
    while (held.length === 0) await new Promise((r) => setTimeout(r, 2));
    const retry = post(withId);
    while ((await duplicates('in_flight')) === 0) await new Promise((r) => setTimeout(r, 2));
    held[0]!.ack();
    const [a, b] = await Promise.all([first, retry]);
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(await b.json()).toEqual(await a.json());
    expect(sent).toHaveLength(1);
  });

  it('answers a retry after the acknowledgement with 202 and the priced order, without sending again, whatever prices it carries', async () => {
    const { post, sent, duplicates } = await appWith();
    const first = await post(withId);
    expect(first.status).toBe(202);
    const firstBody = await first.json();
    const res = await post({ ...withId, items: [{ productId: '3', quantity: 2 }] });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual(firstBody);
    expect(sent).toHaveLength(1);
    expect(await duplicates('acknowledged')).toBe(1);
  });

  it('sends again when the earlier send was refused before it was sent (503)', async () => {
    const { post, sent, watch } = await appWith();
    watch.set(false);
    expect((await post(withId)).status).toBe(503);
    watch.set(true);
    expect((await post(withId)).status).toBe(202);
    expect(sent).toHaveLength(1);
  });

  it('prices again after a refusal: a 409 retried with the current prices is accepted', async () => {
    const { post, sent } = await appWith();
    expect((await post({ ...withId, items: [{ productId: '3', quantity: 2, price: 55 }] })).status).toBe(409);
    expect((await post(withId)).status).toBe(202);
    expect(sent).toHaveLength(1);
  });

  it('answers 500 naming the unknown outcome when the request failed for good after it was handed to Kafka', async () => {
    const { post, held } = await appWith({ mode: 'held' });
    const first = post(withId);
    while (held.length === 0) await new Promise((r) => setTimeout(r, 2));
    held[0]!.fail(new Error('broker refused the batch'));
    const res = await first;
    expect(res.status).toBe(500);
    expect(((await res.json()) as Answer).error).toMatch(/^order outcome unknown: the send to Kafka failed after the order was handed over, so it may or may not be on the topic: broker refused the batch/);
  });

  it('answers 409 for the same id with a different order, and sends nothing for it', async () => {
    const { post, sent } = await appWith();
    expect((await post(withId)).status).toBe(202);
    const res = await post({ ...withId, userId: 1 });
    expect(res.status).toBe(409);
    expect(((await res.json()) as Answer).error).toMatch(/already submitted with different content/);
    expect(sent).toHaveLength(1);
  });
});
