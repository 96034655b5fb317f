// The dashboard's HTTP server: the built page, /api forwarded to pizzashop-api, and the ops endpoints.
import type { ServerType } from '@hono/node-server';
import { closeServer, createMetricsRegistry, listen, opsRoutes, type Logger } from '@pizzashop/common';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { apiProxy } from './api-proxy.js';
import type { DashboardConfig } from './config.js';
import { serveWebAssets, type WebAsset } from './static-assets.js';

export interface DashboardServer {
  app: Hono;
  start(): Promise<ServerType>;
  stop(): Promise<void>;
}

/** True when pizzashop-api answers its /healthz (backs the dashboard's /readyz). */
async function apiAlive(apiUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${apiUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * The dashboard's HTTP server: the built page (from memory), `/api/*` forwarded to pizzashop-api,
 * and the ops endpoints (/healthz, /readyz = the API answers, /metrics).
 */
export function createDashboardServer(config: DashboardConfig, assets: WebAsset[], log: Logger): DashboardServer {
  const page = serveWebAssets(assets);
  const registry = createMetricsRegistry('dashboard');
  const app = new Hono();
  app.use(
    secureHeaders({
      strictTransportSecurity: false,
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  app.route('/', opsRoutes(registry, [{ name: 'pizzashop-api', check: () => apiAlive(config.API_URL) }]));
  const proxy = apiProxy({ apiUrl: config.API_URL, timeoutMs: config.API_TIMEOUT_MS, registry, log });
  app.route('/api', proxy.app);
  app.get('/*', page);
  app.notFound((c) => c.json({ error: 'not_found', message: `no page or route ${c.req.path}; the dashboard is at /` }, 404));

  let server: ServerType | undefined;
  return {
    app,
    async start() {
      server = await listen(app, config.DASHBOARD_HTTP_PORT, config.DASHBOARD_HTTP_HOST, log);
      return server;
    },
    async stop() {
      if (server) {
        const closed = closeServer(server);
        if ('closeAllConnections' in server) server.closeAllConnections();
        await closed;
      }
      await proxy.close();
    },
  };
}
