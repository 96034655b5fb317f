import { randomUUID } from 'node:crypto';
import {
  createOrderInputSchema,
  describeIssues,
  notFoundAsJson,
  opsRoutes,
  type IngestRules,
  type Logger,
  type Order,
  type ReadinessCheck,
  type ValidOrderInput,
} from '@pizzashop/common';
import { Hono, type Context } from 'hono';
import type { Registry } from 'prom-client';
import { isJsonContentType } from './json-content-type.js';
import type { OrdersServiceMetrics } from './metrics.js';
import { ConflictingOrderError, OrderDeduplicator, orderFingerprint } from './order-dedup.js';
import { KafkaUnavailableError, OrderSendFailedError, type OrderPublisher } from './order-publisher.js';
import { ordersOpenApiDocument } from './openapi.js';
import { CatalogueUnavailableError, type OrderPricer, type PricingProblem } from './pricing.js';
import { BodyTooLargeError, readBodyText } from './request-body.js';

export interface OrdersHttpOptions {
  publisher: Pick<OrderPublisher, 'submit'>;
  pricer: Pick<OrderPricer, 'price'>;
  /** Bounds on items, quantities and createdAt (the shared contract's ingest rules). */
  rules: IngestRules;
  /** How the service area is described in the OpenAPI document. */
  serviceArea: string;
  registry: Registry;
  metrics: OrdersServiceMetrics;
  readiness: ReadinessCheck[];
  bodyLimitBytes: number;
  /** Acknowledged order ids remembered to answer a retry without sending again. */
  dedupCapacity: number;
  /**
   * Orders acknowledged before this process started (the tail of the orders topic): remembered
   * before any POST is deduplicated (until then POSTs get 503), so a retry across a restart is not
   * written twice.
   */
  recentOrders?: Promise<Order[]>;
  log: Logger;
}

/** The catalogue refused the order: 422 (unknown product or user, outside the service area) or 409 (another price). */
class OrderRefusedError extends Error {
  constructor(
    readonly status: 409 | 422,
    readonly problems: PricingProblem[],
  ) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  }
}

type Status = 400 | 409 | 413 | 415 | 422 | 500 | 503;

/**
 * `POST /orders`: validates the order against the contract and its ingest rules, prices it from
 * the catalogue and publishes it, answering 202 with the priced order only once Kafka acknowledged
 * it; idempotent on the order id (a retry joins or reuses the earlier send; 409 for the same id
 * with a different order). 415 unless the body is declared JSON, 400 naming the invalid fields,
 * 413 past the body limit, 422 for an unknown product or user or a delivery point outside the
 * service area, 409 for a client price that is not the current one, 503 (order not sent, never
 * will be) while Kafka or the catalogue is unavailable. Plus `/openapi.json`, `/healthz`,
 * `/readyz`, `/metrics`; any other route answers 404 JSON.
 */
export function createOrdersHttpApp(o: OrdersHttpOptions): Hono {
  const app = new Hono();
  const schema = createOrderInputSchema(o.rules);
  const dedup = new OrderDeduplicator<string>(o.dedupCapacity, (kind) => o.metrics.httpOrderDuplicates.inc({ kind }));
  let restored = o.recentOrders === undefined;
  void o.recentOrders?.then((orders) => {
    for (const order of orders) dedup.restore(order.id, orderFingerprint(order), JSON.stringify(order));
    restored = true;
  });
  const refuse = (c: Context, status: Status, body: Record<string, unknown>) => {
    o.metrics.httpOrdersRejected.inc({ status: String(status) });
    if (status === 503) c.header('Retry-After', '5');
    return c.json(body, status);
  };
  const openApi = ordersOpenApiDocument(o.rules, o.serviceArea);

  /** Prices and publishes one order; resolves with the 202 body (the priced order as JSON). */
  const send = async (input: ValidOrderInput, id: string): Promise<string> => {
    const priced = await o.pricer.price(input, id, input.createdAt ?? new Date().toISOString());
    if (!priced.ok) throw new OrderRefusedError(priced.status, priced.problems);
    try {
      await o.publisher.submit(priced.order);
    } catch (err) {
      if (!(err instanceof KafkaUnavailableError)) o.log.warn({ err, orderId: id }, 'order send failed');
      throw err;
    }
    o.metrics.ordersProduced.inc({ source: 'http' });
    return JSON.stringify(priced.order);
  };

  app.post(
    '/orders',
    async (c, next) => {
      const contentType = c.req.header('content-type');
      if (isJsonContentType(contentType)) return next();
      const got = contentType === undefined ? 'none' : contentType.slice(0, 100);
      return refuse(c, 415, { error: `POST /orders expects Content-Type: application/json; got ${got}` });
    },
    async (c, next) => {
      const stopTimer = o.metrics.httpOrderSeconds.startTimer();
      await next();
      stopTimer({ status: String(c.res.status) });
    },
    async (c) => {
      let text: string;
      try {
        text = await readBodyText(c, o.bodyLimitBytes);
      } catch (err) {
        if (!(err instanceof BodyTooLargeError)) throw err;
        c.header('Connection', 'close');
        return refuse(c, 413, { error: `request body larger than ${o.bodyLimitBytes} bytes` });
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (err) {
        return refuse(c, 400, { error: `body is not valid JSON: ${(err as Error).message}` });
      }
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        return refuse(c, 400, {
          error: `invalid order: ${describeIssues(parsed.error)}`,
          fields: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        });
      }
      const id = parsed.data.id ?? randomUUID();
      if (!restored) {
        return refuse(c, 503, { error: 'order not accepted, not sent; retry with the same id: orders-service is starting (reading the recent orders back from Kafka)', id });
      }
      let accepted: string;
      try {
        accepted = await dedup.acknowledgement(id, orderFingerprint(parsed.data), () => send(parsed.data, id));
      } catch (err) {
        if (err instanceof ConflictingOrderError) return refuse(c, 409, { error: err.message });
        if (err instanceof OrderRefusedError) {
          const what = err.status === 409 ? 'prices changed (send the current prices, or none)' : 'order refused';
          return refuse(c, err.status, { error: `${what}: ${err.message}`, fields: err.problems });
        }
        if (err instanceof KafkaUnavailableError || err instanceof CatalogueUnavailableError) {
          return refuse(c, 503, { error: `order not accepted, not sent; retry with the same id: ${err.message}`, id });
        }
        if (err instanceof OrderSendFailedError) {
          return refuse(c, 500, { error: `order outcome unknown: ${err.message}; retry with the same id`, id });
        }
        throw err;
      }
      c.header('Content-Type', 'application/json');
      return c.body(accepted, 202);
    },
  );
  app.get('/openapi.json', (c) => c.json(openApi));
  app.route('/', opsRoutes(o.registry, o.readiness));
  app.notFound(notFoundAsJson());
  return app;
}
