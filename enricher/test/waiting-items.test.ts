// Unit tests of WaitingItems: parking items for unknown products and releasing them.
import type { Product } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { joinOrder } from '../src/join.js';
import { parseWaitingItem, waitingItemKey } from '../src/waiting-item.js';
import { WaitingItems } from '../src/waiting-items.js';
import { order, version } from './fixtures.js';

const t0 = new Date('2026-11-25T13:40:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const parked = (partition: number, offset: string, since = t0) => joinOrder(order, () => undefined, { partition, offset }, since).waiting;
const p2: Product = { id: '2', name: 'two', description: 'd', category: 'c', image: 'i', price: 102 };

describe('WaitingItems', () => {
  it('releases an item once its product is known', () => {
    const buffer = new WaitingItems();
    buffer.add(parked(0, '1'));
    expect(buffer.size).toBe(3);
    const known = new Map([['2', version(p2)]]);
    const r = buffer.releasable(0, (id) => known.get(id), at(1000), 60000, 100);
    expect(r.ready.map((x) => [x.item.itemIndex, x.version.product?.name])).toEqual([[1, 'two']]);
    expect(r.expired).toEqual([]);
    buffer.remove(r.ready.map((x) => x.item));
    expect(buffer.size).toBe(2);
  });

  it('looks products up at the order time, not now', () => {
    const buffer = new WaitingItems();
    buffer.add(parked(0, '1'));
    const times: number[] = [];
    buffer.releasable(0, (_id, time) => (times.push(time), undefined), at(1000), 60000, 100);
    expect(new Set(times)).toEqual(new Set([Date.parse(order.createdAt)]));
  });

  it('expires items after the timeout, measured from when they started waiting', () => {
    const buffer = new WaitingItems();
    buffer.add(parked(0, '1'));
    expect(buffer.releasable(0, () => undefined, at(59999), 60000, 100).expired).toEqual([]);
    expect(buffer.releasable(0, () => undefined, at(60000), 60000, 100).expired).toHaveLength(3);
  });

  it('caps one release at the limit', () => {
    const buffer = new WaitingItems();
    buffer.add(parked(0, '1'));
    expect(buffer.releasable(0, () => undefined, at(60000), 60000, 2).expired).toHaveLength(2);
  });

  it('keeps partitions apart: drop on revoke, replace on restore, idempotent adds', () => {
    const buffer = new WaitingItems();
    buffer.add(parked(0, '1'));
    buffer.add(parked(1, '5'));
    buffer.add(parked(1, '5'));
    expect(buffer.size).toBe(6);
    buffer.dropPartition(0);
    expect(buffer.size).toBe(3);
    expect(buffer.items(0)).toEqual([]);
    buffer.replacePartition(1, parked(1, '5').slice(0, 1));
    expect(buffer.size).toBe(1);
    const [item] = buffer.items(1);
    buffer.removeKey(1, waitingItemKey(item!));
    expect(buffer.size).toBe(0);
  });

  it('round-trips waiting items through their topic encoding', () => {
    const [item] = parked(2, '9');
    expect(parseWaitingItem(Buffer.from(JSON.stringify(item)))).toEqual(item);
    expect(parseWaitingItem(Buffer.from('{'))).toBeUndefined();
    expect(parseWaitingItem(Buffer.from('{}'))).toBeUndefined();
  });
});
