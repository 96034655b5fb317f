// What the tracking page shows, as pure functions of the API's answer (unit-tested without a DOM).
import { ORDER_STATUSES as STATUSES } from '@pizzashop/common/order-status';
import { z } from 'zod';

export { STATUSES };

export const STATUS_LABELS: Record<(typeof STATUSES)[number], string> = {
  PLACED_ORDER: 'Order placed',
  ORDER_CONFIRMED: 'Confirmed',
  BEING_PREPARED: 'Being prepared',
  BEING_COOKED: 'In the oven',
  OUT_FOR_DELIVERY: 'On its way',
  DELIVERED: 'Delivered',
};

const point = z.object({ lat: z.number(), lon: z.number() });

/** The part of pizzashop-api's OrderDetail the page reads. */
export const trackedOrderSchema = z.object({
  id: z.string(),
  deliveryLat: z.number(),
  deliveryLon: z.number(),
  tracking: z.object({
    status: z.string().nullable(),
    history: z.array(z.object({ status: z.string(), at: z.string() })),
    courier: point.extend({ at: z.string(), status: z.string() }).nullable(),
    track: z.array(z.tuple([z.number(), z.number()])),
    eta: z.string().nullable(),
    shop: point,
  }),
});
export type TrackedOrder = z.infer<typeof trackedOrderSchema>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The order id in a /track/<id> path, or null when it is not an order id. */
export function orderIdFromPath(path: string): string | null {
  const raw = decodeURIComponent(path.replace(/^\/track\/?/, '').replace(/\/$/, ''));
  return UUID.test(raw) ? raw.toLowerCase() : null;
}

export interface TimelineStep {
  status: string;
  label: string;
  state: 'done' | 'current' | 'next';
  at: string | null;
}

/** Every status with its time when reached; the current one marked (all done once delivered). */
export function timeline(order: TrackedOrder): TimelineStep[] {
  const reached = new Map(order.tracking.history.map((h) => [h.status, h.at]));
  const current = order.tracking.status ?? 'PLACED_ORDER';
  const currentIndex = STATUSES.indexOf(current as (typeof STATUSES)[number]);
  return STATUSES.map((status, i) => ({
    status,
    label: STATUS_LABELS[status],
    state: i < currentIndex || current === 'DELIVERED' ? 'done' : i === currentIndex ? 'current' : 'next',
    at: reached.get(status) ?? null,
  }));
}

export interface Projection {
  (p: { lat: number; lon: number }): { x: number; y: number };
}

/**
 * An equirectangular projection of the points' bounding box (with a margin) onto a width x height
 * box, north up, longitudes shrunk by cos(latitude) so distances look right.
 */
export function fitProjection(points: readonly { lat: number; lon: number }[], width: number, height: number, margin = 30): Projection {
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const kx = Math.cos((midLat * Math.PI) / 180);
  const minX = Math.min(...lons) * kx;
  const maxX = Math.max(...lons) * kx;
  const minY = Math.min(...lats);
  const maxY = Math.max(...lats);
  const span = Math.max(maxX - minX, maxY - minY, 1e-4);
  const scale = Math.min((width - 2 * margin) / Math.max(maxX - minX, span / 4), (height - 2 * margin) / Math.max(maxY - minY, span / 4));
  const offX = (width - (maxX - minX) * scale) / 2;
  const offY = (height - (maxY - minY) * scale) / 2;
  return (p) => ({ x: offX + (p.lon * kx - minX) * scale, y: height - (offY + (p.lat - minY) * scale) });
}

/** "12:41" in the viewer's time zone. */
export function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-IN', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** What the ETA line says. */
export function etaText(order: TrackedOrder, now: number): string {
  const { status, eta } = order.tracking;
  if (status === 'DELIVERED') return eta ? `delivered at ${clock(eta)}` : 'delivered';
  if (!eta) return status === 'OUT_FOR_DELIVERY' ? 'estimating…' : 'once your pizza leaves the shop';
  const minutes = Math.max(0, Math.round((Date.parse(eta) - now) / 60_000));
  return `${clock(eta)} (${minutes < 1 ? 'under a minute' : `in about ${minutes} min`})`;
}
