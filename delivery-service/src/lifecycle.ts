// The order lifecycle as pure functions of time: an order's plan (when it enters each status,
// decided once when it is taken in) and where its courier is. The service only publishes what these say.
import { distanceKm, interpolate, ORDER_STATUSES, type LatLon } from '@pizzashop/common';
import { z } from 'zod';

const latLonSchema = z.object({ lat: z.number(), lon: z.number() });

/** When the order enters each status of ORDER_STATUSES (epoch ms, strictly increasing) and where it goes. */
export const planSchema = z.object({ at: z.array(z.number().int()).length(ORDER_STATUSES.length), dest: latLonSchema });
export type Plan = z.infer<typeof planSchema>;

/** The state record of version 1 (one per status change): read at start so orders in flight then are not lost. */
export const legacyStateSchema = z.union([
  z.object({ status: z.enum(ORDER_STATUSES), since: z.number(), nextAt: z.number(), dest: latLonSchema }),
  z.object({ status: z.literal('DELIVERED'), since: z.number() }),
]);
export type LegacyState = z.infer<typeof legacyStateSchema>;

export interface LifecycleSettings {
  shop: LatLon;
  stepMinMs: number;
  stepMaxMs: number;
  courierKmh: number;
  speedup: number;
}

/** Index of DELIVERED, the last status; OUT_FOR_DELIVERY is the one before. */
export const DELIVERED = ORDER_STATUSES.length - 1;
export const OUT_FOR_DELIVERY = DELIVERED - 1;

/** Real milliseconds of one kitchen step: uniform in [min, max], divided by the speed-up. */
export function stepMs(s: LifecycleSettings, random: () => number): number {
  return (s.stepMinMs + (s.stepMaxMs - s.stepMinMs) * random()) / s.speedup;
}

/** Real milliseconds the courier needs from the shop to `dest`. */
export function travelMs(s: LifecycleSettings, dest: LatLon): number {
  return (distanceKm(s.shop, dest) / (s.courierKmh * s.speedup)) * 3_600_000;
}

/** Times from `first` on: each kitchen step a random duration, then the courier's travel; each at least 1 ms after the one before. */
function schedule(s: LifecycleSettings, dest: LatLon, first: number, from: number, step: () => number): number[] {
  const at = [Math.round(first)];
  for (let i = from + 1; i < ORDER_STATUSES.length; i++) {
    const due = i === DELIVERED ? travelMs(s, dest) : step();
    at.push(Math.max(at.at(-1)! + 1, Math.round(at.at(-1)! + due)));
  }
  return at;
}

/** A new order taken in at `now`: PLACED_ORDER now, every later status at a time drawn now. */
export function plan(s: LifecycleSettings, dest: LatLon, now: number, random: () => number): Plan {
  return { at: schedule(s, dest, now, 0, () => stepMs(s, random)), dest };
}

/**
 * A version-1 state record as a plan and how many of its statuses were published: those up to its
 * status, at `since`; the next at `nextAt`, later kitchen steps the middle of their range (the same
 * plan at every start, until the service writes it as a plan record).
 */
export function fromLegacy(s: LifecycleSettings, state: Extract<LegacyState, { nextAt: number }>): { plan: Plan; published: number } {
  const current = ORDER_STATUSES.indexOf(state.status);
  const before = Array.from({ length: current }, () => Math.round(state.since) - 1);
  const rest = schedule(s, state.dest, state.nextAt, current + 1, () => (s.stepMinMs + s.stepMaxMs) / 2 / s.speedup);
  return { plan: { at: [...before, Math.round(state.since), ...rest], dest: state.dest }, published: current + 1 };
}

/** How many statuses of `plan` are due by `t` (its statuses 0..n-1). */
export function dueBy(plan: Plan, t: number): number {
  let n = 0;
  while (n < plan.at.length && plan.at[n]! <= t) n++;
  return n;
}

/** Where the courier of `plan` is at `t` (straight line at constant speed from OUT_FOR_DELIVERY to DELIVERED). */
export function courierAt(s: LifecycleSettings, plan: Plan, t: number): LatLon {
  const start = plan.at[OUT_FOR_DELIVERY]!;
  const span = plan.at[DELIVERED]! - start;
  return interpolate(s.shop, plan.dest, span <= 0 ? 1 : Math.min(1, Math.max(0, (t - start) / span)));
}
