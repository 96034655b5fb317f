import { z } from 'zod';
import {
  popularResponseSchema,
  snapshotSchema,
  WINDOWS,
  type WindowName,
} from '../../../pizzashop-api/src/schemas.js';

/**
 * The page validates what it receives with pizzashop-api's own zod schemas (imported, not copied),
 * so a contract change shows up as a typecheck error here rather than as a blank card.
 */
export { alertsResponseSchema, errorResponseSchema, ordersPerMinuteResponseSchema, overviewResponseSchema } from '../../../pizzashop-api/src/schemas.js';
export type { OrdersPerMinute, Overview } from '../../../pizzashop-api/src/schemas.js';

export const WINDOW_NAMES = Object.keys(WINDOWS) as WindowName[];
export type { WindowName };

/** A top item; `category` picks the image placeholder and is used once the API reports it per item. */
const popularItemSchema = popularResponseSchema.shape.items.element.extend({ category: z.string().optional() });
export const popularSchema = popularResponseSchema.extend({ items: z.array(popularItemSchema) });
export const dashboardSnapshotSchema = snapshotSchema.extend({ popular: popularSchema });

export type PopularItem = z.infer<typeof popularItemSchema>;
export type Popular = z.infer<typeof popularSchema>;
export type DashboardSnapshot = z.infer<typeof dashboardSnapshotSchema>;

export function isWindowName(value: unknown): value is WindowName {
  return typeof value === 'string' && (WINDOW_NAMES as string[]).includes(value);
}
