import { distanceKm, ORDER_STATUSES } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { advance, courierAt, nextStatus, placed, stepMs, travelMs, type InFlight, type LifecycleSettings, type StateValue } from '../src/lifecycle.js';

const settings: LifecycleSettings = { shop: { lat: 12.975, lon: 77.625 }, stepMinMs: 1000, stepMaxMs: 3000, courierKmh: 30, speedup: 10 };
const dest = { lat: 12.995, lon: 77.645 };

describe('order lifecycle', () => {
  it('walks every status once, in order, and ends at DELIVERED', () => {
    let now = 0;
    let order: StateValue = placed(settings, dest, now, () => 0.5);
    const seen: string[] = [order.status];
    while (order.status !== 'DELIVERED') {
      now = (order as InFlight).nextAt;
      order = advance(settings, order as InFlight, now, () => 0.5);
      seen.push(order.status);
    }
    expect(seen).toEqual([...ORDER_STATUSES]);
    expect(nextStatus('DELIVERED')).toBeUndefined();
  });

  it('scales kitchen steps and travel by the speed-up', () => {
    expect(stepMs(settings, () => 0)).toBe(100);
    expect(stepMs(settings, () => 1)).toBe(300);
    const km = distanceKm(settings.shop, dest);
    expect(travelMs(settings, dest)).toBeCloseTo((km / 300) * 3_600_000, 3);
    const out = advance(settings, { status: 'BEING_COOKED', since: 0, nextAt: 0, dest }, 1000, () => 0) as InFlight;
    expect(out.status).toBe('OUT_FOR_DELIVERY');
    expect(out.nextAt - 1000).toBeCloseTo(travelMs(settings, dest), 3);
  });

  it('moves the courier from the shop to the destination in a straight line', () => {
    const order: InFlight = { status: 'OUT_FOR_DELIVERY', since: 1000, nextAt: 3000, dest };
    expect(courierAt(settings, order, 1000)).toEqual(settings.shop);
    const mid = courierAt(settings, order, 2000);
    expect(mid.lat).toBeCloseTo((settings.shop.lat + dest.lat) / 2, 9);
    expect(courierAt(settings, order, 9000)).toEqual(dest);
  });
});
