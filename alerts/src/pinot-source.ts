// Reads a window's order count, revenue and units per category from Pinot, for the detector.
import { identifier, sql, type PinotQuerier } from '@pizzashop/common';
import type { WindowSource, WindowStats } from './window-stats.js';

function num(cell: unknown): number {
  const n = typeof cell === 'number' ? cell : Number(cell);
  return Number.isFinite(n) ? n : 0;
}

/** Windows of orders from Pinot: `orders` for counts and revenue, `order_items_enriched` for units per category. */
export class PinotWindowSource implements WindowSource {
  private readonly orders;
  private readonly items;

  constructor(
    private readonly pinot: PinotQuerier,
    tables: { PINOT_ORDERS_TABLE: string; PINOT_ORDER_ITEMS_TABLE: string },
  ) {
    this.orders = identifier(tables.PINOT_ORDERS_TABLE);
    this.items = identifier(tables.PINOT_ORDER_ITEMS_TABLE);
  }

  async series(from: number, width: number, count: number): Promise<WindowStats[]> {
    const to = from + width * count;
    const bucket = sql`FLOOR((ts - ${from}) / ${width})`;
    const [totals, categories] = await Promise.all([
      this.pinot.query(sql`SELECT ${bucket}, COUNT(*), SUM(price) FROM ${this.orders} WHERE ts >= ${from} AND ts < ${to} GROUP BY ${bucket} LIMIT ${count}`, { name: 'alerts-windows' }),
      this.pinot.query(sql`SELECT ${bucket}, category, SUM(quantity) FROM ${this.items} WHERE ts >= ${from} AND ts < ${to} GROUP BY ${bucket}, category LIMIT ${count * 100}`, {
        name: 'alerts-windows-categories',
      }),
    ]);
    const windows: WindowStats[] = Array.from({ length: count }, (_, i) => ({ from: from + i * width, to: from + (i + 1) * width, orders: 0, revenue: 0, units: {} }));
    for (const [b, orders, revenue] of totals.rows) {
      const w = windows[num(b)];
      if (w) Object.assign(w, { orders: num(orders), revenue: num(revenue) });
    }
    for (const [b, category, units] of categories.rows) {
      const w = windows[num(b)];
      if (w) w.units[String(category)] = num(units);
    }
    return windows;
  }

  async oldestOrderTime(): Promise<number | null> {
    const result = await this.pinot.query(sql`SELECT COUNT(*), MIN(ts) FROM ${this.orders}`, { name: 'alerts-oldest' });
    const [count, oldest] = result.rows[0] ?? [];
    return num(count) > 0 ? num(oldest) : null;
  }
}
