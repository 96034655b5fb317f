// A hand-written check of the `orderSchema` contract for orders in their canonical shape (what
// orders-service writes), several times cheaper than zod on a hot path; anything else is left to zod.
import { orderTotal, type Order, type OrderItem } from './order.js';

/** Lower-case RFC 9562 UUIDs: a subset of what `z.uuid()` accepts. */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** `Date.prototype.toISOString()` form with a four-digit year: what the contract normalises to. */
const CANONICAL_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const isNonNegativeInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isNonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const inRange = (v: unknown, limit: number): v is number => typeof v === 'number' && v >= -limit && v <= limit;

function canonicalItems(raw: unknown): OrderItem[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const items: OrderItem[] = new Array<OrderItem>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const item = raw[i] as { productId?: unknown; quantity?: unknown; price?: unknown } | null;
    if (typeof item !== 'object' || item === null) return undefined;
    const { productId, quantity, price } = item;
    if (typeof productId !== 'string' || productId.length === 0 || productId.trim() !== productId) return undefined;
    if (!isNonNegativeInt(quantity) || quantity === 0 || !isNonNegative(price)) return undefined;
    items[i] = { productId, quantity, price };
  }
  return items;
}

/**
 * The order when `json` is in the canonical shape and valid: exactly what `orderSchema.parse` would
 * return (unknown keys dropped), or undefined to leave the decision to zod. Never accepts what zod refuses.
 */
export function canonicalOrder(json: unknown): Order | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const o = json as Record<string, unknown>;
  const { id, createdAt, userId, status, price, deliveryLat, deliveryLon } = o;
  if (typeof id !== 'string' || !CANONICAL_UUID.test(id)) return undefined;
  if (typeof createdAt !== 'string' || !CANONICAL_TIMESTAMP.test(createdAt)) return undefined;
  const time = Date.parse(createdAt);
  if (!Number.isFinite(time) || new Date(time).toISOString() !== createdAt) return undefined;
  if (!isNonNegativeInt(userId) || typeof status !== 'string' || status.length === 0 || !isNonNegative(price)) return undefined;
  if (!inRange(deliveryLat, 90) || !inRange(deliveryLon, 180)) return undefined;
  const items = canonicalItems(o.items);
  if (!items || Math.abs(price - orderTotal(items)) >= 0.005) return undefined;
  return { id, createdAt, userId, status, price, items, deliveryLat, deliveryLon };
}
