// Unit tests of BrokerPool: queries take turns over the brokers in service; a failed broker waits out of service until it is back.
import { describe, expect, it } from 'vitest';
import { BrokerPool } from '../src/pinot/broker-pool.js';

const settle = () => new Promise((r) => setImmediate(r));

function pool(brokers: string[], isBack: (b: string) => Promise<boolean> = async () => false) {
  const clock = { now: 0 };
  const checked: string[] = [];
  const p = new BrokerPool(brokers, { recheckMs: 1000, now: () => clock.now, isBack: (b) => (checked.push(b), isBack(b)) });
  return { p, clock, checked };
}

describe('BrokerPool', () => {
  it('starts each query at the next broker in service', () => {
    const { p } = pool(['a', 'b', 'c']);
    expect([p.order(), p.order(), p.order(), p.order()].map((o) => o.join(''))).toEqual(['abc', 'bca', 'cab', 'abc']);
  });

  it('puts `first` ahead when it is in service (a Pinot exception goes back to the broker that saw it)', () => {
    const { p } = pool(['a', 'b']);
    expect(p.order('b')).toEqual(['b', 'a']);
    p.failed('b');
    expect(p.order('b')).toEqual(['a', 'b']);
  });

  it('tries a failed broker only after those in service, and asks it in the background every recheck interval', async () => {
    const { p, clock, checked } = pool(['a', 'b']);
    p.failed('a');
    expect(p.order()).toEqual(['b', 'a']);
    expect(p.order()).toEqual(['b', 'a']);
    expect(checked).toEqual([]);
    clock.now = 1000;
    p.order();
    p.order();
    expect(checked).toEqual(['a']);
    await settle();
    expect(p.unavailable).toEqual(['a']);
    clock.now = 1500;
    p.order();
    expect(checked).toEqual(['a']);
    clock.now = 2000;
    p.order();
    expect(checked).toEqual(['a', 'a']);
  });

  it('takes a broker back into the rotation once it is back, or once it answered as the last resort', async () => {
    const { p, clock } = pool(['a', 'b'], async (b) => b === 'a');
    p.failed('a');
    p.failed('b');
    expect(p.order()).toEqual(['a', 'b']);
    clock.now = 1000;
    p.order();
    await settle();
    expect(p.unavailable).toEqual(['b']);
    p.answered('b');
    expect(p.unavailable).toEqual([]);
  });

  it('keeps a broker out when its check fails with an error', async () => {
    const { p, clock } = pool(['a', 'b'], () => Promise.reject(new Error('refused')));
    p.failed('a');
    clock.now = 1000;
    p.order();
    await settle();
    expect(p.unavailable).toEqual(['a']);
  });
});
