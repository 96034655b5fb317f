// Unit tests of notFoundAsJson: the 404 JSON answer, its hint and extra fields.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { notFoundAsJson } from '../src/http/not-found.js';

describe('notFoundAsJson', () => {
  it('answers 404 JSON naming the method and path', async () => {
    const app = new Hono().get('/known', (c) => c.text('ok'));
    app.notFound(notFoundAsJson());
    const res = await app.request('/unknown', { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: 'not_found', message: 'no route DELETE /unknown' });
  });

  it('appends the hint and the extra fields', async () => {
    const app = new Hono();
    app.notFound(notFoundAsJson({ hint: 'see /docs', fields: (c) => ({ requestId: c.req.header('x-request-id') }) }));
    const res = await app.request('/nope', { headers: { 'x-request-id': 'r1' } });
    expect(await res.json()).toEqual({ error: 'not_found', message: 'no route GET /nope; see /docs', requestId: 'r1' });
  });
});
