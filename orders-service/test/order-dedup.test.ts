// Tests OrderDeduplicator: joining sends in flight, answering acknowledged ids, forgetting failures
// and refusing conflicts.
import { orderInputSchema, type OrderInput } from '@pizzashop/common';
import { describe, expect, it, vi } from 'vitest';
import { ConflictingOrderError, OrderDeduplicator, orderFingerprint, type DuplicateKind } from '../src/order-dedup.js';

/** A send that stays pending until the test settles it. */
function pendingSend() {
  const settle = { ack: (_result: string) => {}, fail: (_err: Error) => {} };
  const send = vi.fn(
    () =>
      new Promise<string>((resolve, reject) => {
        settle.ack = resolve;
        settle.fail = reject;
      }),
  );
  return { send, settle };
}

function deduplicator(capacity = 10) {
  const duplicates: DuplicateKind[] = [];
  return { dedup: new OrderDeduplicator<string>(capacity, (kind) => duplicates.push(kind)), duplicates };
}

const acked = (result = 'priced') => vi.fn(() => Promise.resolve(result));

describe('OrderDeduplicator', () => {
  it('joins the send in flight for the same id instead of sending again', async () => {
    const { dedup, duplicates } = deduplicator();
    const { send, settle } = pendingSend();
    const first = dedup.acknowledgement('a', 'f', send);
    let retryAcknowledged = false;
    const retry = dedup.acknowledgement('a', 'f', send).then((result) => ((retryAcknowledged = true), result));
    expect(send).toHaveBeenCalledTimes(1);
    expect(duplicates).toEqual(['in_flight']);
    await new Promise((r) => setTimeout(r, 5));
    expect(retryAcknowledged).toBe(false);
    settle.ack('priced order');
    expect(await Promise.all([first, retry])).toEqual(['priced order', 'priced order']);
  });

  it('answers an acknowledged id at once with the first send\'s result, without sending again', async () => {
    const { dedup, duplicates } = deduplicator();
    await dedup.acknowledgement('a', 'f', acked('first'));
    const again = acked('second');
    expect(await dedup.acknowledgement('a', 'f', again)).toBe('first');
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
    settle.ack('priced');
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
  const fingerprint = (body: OrderInput) => orderFingerprint(orderInputSchema.parse(body));

  it('is the same for a retry of the same body, with or without prices (the server prices the order)', () => {
    expect(fingerprint(input)).toBe(fingerprint(input));
    expect(fingerprint({ ...input, price: 120 })).toBe(fingerprint(input));
    expect(fingerprint({ ...input, items: [{ productId: '3', quantity: 2 }] })).toBe(fingerprint(input));
    expect(fingerprint({ ...input, items: [{ productId: 3, quantity: 2, price: 61 }] })).toBe(fingerprint(input));
  });

  it.each<[string, Partial<OrderInput>]>([
    ['another user', { userId: 8 }],
    ['another quantity', { items: [{ productId: '3', quantity: 3, price: 60 }] }],
    ['another product', { items: [{ productId: '4', quantity: 2, price: 60 }] }],
    ['another delivery point', { deliveryLon: 77.7 }],
    ['another status', { status: 'CANCELLED' }],
  ])('differs for %s', (_case, change) => {
    expect(fingerprint({ ...input, ...change })).not.toBe(fingerprint(input));
  });

  it('ignores createdAt, so an order read back from the topic (server-stamped) matches the client retry without one', () => {
    expect(fingerprint({ ...input, createdAt: new Date().toISOString() })).toBe(fingerprint(input));
    const stored = { ...orderInputSchema.parse(input), id: 'x', createdAt: new Date().toISOString(), price: 120 };
    expect(orderFingerprint(stored)).toBe(fingerprint(input));
  });
});

describe('OrderDeduplicator.restore', () => {
  it('answers a retry of an order acknowledged before this process started without sending it again', async () => {
    const dedup = new OrderDeduplicator<string>(10, () => undefined);
    dedup.restore('a', 'fp', '{"id":"a"}');
    let sent = 0;
    await expect(dedup.acknowledgement('a', 'fp', async () => String(++sent))).resolves.toBe('{"id":"a"}');
    expect(sent).toBe(0);
    expect(() => dedup.acknowledgement('a', 'other', async () => 'x')).toThrow(ConflictingOrderError);
  });
});
