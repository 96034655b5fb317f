// The order analytics the API serves from Pinot: overview, popular items and categories, orders per
// minute and one order's detail.
import { PinotQueryError, type PinotQuerier, type PinotResult } from '@pizzashop/common';
import { z } from 'zod';
import {
  orderProductsQuery,
  orderQuery,
  type PinotTables,
  ordersPerMinuteQuery,
  periodQuery,
  popularByMinuteQuery,
  popularPartialMinuteQuery,
  tableStatsQuery,
} from './queries.js';
import {
  type OrderDetail,
  type OrdersPerMinute,
  type OrdersPerMinuteQuery,
  type Overview,
  type OverviewQuery,
  type Popular,
  type PopularQuery,
} from '@pizzashop/common/api-contracts';
import { rankPopular } from './popular-ranking.js';
import { comparedPeriods, formatMinute, MINUTE_MS, minuteBuckets, popularRanges } from './time-windows.js';

/** A number from a Pinot cell; empty aggregations come back as null, NaN or "-Infinity" and count as 0. */
function num(cell: unknown): number {
  const n = typeof cell === 'number' ? cell : Number(cell);
  return Number.isFinite(n) ? n : 0;
}

function firstRow(result: PinotResult): unknown[] {
  return result.rows[0] ?? [];
}

const storedItemsSchema = z.array(z.object({ productId: z.coerce.string(), quantity: z.number(), price: z.number() }));

/** The API's read model over Pinot: each method runs its queries in parallel and shapes the answer. */
export class OrdersAnalytics {
  constructor(
    private readonly pinot: PinotQuerier,
    private readonly tables: PinotTables,
    private readonly clock: () => number = Date.now,
  ) {}

  async overview({ window, at }: OverviewQuery): Promise<Overview> {
    const { current, previous } = comparedPeriods(window, at);
    const [stats, currentPeriod, previousPeriod] = await Promise.all([
      this.pinot.query(tableStatsQuery(this.tables), { name: 'table-stats' }),
      this.pinot.query(periodQuery(this.tables, current), { name: 'overview-current' }),
      this.pinot.query(periodQuery(this.tables, previous), { name: 'overview-previous' }),
    ]);
    const [totalOrders, newestTs] = firstRow(stats);
    const [currentOrders, currentTotal] = firstRow(currentPeriod);
    const [previousOrders, previousTotal] = firstRow(previousPeriod);
    const total = num(totalOrders);
    return {
      totalOrders: total,
      currentTimePeriod: { orders: num(currentOrders), totalPrice: num(currentTotal) },
      previousTimePeriod: { orders: num(previousOrders), totalPrice: num(previousTotal) },
      window,
      freshnessMs: total > 0 && num(newestTs) > 0 ? Math.max(0, this.clock() - num(newestTs)) : null,
    };
  }

  /**
   * Orders and units per product and per category, exact: the window's whole minutes come from the
   * per-minute rollup and a partial first minute from the items table (see popularRanges); an
   * order's items share its time, so each order is counted on one side only.
   */
  async popular({ window, limit, at }: PopularQuery): Promise<Popular> {
    const { minutes, partialMinute } = popularRanges(window, at, this.clock());
    const [byMinute, partialMinuteRows] = await Promise.all([
      this.pinot.query(popularByMinuteQuery(this.tables, minutes), { name: 'popular-by-minute' }),
      partialMinute ? this.pinot.query(popularPartialMinuteQuery(this.tables, partialMinute), { name: 'popular-partial-minute' }) : undefined,
    ]);
    const rows = [...byMinute.rows, ...(partialMinuteRows?.rows ?? [])];
    return rankPopular(
      rows.map(([product, image, category, lines, units, categoryOrders]) => ({
        product: String(product),
        image: String(image),
        category: String(category),
        orders: num(lines),
        quantity: num(units),
        categoryOrders: num(categoryOrders),
      })),
      limit,
    );
  }

  /** One row per minute, oldest first; minutes without orders are present with zeros. */
  async ordersPerMinute({ minutes, at }: OrdersPerMinuteQuery): Promise<OrdersPerMinute> {
    const { starts, range } = minuteBuckets(minutes, at, this.clock());
    const result = await this.pinot.query(ordersPerMinuteQuery(this.tables, range, minutes), { name: 'orders-per-minute' });
    const byMinute = new Map(result.rows.map(([minute, orders, revenue]) => [num(minute) * MINUTE_MS, { orders: num(orders), revenue: num(revenue) }]));
    return starts.map((start) => ({ timestamp: formatMinute(start), ...(byMinute.get(start) ?? { orders: 0, revenue: 0 }) }));
  }

  /** The order with its items, each joined with the product the enricher attached; null when unknown. */
  async order(id: string): Promise<Omit<OrderDetail, 'tracking'> | null> {
    const [orderResult, productsResult] = await Promise.all([
      this.pinot.query(orderQuery(this.tables, id), { name: 'order' }),
      this.pinot.query(orderProductsQuery(this.tables, id), { name: 'order-products' }),
    ]);
    const row = orderResult.rows[0];
    if (!row) return null;
    const [orderId, createdAt, userId, status, price, deliveryLat, deliveryLon, itemsJson] = row;
    const items = parseStoredItems(id, itemsJson);
    const products = new Map(
      productsResult.rows.map(([productId, name, category, image, productPrice]) => [
        String(productId),
        { name: String(name), category: String(category), image: String(image), price: num(productPrice) },
      ]),
    );
    return {
      id: String(orderId),
      createdAt: String(createdAt),
      userId: num(userId),
      status: String(status),
      price: num(price),
      itemCount: items.length,
      deliveryLat: num(deliveryLat),
      deliveryLon: num(deliveryLon),
      items: items.map((item) => ({ ...item, product: products.get(item.productId) ?? null })),
    };
  }
}

function parseStoredItems(orderId: string, itemsJson: unknown): z.infer<typeof storedItemsSchema> {
  const parsed = storedItemsSchema.safeParse(typeof itemsJson === 'string' ? parseJsonOrUndefined(itemsJson) : itemsJson);
  if (!parsed.success) {
    throw new PinotQueryError(`order ${orderId}: Pinot returned an items column that is not a list of {productId, quantity, price}`);
  }
  return parsed.data;
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
