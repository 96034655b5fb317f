// The order lifecycle as pure functions of time: which status comes next and when, and where the
// courier is. The service only schedules and publishes what these say.
import { distanceKm, interpolate, ORDER_STATUSES, type LatLon, type OrderStatus } from '@pizzashop/common';
import { z } from 'zod';

/** An order on its way: its current status since when, when the next one is due, where it goes. */
export const inFlightSchema = z.object({
  status: z.enum(ORDER_STATUSES),
  since: z.number(),
  nextAt: z.number(),
  dest: z.object({ lat: z.number(), lon: z.number() }),
});
export type InFlight = z.infer<typeof inFlightSchema>;

/** The value of a state record: an order on its way, or one delivered (kept so a redelivered order is not started again). */
export const stateValueSchema = z.union([inFlightSchema, z.object({ status: z.literal('DELIVERED'), since: z.number() })]);
export type StateValue = z.infer<typeof stateValueSchema>;

export interface LifecycleSettings {
  shop: LatLon;
  stepMinMs: number;
  stepMaxMs: number;
  courierKmh: number;
  speedup: number;
}

/** The status after `status` (DELIVERED has none). */
export function nextStatus(status: OrderStatus): OrderStatus | undefined {
  return ORDER_STATUSES[ORDER_STATUSES.indexOf(status) + 1];
}

/** Real milliseconds of one kitchen step: uniform in [min, max], divided by the speed-up. */
export function stepMs(s: LifecycleSettings, random: () => number): number {
  return (s.stepMinMs + (s.stepMaxMs - s.stepMinMs) * random()) / s.speedup;
}

/** Real milliseconds the courier needs from the shop to `dest`. */
export function travelMs(s: LifecycleSettings, dest: LatLon): number {
  return (distanceKm(s.shop, dest) / (s.courierKmh * s.speedup)) * 3_600_000;
}

/** A new order: PLACED_ORDER now. */
export function placed(s: LifecycleSettings, dest: LatLon, now: number, random: () => number): InFlight {
  return { status: 'PLACED_ORDER', since: now, nextAt: now + stepMs(s, random), dest };
}

/** The order one status further, entered at `now`; DELIVERED ends it. */
export function advance(s: LifecycleSettings, order: InFlight, now: number, random: () => number): StateValue {
  const status = nextStatus(order.status);
  if (status === undefined || status === 'DELIVERED') return { status: 'DELIVERED', since: now };
  const due = status === 'OUT_FOR_DELIVERY' ? travelMs(s, order.dest) : stepMs(s, random);
  return { status, since: now, nextAt: now + due, dest: order.dest };
}

/** Where the courier of an order OUT_FOR_DELIVERY is at `now` (straight line at constant speed). */
export function courierAt(s: LifecycleSettings, order: InFlight, now: number): LatLon {
  const span = order.nextAt - order.since;
  return interpolate(s.shop, order.dest, span <= 0 ? 1 : (now - order.since) / span);
}
