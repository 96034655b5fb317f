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
});
