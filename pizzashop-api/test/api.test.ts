// Tests the analytics endpoints against a mocked Pinot broker: answers, input validation, SQL safety
// and Pinot failures.
import { ORDER_STATUSES } from '@pizzashop/common';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { mockedApi, NOW, standardAnswers, type BrokerBehaviour, type PinotReply } from './support.js';

const ORDER_ID = '0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c90';
let current: ReturnType<typeof mockedApi> | undefined;

function api(answer: (sql: string) => PinotReply = standardAnswers, env: Record<string, string> = {}, broker: BrokerBehaviour = 'answers') {
  current = mockedApi(answer, env, broker);
  return current;
}

afterEach(async () => {
  await current?.service.stop();
  await current?.agent.close();
  current = undefined;
});

describe('GET /orders/overview', () => {
  it('answers in the reference shape with freshness, for the last minute by default', async () => {
    const { request, sqls } = api();
    const res = await request('/orders/overview');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      totalOrders: 17665,
      currentTimePeriod: { orders: 968, totalPrice: 4313950 },
      previousTimePeriod: { orders: 958, totalPrice: 4281751 },
      window: '1m',
      freshnessMs: 1500,
    });
    const periods = sqls.filter((s) => s.includes('periodTotal'));
    expect(periods).toEqual(
      expect.arrayContaining([expect.stringContaining("WHERE ts >= ago('PT1M') AND ts < now()"), expect.stringContaining("WHERE ts >= ago('PT2M') AND ts < ago('PT1M')")]),
    );
    const stats = sqls.find((s) => s.includes('newestTs'));
    expect(stats, 'freshness and the total ignore rows stamped in the future').toMatch(/MAX\(ts\) AS newestTs FROM \w+ WHERE ts <= now\(\)$/);
    expect(stats, 'no FILTER clause: it would scan every row of the table').not.toContain('FILTER');
  });

  it('uses the allow-listed window and an explicit end time', async () => {
    const { request, sqls } = api();
    const res = await request('/orders/overview?window=15m&at=2026-11-25T10:00:00Z');
    expect(res.status).toBe(200);
    const end = Date.UTC(2026, 10, 25, 10) / 60_000;
    expect(sqls).toEqual(
      expect.arrayContaining([expect.stringContaining(`tsMinute >= ${end - 15} AND tsMinute < ${end}`), expect.stringContaining(`tsMinute >= ${end - 30} AND tsMinute < ${end - 15}`)]),
    );
    expect(await res.json()).toMatchObject({ currentTimePeriod: { orders: 968 }, previousTimePeriod: { orders: 958 } });
  });

  it('reports freshness as null while Pinot holds no orders', async () => {
    const { request } = api((sql) => (sql.includes('MAX(ts)') ? { columns: ['t', 'n'], rows: [[0, '-Infinity']] } : { columns: ['o', 't'], rows: [[0, null]] }));
    const body = (await (await request('/orders/overview')).json()) as { freshnessMs: unknown; totalOrders: number };
    expect(body).toMatchObject({ totalOrders: 0, freshnessMs: null });
  });
});

describe('GET /orders/popular and /orders/ordersPerMinute', () => {
  it('returns items and categories with the requested limit, every limit cut from one set of queries per window', async () => {
    const { request, sqls } = api();
    const res = await request('/orders/popular?limit=1&window=5m');
    expect(await res.json()).toEqual({
      items: [{ product: 'Margherita', image: 'img/m.png', category: 'pizzas-veg', orders: 12, quantity: 30 }],
      categories: [{ category: 'pizzas-veg', orders: 40, quantity: 41 }],
    });
    const two = (await (await request('/orders/popular?limit=2&window=5m')).json()) as { items: Array<{ product: string }>; categories: unknown[] };
    expect(two.items.map((i) => i.product)).toEqual(['Margherita', 'Farmhouse']);
    expect(two.categories).toEqual([
      { category: 'pizzas-veg', orders: 40, quantity: 41 },
      { category: 'drinks', orders: 7, quantity: 14 },
    ]);
    expect(sqls).toHaveLength(2);
    expect(sqls.every((s) => s.endsWith('LIMIT 10000'))).toBe(true);
  });

  it('reads whole minutes from the per-minute rollup and the partial first minute of a window ending now from the items table', async () => {
    const { request, sqls } = api();
    await request('/orders/popular?window=5m');
    const minute = Math.floor(NOW / 60_000);
    expect(sqls.find((s) => s.includes('FROM order_items_by_minute'))).toContain(`WHERE tsMinute >= ${minute - 4} AND tsMinute < ${minute + 1}`);
    const edge = sqls.filter((s) => s.includes('FROM order_items_enriched'));
    expect(edge).toEqual([expect.stringContaining(`WHERE tsMinute = ${minute - 5} AND ts >= ago('PT5M') AND ts < ${(minute - 4) * 60_000}`)]);
    expect(edge[0]).toContain('SUM(firstOfCategory)');
    sqls.length = 0;
    await request('/orders/popular?window=1h&at=2026-11-25T10:00:00Z');
    const end = Date.UTC(2026, 10, 25, 10) / 60_000;
    expect(sqls).toEqual([expect.stringContaining(`FROM order_items_by_minute WHERE tsMinute >= ${end - 60} AND tsMinute < ${end}`)]);
  });

  it('zero-fills every minute, oldest first, in the reference timestamp format', async () => {
    const { request } = api();
    const rows = (await (await request('/orders/ordersPerMinute?minutes=5')).json()) as Array<{ timestamp: string; orders: number }>;
    expect(rows.map((r) => r.timestamp)).toEqual([
      '2026-11-25 13:33:00',
      '2026-11-25 13:34:00',
      '2026-11-25 13:35:00',
      '2026-11-25 13:36:00',
      '2026-11-25 13:37:00',
    ]);
    expect(rows[3]).toEqual({ timestamp: '2026-11-25 13:36:00', orders: 598, revenue: 2589579 });
    expect(rows[4]).toEqual({ timestamp: '2026-11-25 13:37:00', orders: 0, revenue: 0 });
  });
});

describe('GET /orders/{id}', () => {
  const orderAnswers = (sql: string): PinotReply => {
    if (sql.includes('FROM orders WHERE id =')) {
      return {
        columns: ['id'],
        rows: [[ORDER_ID, '2026-11-25T13:37:00.123Z', 416, 'PLACED_ORDER', 150, 12.98, 77.71, '[{"productId":"21","quantity":2,"price":45},{"productId":"3","quantity":1,"price":60}]']],
      };
    }
    if (sql.includes('WHERE orderId =')) return { columns: ['p'], rows: [['21', 'Margherita', 'pizzas-veg', 'img/m.png', 45]] };
    if (sql.includes('FROM order_statuses') && sql.includes('skipUpsert')) {
      return { columns: ['status', 'ts'], rows: ORDER_STATUSES.slice(0, 5).map((s, i) => [s, T0 + i * 1000]) };
    }
    if (sql.includes('FROM order_statuses')) return { columns: ['status', 'ts'], rows: [['OUT_FOR_DELIVERY', T0 + 4000]] };
    if (sql.includes('FROM delivery_statuses')) {
      return { columns: ['lat', 'lon', 'ts', 'status'], rows: [[12.975, 77.625, T0 + 4000, 'IN_TRANSIT'], [12.975, 77.655, T0 + 5000, 'IN_TRANSIT']] };
    }
    return { columns: [], rows: [] };
  };
  const T0 = Date.parse('2026-11-25T13:40:00.000Z');

  it('returns the order with each item joined to its product (null while not enriched)', async () => {
    const { request } = api(orderAnswers);
    const res = await request(`/orders/${ORDER_ID.toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: ORDER_ID,
      createdAt: '2026-11-25T13:37:00.123Z',
      userId: 416,
      status: 'PLACED_ORDER',
      price: 150,
      itemCount: 2,
      deliveryLat: 12.98,
      deliveryLon: 77.71,
      items: [
        { productId: '21', quantity: 2, price: 45, product: { name: 'Margherita', category: 'pizzas-veg', image: 'img/m.png', price: 45 } },
        { productId: '3', quantity: 1, price: 60, product: null },
      ],
      tracking: {
        status: 'OUT_FOR_DELIVERY',
        since: '2026-11-25T13:40:04.000Z',
        history: ORDER_STATUSES.slice(0, 5).map((status, i) => ({ status, at: new Date(T0 + i * 1000).toISOString() })),
        courier: { lat: 12.975, lon: 77.655, at: '2026-11-25T13:40:05.000Z', status: 'IN_TRANSIT' },
        track: [[12.975, 77.625], [12.975, 77.655]],
        // 3.3 km covered in the first second, 6 km left: about 1.8 s more.
        eta: expect.stringMatching(/^2026-11-25T13:40:06\.\d{3}Z$/),
        shop: { lat: 12.975, lon: 77.625 },
      },
    });
  });

  it('reuses an order\'s reads for ORDER_CACHE_TTL_MS only and never serves them stale: a new status or a new order shows at once after it', async () => {
    let stored = false;
    let status = 'BEING_COOKED';
    const { request, sqls } = api((sql) => {
      if (sql.includes('FROM orders WHERE id =') && !stored) return { columns: [], rows: [] };
      if (sql.includes('FROM order_statuses') && !sql.includes('skipUpsert')) return { columns: ['status', 'ts'], rows: [[status, T0 + 3000]] };
      return orderAnswers(sql);
    }, { ORDER_CACHE_TTL_MS: '150', QUERY_CACHE_TTL_MS: '60000' });
    expect((await request(`/orders/${ORDER_ID}`)).status).toBe(404);
    stored = true;
    expect((await request(`/orders/${ORDER_ID}`)).status, 'the "not found" is reused within the TTL').toBe(404);
    const readsWithinTtl = sqls.length;
    await new Promise((r) => setTimeout(r, 200));
    const found = await request(`/orders/${ORDER_ID}`);
    expect(found.status).toBe(200);
    expect(sqls.length).toBeGreaterThan(readsWithinTtl);
    expect(((await found.json()) as { tracking: { status: string } }).tracking.status).toBe('BEING_COOKED');
    status = 'OUT_FOR_DELIVERY';
    await new Promise((r) => setTimeout(r, 200));
    expect(((await (await request(`/orders/${ORDER_ID}`)).json()) as { tracking: { status: string } }).tracking.status).toBe('OUT_FOR_DELIVERY');
  });

  it('answers 404 for an unknown id', async () => {
    const { request } = api(() => ({ columns: [], rows: [] }));
    const res = await request(`/orders/${ORDER_ID}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });
});

describe('input validation and SQL safety', () => {
  const rejected = [
    "/orders/x' OR '1'='1",
    `/orders/${ORDER_ID}' OR '1'='1`,
    `/orders/${ORDER_ID};DROP TABLE orders`,
    '/orders/not-a-uuid',
    '/orders/overview?window=2m',
    "/orders/overview?window=1m' OR 1=1 --",
    '/orders/overview?at=yesterday',
    '/orders/overview?at=2999-01-01T00:00:00Z',
    "/orders/overview?at=2026-11-25T10:00:00Z' OR 1=1",
    '/orders/popular?limit=0',
    '/orders/popular?limit=51',
    '/orders/popular?limit=5;DROP',
    '/orders/popular?limit=2.5',
    '/orders/ordersPerMinute?minutes=4',
    '/orders/ordersPerMinute?minutes=1441',
    '/orders/ordersPerMinute?minutes=60)%20UNION',
    '/orders/stream?window=forever',
    '/orders/stream?limit=7',
    '/orders/stream?minutes=45',
  ];

  it.each(rejected)('answers 400 with the zod message and never asks Pinot: %s', async (path) => {
    const { request, sqls } = api();
    const res = await request(encodeURI(path).replaceAll('%2520', '%20'));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('bad_request');
    expect(body.message).toMatch(/^(id|window|at|limit|minutes): /);
    expect(sqls).toEqual([]);
  });
});

describe('Pinot failures', () => {
  it('maps a Pinot query exception to 502 JSON without stack trace', async () => {
    const { request } = api(() => ({
      exceptions: [{ errorCode: 200, message: 'QueryExecutionError:\njava.lang.NullPointerException\n\tat org.apache.pinot.core.X.y(X.java:1)' }],
    }));
    const res = await request('/orders/overview');
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ error: 'pinot_query_failed' });
    expect(text).not.toContain('org.apache');
    expect(text).not.toContain('at ');
  });

  it('maps connection refused to 503 with a message for the user and the request id; the broker address stays in the log', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    current = mockedApi(standardAnswers, {}, 'refuses', log);
    const res = await current.request('/orders/popular', { headers: { 'x-request-id': 'req-503' } });
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: 'pinot_unavailable', message: expect.stringContaining('retry in a few seconds'), requestId: 'req-503' });
    expect(text).not.toMatch(/ECONNREFUSED|pinot-broker\.test|8099/);
    const logged = lines.map((l) => JSON.parse(l) as { requestId?: string; err?: { message?: string; stack?: string } }).find((l) => l.requestId === 'req-503');
    expect(logged?.err?.message).toMatch(/ECONNREFUSED.*pinot-broker\.test:8099|pinot-broker\.test:8099.*ECONNREFUSED/);
  });

  it('maps a query timeout to 503', async () => {
    const { request } = api(standardAnswers, { PINOT_QUERY_TIMEOUT_MS: '200' }, 'hangs');
    const started = Date.now();
    const res = await request('/orders/ordersPerMinute');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'pinot_unavailable', requestId: expect.any(String) });
  });

  it('reports an unreachable broker on /readyz', async () => {
    const { request } = api();
    const res = await request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: [{ name: 'pinot-broker', ok: false }] });
  });
});

describe('response cache', () => {
  it('answers If-None-Match with 304 and no body while the answer is unchanged', async () => {
    const { request, sqls } = api();
    const first = await request('/orders/overview');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await request('/orders/overview', { headers: { 'if-none-match': etag as string } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect((await request('/orders/overview', { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
    expect(sqls).toHaveLength(3);
  });

  it('rounds `at` down to the minute, so every `at` within one minute shares one answer', async () => {
    const { request, sqls } = api();
    const a = await request('/orders/overview?window=5m&at=2026-11-25T10:00:05Z');
    const b = await request('/orders/overview?window=5m&at=2026-11-25T10:00:59.999Z');
    expect(await a.text()).toBe(await b.text());
    expect(sqls).toHaveLength(3);
    expect(sqls.some((s) => s.includes('periodTotal') && s.endsWith(`tsMinute < ${Date.UTC(2026, 10, 25, 10) / 60_000}`))).toBe(true);
  });

  it('serves a burst of identical requests with one Pinot call per query', async () => {
    const { request, sqls } = api();
    const responses = await Promise.all(Array.from({ length: 50 }, () => request('/orders/overview')));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(sqls).toHaveLength(3);
  });

  it('sends every request to Pinot when switched off', async () => {
    const { request, sqls } = api(standardAnswers, { QUERY_CACHE_TTL_MS: '0' });
    await Promise.all(Array.from({ length: 10 }, () => request('/orders/overview')));
    expect(sqls).toHaveLength(30);
  });
});

describe('cross-cutting', () => {
  it('allows the dashboard origin only, sets security headers and a request id', async () => {
    const { request } = api();
    const allowed = await request('/orders/overview', { headers: { origin: 'http://localhost:8501', 'x-request-id': 'dash-1' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:8501');
    expect(allowed.headers.get('x-request-id')).toBe('dash-1');
    expect(allowed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(allowed.headers.get('vary')).toBe('Origin');
    const other = await request('/orders/overview', { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await request('/orders/overview', { method: 'OPTIONS', headers: { origin: 'http://localhost:8501', 'access-control-request-method': 'GET' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,OPTIONS');
    const page = await request('/docs');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(page.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await request(`/orders/${ORDER_ID}`);
    expect(missing.headers.get('x-request-id')).toBe(((await missing.json()) as { requestId: string }).requestId);
    expect(missing.headers.get('strict-transport-security')).toContain('max-age');
  });

  it('is read-only', async () => {
    const { request } = api();
    expect((await request('/orders/overview', { method: 'POST' })).status).toBe(404);
    expect((await request('/orders', { method: 'DELETE' })).status).toBe(404);
  });

  it('exports request and Pinot metrics per route and query', async () => {
    const { request } = api();
    await request('/orders/overview');
    const text = await (await request('/metrics')).text();
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/orders\/overview"/);
    expect(text).toMatch(/pinot_query_duration_seconds_count\{[^}]*query="overview-current"[^}]*outcome="ok"/);
    expect(text).toMatch(/pinot_query_time_used_seconds_count\{[^}]*query="table-stats"/);
  });

  it('serves an OpenAPI document built from the zod schemas and a docs page', async () => {
    const { request } = api();
    const doc = (await (await request('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/orders/overview', '/orders/popular', '/orders/ordersPerMinute', '/orders/{id}', '/orders/stream']),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Overview', 'Popular', 'OrdersPerMinute', 'OrderDetail', 'Error', 'Order', 'EnrichedOrderItem', 'DeadLetter']),
    );
    const html = await (await request('/docs')).text();
    expect(html).toContain('/orders/ordersPerMinute');
    expect(html).not.toMatch(/<script|https?:\/\/(?!localhost)/);
  });
});

describe('order lifecycle routes', () => {
  it('GET /orders/stuck reads the upsert view with the status and the age asked for', async () => {
    const seen: string[] = [];
    const { request } = api((sql) => {
      seen.push(sql);
      return { columns: ['id', 'status', 'ts'], rows: [[ORDER_ID, 'BEING_COOKED', NOW - 20 * 60_000]] };
    });
    const res = await request('/orders/stuck?status=BEING_COOKED&minutes=10');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { orders: { id: string; minutesInStatus: number }[] };
    expect(body.orders[0]).toMatchObject({ id: ORDER_ID, status: 'BEING_COOKED', minutesInStatus: 20 });
    expect(seen.some((s) => s.includes("status = 'BEING_COOKED'") && !s.includes('skipUpsert'))).toBe(true);
  });

  it('answers 400 with the zod message for a bad status, radius or window', async () => {
    const { request } = api(() => ({ columns: [], rows: [] }));
    for (const path of ['/orders/stuck?status=DELIVERED', '/orders/stuck?minutes=0', '/deliveries/active?lat=91', '/deliveries/active?lat=12.9&lon=77.6&km=500', '/orders/statuses?window=2m']) {
      const res = await request(path);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('bad_request');
    }
  });

  it('GET /deliveries/active filters with ST_Distance(location, literal point), the form the H3 index answers', async () => {
    const seen: string[] = [];
    const { request } = api((sql) => {
      seen.push(sql);
      return { columns: ['id', 'lat', 'lon', 'ts'], rows: [[ORDER_ID, 12.98, 77.63, NOW]] };
    });
    const res = await request('/deliveries/active?lat=12.975&lon=77.625&km=3');
    expect(res.status).toBe(200);
    expect(seen.join('\n')).toContain('ST_Distance(location, ST_Point(77.625, 12.975, 1)) < 3000');
  });
});
