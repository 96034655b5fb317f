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

  async stats(from: number, to: number): Promise<WindowStats> {
    const [totals, categories] = await Promise.all([
      this.pinot.query(sql`SELECT COUNT(*), SUM(price) FROM ${this.orders} WHERE ts >= ${from} AND ts < ${to}`, { name: 'alerts-window' }),
      this.pinot.query(sql`SELECT category, SUM(quantity) FROM ${this.items} WHERE ts >= ${from} AND ts < ${to} GROUP BY category LIMIT 1000`, {
        name: 'alerts-window-categories',
      }),
    ]);
    const [orders, revenue] = totals.rows[0] ?? [];
    return { from, to, orders: num(orders), revenue: num(revenue), units: Object.fromEntries(categories.rows.map(([c, u]) => [String(c), num(u)])) };
  }

  async oldestOrderTime(): Promise<number | null> {
    const result = await this.pinot.query(sql`SELECT COUNT(*), MIN(ts) FROM ${this.orders}`, { name: 'alerts-oldest' });
    const [count, oldest] = result.rows[0] ?? [];
    return num(count) > 0 ? num(oldest) : null;
  }
}
