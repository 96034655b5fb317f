// The ops routes every service exposes: /healthz, /readyz from its readiness checks, and /metrics.
import { Hono } from 'hono';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  /** Short name shown in the /readyz body, e.g. "kafka" or "products-cache". */
  name: string;
  check: () => Promise<boolean> | boolean;
}

/**
 * The operational endpoints every long-running service exposes:
 * `/healthz` (process alive), `/readyz` (all checks pass, else 503 naming the failing ones)
 * and `/metrics` (Prometheus text format from the given registry).
 */
export function opsRoutes(registry: Registry, checks: ReadinessCheck[]): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          return { name, ok: await check() };
        } catch {
          return { name, ok: false };
        }
      }),
    );
    const ready = results.every((r) => r.ok);
    return c.json({ status: ready ? 'ready' : 'not-ready', checks: results }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    c.header('Content-Type', registry.contentType);
    return c.body(await registry.metrics());
  });
  return app;
}
