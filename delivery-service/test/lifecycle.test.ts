// Unit tests of the order lifecycle: status plan, step times, travel and courier position.
import { distanceKm, ORDER_STATUSES } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { courierAt, DELIVERED, dueBy, fromLegacy, OUT_FOR_DELIVERY, plan, stepMs, travelMs, type LifecycleSettings } from '../src/lifecycle.js';

const settings: LifecycleSettings = { shop: { lat: 12.975, lon: 77.625 }, stepMinMs: 1000, stepMaxMs: 3000, courierKmh: 30, speedup: 10 };
const dest = { lat: 12.995, lon: 77.645 };

describe('order lifecycle', () => {
  it('plans every status once, in order, at strictly increasing times, ending with the travel', () => {
    const p = plan(settings, dest, 1000, () => 0.5);
    expect(p.at).toHaveLength(ORDER_STATUSES.length);
    expect(p.at[0]).toBe(1000);
    for (let i = 1; i < p.at.length; i++) expect(p.at[i]!).toBeGreaterThan(p.at[i - 1]!);
    expect(p.at[1]! - p.at[0]!).toBe(200);
    expect(p.at[DELIVERED]! - p.at[OUT_FOR_DELIVERY]!).toBe(Math.round(travelMs(settings, dest)));
  });

  it('keeps a status at least 1 ms after the one before, even with no travel', () => {
    const p = plan(settings, settings.shop, 0, () => 0);
    expect(p.at[DELIVERED]! - p.at[OUT_FOR_DELIVERY]!).toBe(1);
  });

  it('says how many statuses are due by a time', () => {
    const p = plan(settings, dest, 1000, () => 0.5);
    expect(dueBy(p, 999)).toBe(0);
    expect(dueBy(p, 1000)).toBe(1);
    expect(dueBy(p, p.at[3]!)).toBe(4);
    expect(dueBy(p, p.at[DELIVERED]!)).toBe(ORDER_STATUSES.length);
  });

  it('scales kitchen steps and travel by the speed-up', () => {
    expect(stepMs(settings, () => 0)).toBe(100);
    expect(stepMs(settings, () => 1)).toBe(300);
    expect(travelMs(settings, dest)).toBeCloseTo((distanceKm(settings.shop, dest) / 300) * 3_600_000, 3);
  });

  it('moves the courier from the shop to the destination in a straight line', () => {
    const p = { at: [0, 1, 2, 3, 1000, 3000], dest };
    expect(courierAt(settings, p, 1000)).toEqual(settings.shop);
    expect(courierAt(settings, p, 2000).lat).toBeCloseTo((settings.shop.lat + dest.lat) / 2, 9);
    expect(courierAt(settings, p, 9000)).toEqual(dest);
  });

  it('turns a version-1 state record into the same plan every time, its statuses up to the current one published', () => {
    const legacy = { status: 'BEING_PREPARED' as const, since: 5000, nextAt: 5150.4, dest };
    const a = fromLegacy(settings, legacy);
    expect(a).toEqual(fromLegacy(settings, legacy));
    expect(a.published).toBe(3);
    expect(a.plan.at).toHaveLength(ORDER_STATUSES.length);
    expect(a.plan.at[2]).toBe(5000);
    expect(a.plan.at[3]).toBe(5150);
    expect(a.plan.at[4]).toBe(5150 + 200);
    expect(dueBy(a.plan, 5149)).toBe(3);
  });
});
