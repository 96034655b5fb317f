// Builds orders-service's OpenAPI document (`GET /openapi.json`) from the order contracts.
import { createOrderInputSchema, describeDuration, ORDER_STRING_CAPS, orderSchema, type IngestRules } from '@pizzashop/common';
import { z } from 'zod';

/** The OpenAPI 3.1 document of orders-service (`GET /openapi.json`): POST /orders and its rules. */

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const problem = {
  type: 'object',
  properties: {
    path: { type: 'string', description: 'The field, e.g. items.0.price' },
    message: { type: 'string' },
    current: { type: 'number', description: 'For a price that is not the current one: the current catalogue price or order total.' },
  },
  required: ['path', 'message'],
};
const error = (description: string, extra: JsonSchema = {}) => ({
  description,
  content: {
    'application/json': {
      schema: { type: 'object', properties: { error: { type: 'string' }, ...extra }, required: ['error'] },
    },
  },
});

/** The rules of POST /orders, as listed in the operation's description (and the README). */
export function ingestRulesText(rules: IngestRules, serviceArea: string): string {
  return [
    'The client says what it wants; the server prices it from the catalogue (MariaDB):',
    `- 1 to ${rules.maxItems} items, one per product (the same product twice is 400), quantity 1 to ${rules.maxQuantity} per item (400).`,
    `- createdAt, when sent, at most ${describeDuration(rules.createdAtMaxAheadMs)} ahead of and ${describeDuration(rules.createdAtMaxBehindMs)} behind the server clock (400 naming the window).`,
    `- id, when sent, a UUID (stored lowercase); productId at most ${ORDER_STRING_CAPS.productId} characters, status at most ${ORDER_STRING_CAPS.status} (400).`,
    '- every productId in the catalogue and userId an existing user (422 naming them); delivery point ' + serviceArea + ' (422).',
    '- item prices and the order price are optional; when sent they must be the current ones (409 naming each item with its current price); the 202 body is the order as priced by the server.',
  ].join('\n');
}

export function ordersOpenApiDocument(rules: IngestRules, serviceArea: string): JsonSchema {
  return {
    openapi: '3.1.0',
    info: { title: 'orders-service', version: '1', description: 'Order ingest: POST /orders publishes an order to the Kafka `orders` topic.' },
    paths: {
      '/orders': {
        post: {
          summary: 'Place an order',
          description: ingestRulesText(rules, serviceArea),
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(createOrderInputSchema(rules), 'input') } } },
          responses: {
            '202': {
              description: 'Kafka acknowledged the order; the body is the order as published, priced by the server. A retry with the same id gets the same answer.',
              content: { 'application/json': { schema: jsonSchema(orderSchema, 'output') } },
            },
            '400': error('Not JSON, or the order breaks the contract or a bound; `fields` names each field.', { fields: { type: 'array', items: problem } }),
            '409': error(
              'A client price is not the current one (`fields` has the current price of each item), or the same id was already used for a different order.',
              { fields: { type: 'array', items: problem } },
            ),
            '413': error('The body is larger than ORDERS_BODY_LIMIT_BYTES.'),
            '415': error('The body is not declared application/json.'),
            '422': error('An unknown product or user, or a delivery point outside the service area; `fields` names each.', { fields: { type: 'array', items: problem } }),
            '500': error('The send failed after the order was handed to Kafka: it may or may not be on the topic; retry with the same id.', { id: { type: 'string' } }),
            '503': error('Kafka unreachable, the ingest queue full, or the catalogue unreadable: the order was not sent and never will be; retry with the same `id` (Retry-After: 5).', {
              id: { type: 'string' },
            }),
          },
        },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'The process is up.' } } } },
      '/readyz': {
        get: {
          summary: 'Readiness: Kafka reachable (every orders partition has a leader) and the catalogue loaded',
          responses: { '200': { description: 'Ready.' }, '503': { description: 'Not ready; the body names the failing check.' } },
        },
      },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { '200': { description: 'Text exposition format.' } } } },
    },
  };
}
