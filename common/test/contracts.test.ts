// Unit tests of the topic contracts: orders, POST /orders input, product change events, enriched items.
import { describe, expect, it } from 'vitest';
import {
  createOrderInputSchema,
  DEFAULT_INGEST_RULES,
  describeDuration,
  describeIssues,
  enrichedOrderItemSchema,
  orderSchema,
  orderTotal,
  productChangeEventSchema,
  productFromRow,
  productKeySchema,
} from '../src/index.js';

const validOrder = {
  id: '0b6f3c1e-8a47-4c1d-9d6a-2f8e5b7c9a10',
  createdAt: '2026-11-25T13:37:00.123Z',
  userId: 416,
  status: 'PLACED_ORDER',
  price: 150,
  items: [
    { productId: '21', quantity: 2, price: 45 },
    { productId: '3', quantity: 1, price: 60 },
  ],
  deliveryLat: 12.98,
  deliveryLon: 77.71,
};

describe('orderSchema', () => {
  it('accepts the documented example shape', () => {
    expect(orderSchema.parse(validOrder)).toEqual(validOrder);
  });

  it('normalises createdAt to toISOString form (UTC, milliseconds, Z)', () => {
    expect(orderSchema.parse({ ...validOrder, createdAt: '2026-11-25T19:07:00+05:30' }).createdAt).toBe('2026-11-25T13:37:00.000Z');
    expect(orderSchema.parse({ ...validOrder, createdAt: '2026-11-25T13:37:00.123456Z' }).createdAt).toBe('2026-11-25T13:37:00.123Z');
  });

  it('rejects a createdAt without zone, naming the field', () => {
    const r = orderSchema.safeParse({ ...validOrder, createdAt: '2026-11-25 13:37:00' });
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!)).toMatch(/^createdAt: /);
  });

  it('rejects a price that is not the sum of the items', () => {
    const r = orderSchema.safeParse({ ...validOrder, price: 151 });
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!)).toContain('price: must equal the sum');
  });

  it('tolerates floating-point noise in the sum', () => {
    const items = [{ productId: '1', quantity: 3, price: 0.1 }];
    expect(orderSchema.safeParse({ ...validOrder, items, price: 0.30000000000000004 }).success).toBe(true);
    expect(orderTotal(items)).toBe(0.3);
  });

  it('names nested item fields in errors', () => {
    const r = orderSchema.safeParse({ ...validOrder, items: [{ productId: '1', quantity: 0, price: 5 }], price: 0 });
    expect(describeIssues(r.error!)).toMatch(/items\.0\.quantity/);
  });

  it('accepts numeric product ids and turns them into strings', () => {
    const r = orderSchema.parse({ ...validOrder, items: [{ productId: 21, quantity: 2, price: 45 }], price: 90 });
    expect(r.items[0]!.productId).toBe('21');
  });
});

describe('orderSchema: ids and string caps', () => {
  it('lowercases the order id', () => {
    expect(orderSchema.parse({ ...validOrder, id: validOrder.id.toUpperCase() }).id).toBe(validOrder.id);
  });

  it.each([
    ['productId', { items: [{ productId: 'p'.repeat(65), quantity: 1, price: 150 }] }, 'items.0.productId: must be at most 64 characters'],
    ['status', { status: 's'.repeat(65) }, 'status: must be at most 64 characters'],
    ['createdAt', { createdAt: `2026-11-25T13:37:00.${'1'.repeat(60)}Z` }, 'createdAt: must be at most 64 characters'],
  ])('caps %s', (_field, change, message) => {
    const r = orderSchema.safeParse({ ...validOrder, ...change });
    expect(describeIssues(r.error!)).toContain(message);
  });
});

describe('createOrderInputSchema (POST /orders)', () => {
  const now = Date.parse('2026-11-25T13:37:00.000Z');
  const schema = createOrderInputSchema(DEFAULT_INGEST_RULES, () => now);
  const { id: _id, createdAt: _c, price: _p, ...request } = validOrder;

  it('takes an order without id, createdAt and prices', () => {
    const items = [{ productId: '21', quantity: 2 }];
    expect(schema.parse({ ...request, items })).toEqual({ ...request, items });
  });

  it('still checks a given total against given item prices', () => {
    expect(describeIssues(schema.safeParse({ ...request, price: 1 }).error!)).toContain('price: must equal the sum');
  });

  it('rejects an order without items', () => {
    expect(describeIssues(schema.safeParse({ ...request, items: [] }).error!)).toContain('items: an order needs at least one item');
  });

  it('takes a createdAt inside the window and names the window otherwise', () => {
    expect(schema.safeParse({ ...request, createdAt: '2026-11-25T13:41:59.999Z' }).success).toBe(true);
    expect(schema.safeParse({ ...request, createdAt: '2026-11-18T13:37:00.000Z' }).success).toBe(true);
    expect(describeIssues(schema.safeParse({ ...request, createdAt: '2999-01-01T00:00:00Z' }).error!)).toBe(
      'createdAt: must be at most 5 min ahead of and 7 days behind the server clock (2026-11-25T13:37:00.000Z): between 2026-11-18T13:37:00.000Z and 2026-11-25T13:42:00.000Z; got 2999-01-01T00:00:00.000Z',
    );
    expect(schema.safeParse({ ...request, createdAt: '2026-11-18T13:36:59.999Z' }).success).toBe(false);
  });

  it('applies configured bounds', () => {
    const tight = createOrderInputSchema({ ...DEFAULT_INGEST_RULES, maxItems: 2, maxQuantity: 2 });
    const tooMany = tight.safeParse({ ...request, items: [{ productId: '1', quantity: 1 }, { productId: '2', quantity: 1 }, { productId: '3', quantity: 1 }] });
    expect(describeIssues(tooMany.error!)).toBe('items: an order has at most 2 items (one per product)');
    const tooMuch = tight.safeParse({ ...request, items: [{ productId: '1', quantity: 3 }] });
    expect(describeIssues(tooMuch.error!)).toBe('items.0.quantity: must be at most 2 per item');
  });

  it('names the second line of a product ordered twice (numeric and string ids are the same product)', () => {
    const r = schema.safeParse({ ...request, items: [{ productId: 21, quantity: 1 }, { productId: '21', quantity: 1 }] });
    expect(describeIssues(r.error!)).toBe('items.1.productId: product 21 is already in items.0; send one line per product with the total quantity');
  });
});

describe('describeDuration', () => {
  it.each([
    [300_000, '5 min'],
    [86_400_000, '1 day'],
    [604_800_000, '7 days'],
    [90_000, '90 s'],
    [1500, '1500 ms'],
  ])('%i ms -> %s', (ms, text) => {
    expect(describeDuration(ms)).toBe(text);
  });
});

const row = {
  id: 3,
  name: 'Coke',
  description: 'Chilled',
  category: 'beverages',
  price: 60,
  image: 'https://img/3.png',
  created_at: '2026-11-25T13:37:00Z',
  updated_at: '2026-11-25T13:37:00Z',
};

describe('productChangeEventSchema', () => {
  it('parses a snapshot read and maps the row to a product', () => {
    const e = productChangeEventSchema.parse({ before: null, after: row, op: 'r', source: { db: 'pizzashop' }, ts_ms: 1 });
    expect(productFromRow(e.after!)).toEqual({
      id: '3',
      name: 'Coke',
      description: 'Chilled',
      category: 'beverages',
      price: 60,
      image: 'https://img/3.png',
    });
  });
  it('accepts DECIMAL prices as strings and extra columns from ALTER TABLE', () => {
    const e = productChangeEventSchema.parse({ before: row, after: { ...row, price: '61.50', spicy: 1 }, op: 'u', ts_ms: 2 });
    expect(productFromRow(e.after!).price).toBe(61.5);
  });
  it('parses a delete (after null)', () => {
    expect(productChangeEventSchema.parse({ before: row, after: null, op: 'd', ts_ms: 3 }).op).toBe('d');
  });
  it('unwraps the schemas-enabled envelope', () => {
    const e = productChangeEventSchema.parse({ schema: {}, payload: { before: null, after: row, op: 'c', ts_ms: 4 } });
    expect(e.op).toBe('c');
  });
  it('rejects unknown ops and rows missing columns', () => {
    expect(productChangeEventSchema.safeParse({ before: null, after: row, op: 'x' }).success).toBe(false);
    expect(productChangeEventSchema.safeParse({ before: null, after: { id: 1 }, op: 'c' }).success).toBe(false);
    expect(productChangeEventSchema.safeParse({ before: null, after: null, op: 'c' }).success).toBe(false);
  });
  it('parses keys', () => {
    expect(productKeySchema.parse({ id: 3 }).id).toBe(3);
  });
});

describe('enrichedOrderItemSchema', () => {
  it('accepts the documented shape', () => {
    const item = {
      orderId: validOrder.id,
      createdAt: validOrder.createdAt,
      itemIndex: 0,
      product: productFromRow(row),
      orderItem: { productId: '3', quantity: 3, price: 60 },
      firstOfCategory: 1,
    };
    expect(enrichedOrderItemSchema.parse(item)).toEqual(item);
  });

  it('takes firstOfCategory as the number 0 or 1, and a record enriched before it existed without it', () => {
    const item = { orderId: validOrder.id, createdAt: validOrder.createdAt, itemIndex: 1, product: productFromRow(row), orderItem: { productId: '3', quantity: 1, price: 60 } };
    expect(enrichedOrderItemSchema.parse(item).firstOfCategory).toBeUndefined();
    expect(enrichedOrderItemSchema.parse({ ...item, firstOfCategory: 0 }).firstOfCategory).toBe(0);
    for (const firstOfCategory of [true, 2, '1']) expect(enrichedOrderItemSchema.safeParse({ ...item, firstOfCategory }).success).toBe(false);
  });
});
