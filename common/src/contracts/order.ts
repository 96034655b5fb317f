// The contract of the `orders` topic and of POST /orders input: ids, items, string caps.
import { z } from 'zod';
import { isoUtcTimestampSchema } from './time.js';

/**
 * Longest strings an order may carry. Pinot cuts STRING columns at 512 characters; these caps keep
 * every string far below that and refuse absurd ones at the door.
 */
export const ORDER_STRING_CAPS = { productId: 64, status: 64 } as const;

/** Order ids are UUIDs, stored lowercase whatever case the client sent (`GET /orders/{id}` lowercases too). */
export const orderIdSchema = z
  .uuid({ message: 'must be a UUID, e.g. 0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c91' })
  .transform((s) => s.toLowerCase());

/** Product ids are strings on the wire; a client sending the MariaDB integer id is accepted too. */
export const productIdSchema = z.union([
  z
    .string()
    .trim()
    .min(1, 'must be a non-empty product id')
    .max(ORDER_STRING_CAPS.productId, `must be at most ${ORDER_STRING_CAPS.productId} characters`),
  z.number().int().nonnegative().transform(String),
]);

const statusSchema = z.string().min(1).max(ORDER_STRING_CAPS.status, `must be at most ${ORDER_STRING_CAPS.status} characters`);

export const orderItemSchema = z.object({
  productId: productIdSchema,
  quantity: z.number().int().positive(),
  price: z.number().nonnegative(),
});
export type OrderItem = z.infer<typeof orderItemSchema>;

/** Sum of quantity x price over the items, rounded to cents to absorb floating-point noise. */
export function orderTotal(items: readonly { quantity: number; price: number }[]): number {
  return Math.round(items.reduce((sum, i) => sum + i.quantity * i.price, 0) * 100) / 100;
}

const PRICE_TOLERANCE = 0.005;

/** Whether two prices are the same amount (within half a cent). */
export function samePrice(a: number, b: number): boolean {
  return Math.abs(a - b) < PRICE_TOLERANCE;
}

const orderFields = {
  id: orderIdSchema,
  createdAt: isoUtcTimestampSchema,
  userId: z.number().int().nonnegative(),
  status: statusSchema.default('PLACED_ORDER'),
  price: z.number().nonnegative(),
  items: z.array(orderItemSchema).min(1, 'an order needs at least one item'),
  deliveryLat: z.number().min(-90).max(90),
  deliveryLon: z.number().min(-180).max(180),
};

const priceMismatch = { message: 'must equal the sum of quantity x price over items', path: ['price'] };

/** A message on the `orders` topic. */
export const orderSchema = z.object(orderFields).refine((o) => samePrice(o.price, orderTotal(o.items)), priceMismatch);
export type Order = z.infer<typeof orderSchema>;

/**
 * What `POST /orders` accepts beyond the shape: bounds on items and quantities, and how far
 * `createdAt` may be from the server clock (ahead: clock skew; behind: Pinot retention, older rows
 * would be deleted at once).
 */
export interface IngestRules {
  maxItems: number;
  maxQuantity: number;
  createdAtMaxAheadMs: number;
  createdAtMaxBehindMs: number;
}

export const DEFAULT_INGEST_RULES: IngestRules = {
  maxItems: 20,
  maxQuantity: 20,
  createdAtMaxAheadMs: 5 * 60_000,
  createdAtMaxBehindMs: 7 * 86_400_000,
};

/** `300000` -> `5 min`, `604800000` -> `7 days`: durations in the units a person would use. */
export function describeDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) {
    if (ms >= size && ms % size === 0) return unit === 'day' ? `${ms / size} day${ms === size ? '' : 's'}` : `${ms / size} ${unit}`;
  }
  return `${ms} ms`;
}

/** The message for a `createdAt` outside the window around `nowMs`. */
function createdAtWindowMessage(rules: IngestRules, nowMs: number, got: string): string {
  const from = new Date(nowMs - rules.createdAtMaxBehindMs).toISOString();
  const to = new Date(nowMs + rules.createdAtMaxAheadMs).toISOString();
  return (
    `must be at most ${describeDuration(rules.createdAtMaxAheadMs)} ahead of and ${describeDuration(rules.createdAtMaxBehindMs)} behind ` +
    `the server clock (${new Date(nowMs).toISOString()}): between ${from} and ${to}; got ${got}`
  );
}

/**
 * An order as a client submits it to `POST /orders`: what it wants (products, quantities, who,
 * where), never what it costs. id and createdAt are assigned by the server when absent; prices are
 * the catalogue's, so item prices and the order `price` are optional and, when present, only
 * compared with the catalogue by the server (a total that is not the sum of the given item prices
 * is refused here). Items must name distinct products (one line per product, with the total quantity).
 */
export function createOrderInputSchema(rules: IngestRules = DEFAULT_INGEST_RULES, now: () => number = Date.now) {
  const itemSchema = orderItemSchema.extend({
    quantity: orderItemSchema.shape.quantity.max(rules.maxQuantity, `must be at most ${rules.maxQuantity} per item`),
    price: orderItemSchema.shape.price.optional(),
  });
  return z
    .object({
      ...orderFields,
      id: orderFields.id.optional(),
      createdAt: orderFields.createdAt
        .superRefine((createdAt, ctx) => {
          const nowMs = now();
          const t = Date.parse(createdAt);
          if (t > nowMs + rules.createdAtMaxAheadMs || t < nowMs - rules.createdAtMaxBehindMs) {
            ctx.addIssue({ code: 'custom', message: createdAtWindowMessage(rules, nowMs, createdAt) });
          }
        })
        .optional(),
      price: orderFields.price.optional(),
      items: z
        .array(itemSchema)
        .min(1, 'an order needs at least one item')
        .max(rules.maxItems, `an order has at most ${rules.maxItems} items (one per product)`)
        .superRefine((items, ctx) => {
          const firstLine = new Map<string, number>();
          items.forEach((item, index) => {
            const first = firstLine.get(item.productId);
            if (first === undefined) firstLine.set(item.productId, index);
            else ctx.addIssue({ code: 'custom', path: [index, 'productId'], message: `product ${item.productId} is already in items.${first}; send one line per product with the total quantity` });
          });
        }),
    })
    .refine((o) => o.price === undefined || o.items.some((i) => i.price === undefined) || samePrice(o.price, orderTotal(o.items as { quantity: number; price: number }[])), priceMismatch);
}

/** The input schema with the default rules and the real clock. */
export const orderInputSchema = createOrderInputSchema();
export type OrderInput = z.input<typeof orderInputSchema>;
export type ValidOrderInput = z.infer<typeof orderInputSchema>;
