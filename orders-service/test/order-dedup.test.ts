import { completeOrder, orderInputSchema, type OrderInput } from '@pizzashop/common';
import { describe, expect, it, vi } from 'vitest';
import { ConflictingOrderError, OrderDeduplicator, orderFingerprint, type DuplicateKind } from '../src/order-dedup.js';

/** A send that stays pending until the test settles it. */
function pendingSend() {
  const settle = { ack: () => {}, fail: (_err: Error) => {} };
  const send = vi.fn(
    () =>
      new Promise<void>((resolve, reject) => {
        settle.ack = resolve;
        settle.fail = reject;
      }),
  );
  return { send, settle };
}

function deduplicator(capacity = 10) {
  const duplicates: DuplicateKind[] = [];
  return { dedup: new OrderDeduplicator(capacity, (kind) => duplicates.push(kind)), duplicates };
}

const acked = () => vi.fn(() => Promise.resolve());

describe('OrderDeduplicator', () => {
  it('joins the send in flight for the same id instead of sending again', async () => {
    const { dedup, duplicates } = deduplicator();
    const { send, settle } = pendingSend();
    const first = dedup.acknowledgement('a', 'f', send);
    let retryAcknowledged = false;
    const retry = dedup.acknowledgement('a', 'f', send).then(() => (retryAcknowledged = true));
    expect(send).toHaveBeenCalledTimes(1);
    expect(duplicates).toEqual(['in_flight']);
    await new Promise((r) => setTimeout(r, 5));
    expect(retryAcknowledged).toBe(false);
    settle.ack();
    await Promise.all([first, retry]);
    expect(retryAcknowledged).toBe(true);
  });

  it('answers an acknowledged id at once without sending again', async () => {
    const { dedup, duplicates } = deduplicator();
    await dedup.acknowledgement('a', 'f', acked());
    const again = acked();
    await dedup.acknowledgement('a', 'f', again);
    expect(again).not.toHaveBeenCalled();
    expect(duplicates).toEqual(['acknowledged']);
  });

  it('forgets a send that failed, so a retry sends again', async () => {
    const { dedup, duplicates } = deduplicator();
    const { send, settle } = pendingSend();
    const first = dedup.acknowledgement('a', 'f', send);
    settle.fail(new Error('broker refused'));
    await expect(first).rejects.toThrow('broker refused');
    const retry = acked();
    await dedup.acknowledgement('a', 'f', retry);
    expect(retry).toHaveBeenCalledTimes(1);
    expect(duplicates).toEqual([]);
  });

  it('refuses the same id with another fingerprint, in flight or acknowledged, without sending', async () => {
    const { dedup } = deduplicator();
    const { send, settle } = pendingSend();
    const first = dedup.acknowledgement('a', 'f', send);
    const other = acked();
    expect(() => dedup.acknowledgement('a', 'g', other)).toThrow(ConflictingOrderError);
    settle.ack();
    await first;
    expect(() => dedup.acknowledgement('a', 'g', other)).toThrow(/order a was already submitted with different content/);
    expect(other).not.toHaveBeenCalled();
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('remembers only the last `capacity` acknowledged ids', async () => {
    const { dedup } = deduplicator(2);
    for (const id of ['a', 'b', 'c']) await dedup.acknowledgement(id, 'f', acked());
    const sends = { a: acked(), b: acked(), c: acked() };
    await dedup.acknowledgement('c', 'f', sends.c);
    await dedup.acknowledgement('b', 'f', sends.b);
    await dedup.acknowledgement('a', 'f', sends.a);
    expect(sends.c).not.toHaveBeenCalled();
    expect(sends.b).not.toHaveBeenCalled();
    expect(sends.a).toHaveBeenCalledTimes(1);
  });
});

describe('orderFingerprint', () => {
  const id = '0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c91';
  const input: OrderInput = { id, userId: 7, items: [{ productId: '3', quantity: 2, price: 60 }], deliveryLat: 12.9, deliveryLon: 77.6 };
  let tick = 0;
  const fingerprint = (body: OrderInput) => {
    const parsed = orderInputSchema.parse(body);
    const order = completeOrder(parsed, () => 'unused', () => new Date(Date.UTC(2025, 0, 1, 0, 0, tick++)));
    return orderFingerprint(order, parsed.createdAt);
  };

  it('is the same for a retry of the same body (server-assigned createdAt differs) and with or without the matching price', () => {
    expect(fingerprint(input)).toBe(fingerprint(input));
    expect(fingerprint({ ...input, price: 120 })).toBe(fingerprint(input));
  });

  it.each<[string, Partial<OrderInput>]>([
    ['another user', { userId: 8 }],
    ['another quantity', { items: [{ productId: '3', quantity: 3, price: 60 }] }],
    ['another product', { items: [{ productId: '4', quantity: 2, price: 60 }] }],
    ['another item price', { items: [{ productId: '3', quantity: 2, price: 61 }] }],
    ['another delivery point', { deliveryLon: 77.7 }],
    ['another status', { status: 'CANCELLED' }],
    ['a client createdAt', { createdAt: '2025-01-01T00:00:00.000Z' }],
  ])('differs for %s', (_case, change) => {
    expect(fingerprint({ ...input, ...change })).not.toBe(fingerprint(input));
  });
});
