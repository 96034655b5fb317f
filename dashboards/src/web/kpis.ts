// The three KPI cards of an overview (orders, revenue, average order value) against the previous window.
import { computeDelta, describeDelta, type DeltaView } from './delta.js';
import { formatCount, formatRupees, formatRupeesPaise } from './format.js';
import type { Overview } from './schemas.js';
import { WINDOW_TEXT } from './view/windows.js';

export type KpiKey = 'orders' | 'revenue' | 'averageOrderValue';

export interface Kpi {
  key: KpiKey;
  label: string;
  /** The raw number (null: not defined, e.g. the average of no orders). */
  value: number | null;
  text: string;
  delta: DeltaView;
}

const average = (total: number, orders: number) => (orders > 0 ? total / orders : null);

/** The three KPI cards of an overview: orders, revenue, average order value, each against the previous window. */
export function kpisOf(overview: Overview): Kpi[] {
  const { currentTimePeriod: now, previousTimePeriod: before } = overview;
  const previousLabel = WINDOW_TEXT[overview.window].previous;
  const card = (key: KpiKey, label: string, value: number | null, previous: number | null, format: (n: number) => string): Kpi => ({
    key,
    label,
    value,
    text: value === null ? '—' : format(value),
    delta: describeDelta(computeDelta(value, previous), format, previousLabel),
  });
  return [
    card('orders', 'Orders', now.orders, before.orders, formatCount),
    card('revenue', 'Revenue', now.totalPrice, before.totalPrice, formatRupees),
    card('averageOrderValue', 'Average order value', average(now.totalPrice, now.orders), average(before.totalPrice, before.orders), formatRupeesPaise),
  ];
}
