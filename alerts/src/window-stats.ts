/** What one window of orders holds: orders, their revenue, and units sold per category. */
export interface WindowStats {
  from: number;
  to: number;
  orders: number;
  revenue: number;
  units: Record<string, number>;
}

/** Where the windows come from (Pinot in the service, arrays in tests). */
export interface WindowSource {
  /** `count` back-to-back windows of `width` ms from `from`, oldest first (one query, not one per window). */
  series(from: number, width: number, count: number): Promise<WindowStats[]>;
  /** The oldest order time held (null: no order at all): baseline windows before it have no data. */
  oldestOrderTime(): Promise<number | null>;
}

export function totalUnits(stats: WindowStats): number {
  return Object.values(stats.units).reduce((a, b) => a + b, 0);
}
