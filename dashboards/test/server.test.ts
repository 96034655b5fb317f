// Unit tests of the dashboard server against a stand-in pizzashop-api: page, ops routes and proxy.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync } from 'node:zlib';
import { createLogger } from '@pizzashop/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardServer, type DashboardServer } from '../src/server/app.js';
import { dashboardEnvSchema } from '../src/server/config.js';
import { readWebAssets, type WebAsset } from '../src/server/static-assets.js';

/** A stand-in for pizzashop-api: JSON routes, a 503, and an SSE stream that sends two events. */
function stubApi(): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/orders/overview') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'r1' }).end(JSON.stringify({ echo: url.search }));
    } else if (url.pathname === '/orders/popular') {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'pinot_unavailable', message: 'Pinot down' }));
    } else if (url.pathname === '/orders/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('event: snapshot\ndata: {"n":1}\n\n');
      setTimeout(() => res.end('event: snapshot\ndata: {"n":2}\n\n'), 50);
    } else if (url.pathname === '/healthz') {
      res.writeHead(200).end('{"status":"ok"}');
    } else {
      res.writeHead(404).end();
    }
  });
}

const listenOn = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  const port = await listenOn(s);
  await new Promise((r) => s.close(r));
  return port;
}

const text = (s: string) => new TextEncoder().encode(s);
const assets: WebAsset[] = [
  { name: 'index.html', contents: text('<!doctype html><title>t</title>') },
  { name: 'app.js', contents: text(`console.log(${'1,'.repeat(500)}1)`) },
];
const log = createLogger('dashboard-test', 'silent');
const api = stubApi();
let apiPort: number;
let deadPort: number;
let dashboard: DashboardServer;
let cutOff: DashboardServer;

const config = (port: number) => dashboardEnvSchema.parse({ API_URL: `http://127.0.0.1:${port}/`, API_TIMEOUT_MS: '2000' });

beforeAll(async () => {
  apiPort = await listenOn(api);
  deadPort = await closedPort();
  dashboard = createDashboardServer(config(apiPort), assets, log);
  cutOff = createDashboardServer(config(deadPort), assets, log);
});

afterAll(async () => {
  await dashboard.stop();
  await cutOff.stop();
  await new Promise((r) => api.close(r));
});

describe('dashboard server', () => {
  it('reads API_URL without its trailing slash and refuses a non-http URL', () => {
    expect(config(8080).API_URL).toBe('http://127.0.0.1:8080');
    expect(dashboardEnvSchema.parse({})).toMatchObject({ API_URL: 'http://localhost:8080', DASHBOARD_HTTP_PORT: 8501, DASHBOARD_HTTP_HOST: '0.0.0.0' });
    expect(dashboardEnvSchema.safeParse({ API_URL: 'ftp://x' }).error?.issues[0]?.message).toMatch(/http\(s\) base URL of pizzashop-api/);
  });

  it('serves the page with a strict content security policy, and the ops endpoints', async () => {
    const page = await dashboard.app.request('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>t</title>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const js = await dashboard.app.request('/app.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-encoding')).toBe('br');
    const compressed = new Uint8Array(await js.arrayBuffer());
    expect(compressed.length).toBeLessThan(assets[1]!.contents.length / 10);
    expect(brotliDecompressSync(compressed).toString()).toBe(new TextDecoder().decode(assets[1]!.contents));
    const again = await dashboard.app.request('/app.js', { headers: { 'if-none-match': js.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect((await dashboard.app.request('/healthz')).status).toBe(200);
    expect(await (await dashboard.app.request('/readyz')).json()).toEqual({ status: 'ready', checks: [{ name: 'pizzashop-api', ok: true }] });
    expect((await cutOff.app.request('/readyz')).status).toBe(503);
    expect(await (await dashboard.app.request('/metrics')).text()).toContain('component="dashboard"');
    expect((await dashboard.app.request('/nothing-here')).status).toBe(404);
  });

  it('forwards the API routes the page reads, with their query and status', async () => {
    const ok = await dashboard.app.request('/api/orders/overview?window=5m');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBe('r1');
    expect(await ok.json()).toEqual({ echo: '?window=5m' });
    const pinot = await dashboard.app.request('/api/orders/popular?window=1h&limit=5');
    expect(pinot.status).toBe(503);
    expect(await pinot.json()).toEqual({ error: 'pinot_unavailable', message: 'Pinot down' });
  });

  it('forwards nothing else', async () => {
    const res = await dashboard.app.request('/api/metrics');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toMatch(/forwards only/);
  });

  it('streams server-sent events through as they come', async () => {
    const res = await dashboard.app.request('/api/orders/stream?window=1m');
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe('event: snapshot\ndata: {"n":1}\n\nevent: snapshot\ndata: {"n":2}\n\n');
  });

  it('answers 502 api_unreachable naming API_URL when the API does not listen', async () => {
    for (const path of ['/api/orders/overview', '/api/orders/stream']) {
      const res = await cutOff.app.request(path);
      expect(res.status).toBe(502);
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error).toBe('api_unreachable');
      expect(body.message).toContain(`http://127.0.0.1:${deadPort}`);
      expect(body.message).toContain('ECONNREFUSED');
    }
  });

  it('refuses to start without a built page, saying how to build it', async () => {
    await expect(readWebAssets('/nonexistent/dist/public')).rejects.toThrow(/no built page in \/nonexistent\/dist\/public: run "npm run build -w dashboards"/);
    expect(() => createDashboardServer(config(apiPort), assets.slice(1), log)).toThrow(/no index.html/);
  });
});
