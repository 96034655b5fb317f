// Builds pizzashop-api's OpenAPI document from the API contracts and the topic contracts.
import { contractJsonSchema, TOPIC_CONTRACTS, valueSubject } from '@pizzashop/common';
import { z } from 'zod';
import {
  activeDeliveriesQuerySchema,
  alertsQuerySchema,
  apiSchemas,
  statusTimesQuerySchema,
  stuckQuerySchema,
  orderIdParamSchema,
  ordersPerMinuteQuerySchema,
  overviewQuerySchema,
  popularQuerySchema,
  streamQuerySchema,
} from '@pizzashop/common/api-contracts';

type JsonSchema = Record<string, unknown>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (schema: JsonSchema, description: string) => ({ description, content: { 'application/json': { schema } } });

const errorResponses = {
  '400': json(ref('Error'), 'A parameter is invalid; the message quotes the validation error.'),
  '500': json(ref('Error'), 'Unexpected failure; the server log has details under the request id.'),
  '502': json(ref('Error'), 'Pinot could not answer the query; the server log has the details under the request id.'),
  '503': json(ref('Error'), 'No Pinot broker reachable, or the query timed out; retry in a few seconds.'),
};

/** The cached routes answer with an ETag; a request whose If-None-Match holds it gets 304. */
const notModified = { '304': { description: 'Not Modified: the answer still has the ETag sent in If-None-Match (no body).' } };

/** OpenAPI parameters from a zod object's fields (input side: what the client sends). */
function parameters(schema: z.ZodObject, location: 'query' | 'path'): JsonSchema[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const { $schema: _drop, description, ...fieldSchema } = z.toJSONSchema(field as z.ZodType, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    return {
      name,
      in: location,
      required: location === 'path' || !(field as z.ZodType).safeParse(undefined).success,
      ...(description ? { description } : {}),
      schema: fieldSchema,
    };
  });
}

function operation(summary: string, params: JsonSchema[], okSchema: string, okDescription: string, extra: JsonSchema = {}) {
  return { get: { summary, parameters: params, responses: { '200': json(ref(okSchema), okDescription), ...errorResponses, ...extra } } };
}

/**
 * The message contracts of the Kafka topics as components: the same JSON Schemas (from the same zod
 * schemas) the producers register in the schema registry, less the `$schema` line.
 */
function topicContractSchemas(): Record<string, JsonSchema> {
  return Object.fromEntries(
    TOPIC_CONTRACTS.map((c) => {
      const { $schema: _dialect, ...schema } = contractJsonSchema(c);
      return [c.name, schema];
    }),
  );
}

/** Which topic (by its config variable) carries which contract, under which registry subject. */
const topicContracts = TOPIC_CONTRACTS.map((c) => ({
  contract: c.name,
  topicVariable: c.topicKey,
  subject: valueSubject(`\${${c.topicKey}}`),
  schema: ref(c.name),
}));

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function buildOpenApiDocument(version: string): JsonSchema {
  const { schemas } = z.toJSONSchema(apiSchemas, { uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' }) as {
    schemas: Record<string, JsonSchema>;
  };
  for (const schema of Object.values(schemas)) delete schema.$schema;
  return {
    openapi: '3.1.0',
    info: {
      title: 'pizzashop-api',
      version,
      description: 'Real-time order analytics over Apache Pinot. Read-only. Errors are JSON {error, message, requestId}.',
    },
    paths: {
      '/orders/overview': operation(
        'Order count and revenue in the current window vs the window before it',
        parameters(overviewQuerySchema, 'query'),
        'Overview',
        'Totals for both periods, all-time order count and data freshness.',
        notModified,
      ),
      '/orders/popular': operation(
        'Top products and categories in the window',
        parameters(popularQuerySchema, 'query'),
        'Popular',
        'Items and categories ordered by distinct orders, then quantity.',
        notModified,
      ),
      '/orders/ordersPerMinute': operation(
        'Orders and revenue per minute, zero-filled, oldest first',
        parameters(ordersPerMinuteQuerySchema, 'query'),
        'OrdersPerMinute',
        'One row per minute.',
        notModified,
      ),
      '/orders/stream': {
        get: {
          summary: 'Server-Sent Events: a Snapshot (overview, popular, per-minute series) every tick, and the alerts when they change',
          description:
            'Events named `snapshot` carry a Snapshot as JSON; events named `alerts` carry an Alerts object (the open alerts and the latest closed ones, as GET /alerts?limit=20) once at connection and again whenever an alert opens, changes or closes; events named `failure` carry an Error while Pinot is unavailable. `limit` and `minutes` are presets; each parameter set is a channel whose snapshot is computed once per tick for all its subscribers, from the same cached answers as the REST routes. A subscriber that stops reading is disconnected.',
          parameters: parameters(streamQuerySchema, 'query'),
          responses: {
            '200': { description: 'An event stream.', content: { 'text/event-stream': { schema: ref('Snapshot') } } },
            '400': errorResponses['400'],
            '429': json(ref('Error'), 'The stream has its maximum of channels or subscribers (STREAM_MAX_CHANNELS, STREAM_MAX_SUBSCRIBERS); the message says which.'),
          },
        },
      },
      '/alerts': operation(
        'Traffic anomaly alerts (orders, revenue, average order value, category shares) raised by the alerts service',
        parameters(alertsQuerySchema, 'query'),
        'Alerts',
        'Alerts, most recently opened first, each in its current state (open or closed).',
      ),
      '/orders/statuses': operation(
        'Kitchen: time spent in each status (p50, p90, p99, max) over the window',
        parameters(statusTimesQuerySchema, 'query'),
        'StatusTimes',
        'One row per status an order leaves (all but DELIVERED).',
      ),
      '/orders/stuck': operation('Orders in a status for longer than `minutes`, longest first', parameters(stuckQuerySchema, 'query'), 'StuckOrders', 'The orders.'),
      '/deliveries/active': operation(
        'Couriers in transit within `km` of a point (H3 index on their position)',
        parameters(activeDeliveriesQuerySchema, 'query'),
        'ActiveDeliveries',
        "The couriers' latest positions, with Pinot's scan stats.",
      ),
      '/orders/{id}': operation(
        'One order with its enriched items and its tracking (status history, current status, courier, ETA)',
        parameters(orderIdParamSchema, 'path'),
        'OrderDetail',
        'The order.',
        { '404': json(ref('Error'), 'No order with this id.') },
      ),
      '/orders/{id}/stream': {
        get: {
          summary: 'Server-Sent Events of one order: an `order` event (OrderDetail) at once and whenever its status, courier or items change',
          parameters: parameters(orderIdParamSchema, 'path'),
          responses: {
            '200': { description: 'An event stream; `failure` events carry an Error while Pinot is unavailable.', content: { 'text/event-stream': { schema: ref('OrderDetail') } } },
            '400': errorResponses['400'],
            '404': json(ref('Error'), 'No order with this id.'),
            '429': json(ref('Error'), 'ORDER_STREAM_MAX streams are open.'),
          },
        },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'The process is up.' } } } },
      '/readyz': { get: { summary: 'Readiness: a Pinot broker answers', responses: { '200': { description: 'Ready.' }, '503': { description: 'No broker reachable.' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': { description: 'Text exposition format.' } } } },
    },
    components: { schemas: { ...schemas, ...topicContractSchemas() } },
    'x-kafka-topic-contracts': topicContracts,
  };
}
