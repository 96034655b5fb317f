// Unit tests of decodeOrder: valid, malformed JSON and schema-invalid orders.
import { describe, expect, it } from 'vitest';
import { decodeOrder, REASON_MALFORMED_JSON, REASON_SCHEMA_INVALID } from '../src/order-decoder.js';
import { json, order } from './fixtures.js';

describe('decodeOrder', () => {
  it('accepts a valid order', () => {
    expect(decodeOrder(json(order))).toEqual({ ok: true, order });
  });
  it('classifies malformed JSON', () => {
    expect(decodeOrder(Buffer.from('{"id":'))).toMatchObject({ ok: false, reason: REASON_MALFORMED_JSON });
    expect(decodeOrder(Buffer.from([0xff, 0x00]))).toMatchObject({ ok: false, reason: REASON_MALFORMED_JSON });
  });
  it('classifies schema-invalid orders and names the field', () => {
    expect(decodeOrder(json({ ...order, userId: 'x' }))).toMatchObject({ ok: false, reason: REASON_SCHEMA_INVALID, detail: expect.stringMatching(/^userId: /) });
    expect(decodeOrder(json({ ...order, price: 1 }))).toMatchObject({ ok: false, reason: REASON_SCHEMA_INVALID, detail: expect.stringMatching(/price/) });
    expect(decodeOrder(null)).toMatchObject({ ok: false, reason: REASON_SCHEMA_INVALID });
  });
  it('normalises what only zod handles: numeric product ids, timestamps with an offset, a missing status', () => {
    const variant = {
      ...order,
      createdAt: '2026-11-25T14:37:00.123+01:00',
      items: order.items.map((i, n) => (n === 0 ? { ...i, productId: 1 } : i)),
      status: undefined,
      extra: 'dropped',
    };
    expect(decodeOrder(json(variant))).toEqual({ ok: true, order });
  });
});
