// Tests RatePacer: the configured rate, catching up after slow sends, no burst after an outage.
import { describe, expect, it } from 'vitest';
import { RatePacer } from '../src/rate-pacer.js';

describe('RatePacer', () => {
  it('releases orders at the configured rate', () => {
    const pacer = new RatePacer(10, 0);
    expect(pacer.due(0, 100)).toBe(0);
    expect(pacer.delayUntilNext(0)).toBe(100);
    expect(pacer.due(1000, 100)).toBe(10);
    pacer.record(10);
    expect(pacer.due(1050, 100)).toBe(0);
    expect(pacer.delayUntilNext(1050)).toBe(50);
  });

  it('catches up after a slow send instead of drifting, capped by the batch size', () => {
    const pacer = new RatePacer(1000, 0);
    pacer.record(100);
    expect(pacer.due(800, 200)).toBe(200);
    expect(pacer.due(800, 10000)).toBe(700);
    expect(pacer.skipped).toBe(0);
  });

  it('skips what fell due more than a second ago (an outage): no burst afterwards', () => {
    const pacer = new RatePacer(100, 0);
    pacer.record(100);
    expect(pacer.due(31_000, 10_000)).toBe(100);
    expect(pacer.skipped).toBe(2900);
    pacer.record(100);
    expect(pacer.due(31_500, 10_000)).toBe(50);
  });

  it('is unpaced for Infinity', () => {
    const pacer = new RatePacer(Infinity, 0);
    expect(pacer.due(0, 500)).toBe(500);
    expect(pacer.delayUntilNext(0)).toBe(0);
  });

  it('sustains exactly rate x seconds over a long run', () => {
    const pacer = new RatePacer(37, 0);
    let sent = 0;
    for (let t = 0; t <= 60000; t += 8) {
      const n = pacer.due(t, 5);
      pacer.record(n);
      sent += n;
    }
    expect(sent).toBe(37 * 60);
  });
});
