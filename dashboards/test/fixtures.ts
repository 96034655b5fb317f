// Shared dashboard test fixtures: a fixed time T0 and a valid stream snapshot.
import type { DashboardSnapshot } from '../src/web/schemas.js';

export const T0 = Date.UTC(2026, 10, 25, 13, 37, 30);

/** A valid stream snapshot (the shape of pizzashop-api's /orders/stream `snapshot` event). */
export function snapshot(overrides: { orders?: number; window?: DashboardSnapshot['overview']['window']; freshnessMs?: number | null } = {}): DashboardSnapshot {
  const orders = overrides.orders ?? 968;
  return {
    generatedAt: new Date(T0).toISOString(),
    overview: {
      totalOrders: 17665,
      currentTimePeriod: { orders, totalPrice: orders * 4456 },
      previousTimePeriod: { orders: 958, totalPrice: 4281751 },
      window: overrides.window ?? '1m',
      freshnessMs: overrides.freshnessMs === undefined ? 1500 : overrides.freshnessMs,
    },
    popular: {
      items: [{ product: 'Margherita', image: '/images/products/1.jpg', orders: 12, quantity: 30 }],
      categories: [{ category: 'pizzas-veg', orders: 40, quantity: 95 }],
    },
    ordersPerMinute: [
      { timestamp: '2026-11-25 13:36:00', orders: 598, revenue: 2589579 },
      { timestamp: '2026-11-25 13:37:00', orders: 301, revenue: 1294000 },
    ],
  };
}
