// The POST /orders HTTP app: validates, prices, deduplicates and publishes an order, and maps failures
// to status codes.
import { randomUUID } from 'node:crypto';
import {
  createOrderInputSchema,
  describeIssues,
  issueFields,
  notFoundAsJson,
  opsRoutes,
  PizzashopError,
  type ErrorHttpStatus,
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
import { OrderDeduplicator, orderFingerprint } from './order-dedup.js';
import type { OrderPublisher } from './order-publisher.js';
import { ordersOpenApiDocument } from './openapi.js';
import type { OrderPricer, PricingProblem } from './pricing.js';
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

/** The catalogue refused the order: refused (422: unknown product or user, outside the service area) or a conflict (409: another price). */
class OrderRefusedError extends PizzashopError {
  constructor(
    status: 409 | 422,
    readonly problems: PricingProblem[],
  ) {
    const what = status === 409 ? 'prices changed (send the current prices, or none)' : 'order refused';
    super(`${what}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { kind: status === 409 ? 'conflict' : 'refused' });
  }
}

type Status = ErrorHttpStatus | 415;

/**
 * The answer to an order that failed with one of our errors: the status of its kind; the order id
 * and "retry with the same id" when the order was not sent (unavailable) or may have been.
 */
function refusalBody(err: PizzashopError, id: string | undefined): Record<string, unknown> {
  if (err.kind === 'unavailable') return { error: `order not accepted, not sent; retry with the same id: ${err.message}`, id };
  if (err.kind === 'outcome-unknown') return { error: `order outcome unknown: ${err.message}; retry with the same id`, id };
  return { error: err.message, ...(err instanceof OrderRefusedError ? { fields: err.problems } : {}) };
}

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
      if (!(err instanceof PizzashopError && err.kind === 'unavailable')) o.log.warn({ err, orderId: id }, 'order send failed');
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
        return refuse(c, err.httpStatus, refusalBody(err, undefined));
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
          fields: issueFields(parsed.error),
        });
      }
      const id = parsed.data.id ?? randomUUID();
      if (!restored) {
        const starting = new PizzashopError('orders-service is starting (reading the recent orders back from Kafka)', { kind: 'unavailable' });
        return refuse(c, starting.httpStatus, refusalBody(starting, id));
      }
      let accepted: string;
      try {
        accepted = await dedup.acknowledgement(id, orderFingerprint(parsed.data), () => send(parsed.data, id));
      } catch (err) {
        if (!(err instanceof PizzashopError) || err.kind === 'internal') throw err;
        return refuse(c, err.httpStatus, refusalBody(err, id));
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
