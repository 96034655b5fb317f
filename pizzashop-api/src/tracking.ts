// Order tracking from Pinot: one order's status history and courier track, active deliveries, stuck
// orders and time in each status.
import { distanceKm, ORDER_STATUSES, timestampMs, type LatLon, type PinotQuerier } from '@pizzashop/common';
import { activeDeliveriesQuery, currentStatusQuery, recentChangesQuery, statusHistoryQuery, stuckQuery, trackQuery, type TrackingTables } from './tracking-queries.js';
import { WINDOWS, type ActiveDeliveries, type ActiveDeliveriesQuery, type StatusTimes, type StatusTimesQuery, type StuckOrders, type StuckQuery, type Tracking } from '@pizzashop/common/api-contracts';

const num = (cell: unknown) => (typeof cell === 'number' ? cell : Number(cell));
const iso = (ms: number) => new Date(ms).toISOString();

/** Track points a tracking answer carries at most (a courier publishes one per simulated second). */
const TRACK_LIMIT = 2000;
/** Status changes the time-in-status percentiles are computed from at most (the newest in the window). */
export const STATUS_TIMES_SAMPLE = 50_000;

export interface TrackPoint extends LatLon {
  ts: number;
}

/**
 * When the courier arrives: the remaining straight-line distance at the speed it made so far
 * (distance from its first to its latest point over the time between them). Null until it has
 * moved; the delivery time once delivered.
 */
export function estimateArrival(track: readonly TrackPoint[], dest: LatLon, deliveredAt: number | undefined): number | null {
  if (deliveredAt !== undefined) return deliveredAt;
  const first = track[0];
  const last = track.at(-1);
  if (!first || !last || last.ts <= first.ts) return null;
  const kmPerMs = distanceKm(first, last) / (last.ts - first.ts);
  if (kmPerMs <= 0) return null;
  return Math.round(last.ts + distanceKm(last, dest) / kmPerMs);
}

/** p-th percentile (nearest rank) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Time in each status from status changes: for every order with a status and the next one, the gap between them. */
export function timeInStatus(changes: readonly { id: string; status: string; ts: number }[]): Map<string, number[]> {
  const byOrder = new Map<string, Map<string, number>>();
  for (const c of changes) {
    let statuses = byOrder.get(c.id);
    if (!statuses) byOrder.set(c.id, (statuses = new Map()));
    statuses.set(c.status, c.ts);
  }
  const durations = new Map<string, number[]>();
  for (const statuses of byOrder.values()) {
    for (let i = 0; i < ORDER_STATUSES.length - 1; i++) {
      const from = statuses.get(ORDER_STATUSES[i]!);
      const to = statuses.get(ORDER_STATUSES[i + 1]!);
      if (from === undefined || to === undefined) continue;
      const list = durations.get(ORDER_STATUSES[i]!) ?? [];
      list.push(to - from);
      durations.set(ORDER_STATUSES[i]!, list);
    }
  }
  return durations;
}

/** An order's tracking rows as Pinot returns them: current status, status history, courier track. */
export interface TrackingRows {
  current: unknown[][];
  history: unknown[][];
  track: unknown[][];
}

/** The API's read model over the lifecycle tables (order_statuses, delivery_statuses). */
export class OrderTracking {
  constructor(
    private readonly pinot: PinotQuerier,
    private readonly tables: TrackingTables,
    private readonly shop: LatLon,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Reads an order's current status, status history and courier track (three queries at once). It
   * needs only the id, so it runs beside the order's own read; `describe` adds the destination.
   */
  async read(id: string): Promise<TrackingRows> {
    const [current, history, track] = await Promise.all([
      this.pinot.query(currentStatusQuery(this.tables, id), { name: 'order-status' }),
      this.pinot.query(statusHistoryQuery(this.tables, id), { name: 'order-status-history' }),
      this.pinot.query(trackQuery(this.tables, id, TRACK_LIMIT), { name: 'order-track' }),
    ]);
    return { current: current.rows, history: history.rows, track: track.rows };
  }

  /** Status history, current status, courier and ETA of an order going to `dest`, from its rows. */
  describe({ current, history, track }: TrackingRows, dest: LatLon): Tracking {
    const [status, since] = current[0] ?? [];
    const points = track.map(([lat, lon, ts]) => ({ lat: num(lat), lon: num(lon), ts: timestampMs(ts) }));
    const delivered = history.find(([s]) => s === 'DELIVERED');
    const last = points.at(-1);
    const eta = status === 'OUT_FOR_DELIVERY' || status === 'DELIVERED' ? estimateArrival(points, dest, delivered ? timestampMs(delivered[1]) : undefined) : null;
    return {
      status: status === undefined ? null : String(status),
      since: since === undefined ? null : iso(timestampMs(since)),
      history: history.map(([s, ts]) => ({ status: String(s), at: iso(timestampMs(ts)) })),
      courier: last ? { lat: last.lat, lon: last.lon, at: iso(last.ts), status: String(track.at(-1)![3]) } : null,
      track: points.map((p) => [p.lat, p.lon] as [number, number]),
      eta: eta === null ? null : iso(eta),
      shop: this.shop,
    };
  }

  /** p50/p90/p99/max time in each status, over the newest status changes of the window. */
  async statusTimes({ window }: StatusTimesQuery): Promise<StatusTimes> {
    const from = this.clock() - WINDOWS[window];
    const result = await this.pinot.query(recentChangesQuery(this.tables, from, STATUS_TIMES_SAMPLE), { name: 'status-changes' });
    const durations = timeInStatus(result.rows.map(([id, status, ts]) => ({ id: String(id), status: String(status), ts: timestampMs(ts) })));
    return {
      window,
      statusChanges: result.rows.length,
      sampled: result.rows.length >= STATUS_TIMES_SAMPLE,
      statuses: ORDER_STATUSES.slice(0, -1).map((status) => {
        const sorted = (durations.get(status) ?? []).sort((a, b) => a - b);
        if (sorted.length === 0) return { status, orders: 0, p50Ms: null, p90Ms: null, p99Ms: null, maxMs: null };
        return { status, orders: sorted.length, p50Ms: percentile(sorted, 50), p90Ms: percentile(sorted, 90), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1)! };
      }),
    };
  }

  async stuck({ status, minutes, limit }: StuckQuery): Promise<StuckOrders> {
    const now = this.clock();
    const result = await this.pinot.query(stuckQuery(this.tables, status, now - minutes * 60_000, limit), { name: 'stuck-orders' });
    return {
      minutes,
      orders: result.rows.map(([id, s, ts]) => ({ id: String(id), status: String(s), since: iso(timestampMs(ts)), minutesInStatus: Math.floor((now - timestampMs(ts)) / 60_000) })),
    };
  }

  async activeDeliveries({ lat = this.shop.lat, lon = this.shop.lon, km, limit }: ActiveDeliveriesQuery): Promise<ActiveDeliveries> {
    const result = await this.pinot.query(activeDeliveriesQuery(this.tables, lat, lon, km * 1000, limit), { name: 'active-deliveries' });
    return {
      center: { lat, lon },
      couriers: result.rows.map(([id, clat, clon, ts]) => ({ id: String(id), lat: num(clat), lon: num(clon), at: iso(timestampMs(ts)) })),
      stats: { numDocsScanned: result.numDocsScanned, numEntriesScannedInFilter: result.numEntriesScannedInFilter, totalDocs: result.totalDocs },
    };
  }
}
