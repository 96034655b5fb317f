import { randomUUID } from 'node:crypto';
import { completeOrder, describeIssues, notFoundAsJson, orderInputSchema, opsRoutes, type Logger, type ReadinessCheck } from '@pizzashop/common';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Registry } from 'prom-client';
import { isJsonContentType } from './json-content-type.js';
import type { OrdersServiceMetrics } from './metrics.js';
import { ConflictingOrderError, OrderDeduplicator, orderFingerprint } from './order-dedup.js';
import { KafkaUnavailableError, type OrderPublisher } from './order-publisher.js';

export interface OrdersHttpOptions {
  publisher: OrderPublisher;
  registry: Registry;
  metrics: OrdersServiceMetrics;
  readiness: ReadinessCheck[];
  bodyLimitBytes: number;
  sendTimeoutMs: number;
  /** Acknowledged order ids remembered to answer a retry without sending again. */
  dedupCapacity: number;
  log: Logger;
}

/**
 * `POST /orders`: validates the order, publishes it and answers 202 `{id}` only once Kafka
 * acknowledged it, idempotent on the order id (a retry joins or reuses the earlier send; 409 for
 * the same id with a different order); 415 unless the body is declared JSON, 400 naming the
 * invalid fields, 413 past the body limit, 503 while Kafka is unavailable. Plus `/healthz`,
 * `/readyz`, `/metrics`; any other route answers 404 JSON.
 */
export function createOrdersHttpApp(o: OrdersHttpOptions): Hono {
  const app = new Hono();
  const dedup = new OrderDeduplicator(o.dedupCapacity, (kind) => o.metrics.httpOrderDuplicates.inc({ kind }));
  const reject = (status: 400 | 409 | 413 | 415 | 503) => o.metrics.httpOrdersRejected.inc({ status: String(status) });

  app.post(
    '/orders',
    async (c, next) => {
      const contentType = c.req.header('content-type');
      if (isJsonContentType(contentType)) return next();
      reject(415);
      const got = contentType === undefined ? 'none' : contentType.slice(0, 100);
      return c.json({ error: `POST /orders expects Content-Type: application/json; got ${got}` }, 415);
    },
    bodyLimit({
      maxSize: o.bodyLimitBytes,
      onError: (c) => {
        reject(413);
        return c.json({ error: `request body larger than ${o.bodyLimitBytes} bytes` }, 413);
      },
    }),
    async (c) => {
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch (err) {
        reject(400);
        return c.json({ error: `body is not valid JSON: ${(err as Error).message}` }, 400);
      }
      const parsed = orderInputSchema.safeParse(body);
      if (!parsed.success) {
        reject(400);
        return c.json(
          {
            error: `invalid order: ${describeIssues(parsed.error)}`,
            fields: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          },
          400,
        );
      }
      const order = completeOrder(parsed.data, randomUUID, () => new Date());
      const send = async () => {
        try {
          await o.publisher.publish([order]);
        } catch (err) {
          if (!(err instanceof KafkaUnavailableError)) o.log.warn({ err, orderId: order.id }, 'order send failed; a retry with the same id sends it again');
          throw err;
        }
        o.metrics.ordersProduced.inc({ source: 'http' });
      };
      let ack: Promise<void>;
      try {
        ack = dedup.acknowledgement(order.id, orderFingerprint(order, parsed.data.createdAt), send);
      } catch (err) {
        if (!(err instanceof ConflictingOrderError)) throw err;
        reject(409);
        return c.json({ error: err.message }, 409);
      }
      try {
        await o.publisher.acknowledgedWithin(ack, o.sendTimeoutMs);
      } catch (err) {
        reject(503);
        c.header('Retry-After', '5');
        return c.json({ error: `order not accepted; retry with the same id: ${(err as Error).message}`, id: order.id }, 503);
      }
      return c.json({ id: order.id }, 202);
    },
  );
  app.route('/', opsRoutes(o.registry, o.readiness));
  app.notFound(notFoundAsJson());
  return app;
}
