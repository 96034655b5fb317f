// Unit tests of the delivery-service's due-time queue: earliest first, a cycle's cap, ties kept together.
import { describe, expect, it } from 'vitest';
import { DueQueue } from '../src/due-queue.js';

function queueOf(times: number[]): DueQueue<string> {
  const q = new DueQueue<string>();
  for (const [i, at] of times.entries()) q.push(at, `${at}#${i}`);
  return q;
}

describe('DueQueue', () => {
  it('takes every item due by now, earliest first, and leaves the later ones', () => {
    const q = queueOf([50, 10, 40, 30, 20, 60]);
    const taken = q.takeDue(45, 100);
    expect(taken.items.map((s) => Number(s.split('#')[0]))).toEqual([10, 20, 30, 40]);
    expect(taken.through).toBe(45);
    expect(q.size).toBe(2);
    expect(q.peek()).toBe(50);
  });

  it('stops at the cap and says every item due before the first one left was taken', () => {
    const q = queueOf([10, 20, 30, 40]);
    const taken = q.takeDue(100, 2);
    expect(taken.items).toHaveLength(2);
    expect(taken.through).toBe(29);
    expect(q.takeDue(100, 2)).toEqual({ items: ['30#2', '40#3'], through: 100 });
  });

  it('takes items due at the same time as the last one together, past the cap', () => {
    const q = queueOf([10, 20, 20, 20, 30]);
    const taken = q.takeDue(100, 2);
    expect(taken.items).toHaveLength(4);
    expect(taken.through).toBe(29);
  });

  it('orders many random times like a sort', () => {
    const times = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 503);
    const q = queueOf(times);
    const taken = q.takeDue(Infinity, Infinity);
    expect(taken.items.map((s) => Number(s.split('#')[0]))).toEqual([...times].sort((a, b) => a - b));
    expect(q.size).toBe(0);
    expect(q.takeDue(0, 1)).toEqual({ items: [], through: 0 });
  });
});
