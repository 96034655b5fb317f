// The API response schemas the page validates with, re-exported from @pizzashop/common/api-contracts.
import { z } from 'zod';
import {
  popularResponseSchema,
  snapshotSchema,
  WINDOWS,
  type WindowName,
} from '@pizzashop/common/api-contracts';

/**
 * The page validates what it receives with the API's own zod schemas (@pizzashop/common/api-contracts, not copied),
 * so a contract change shows up as a typecheck error here rather than as a blank card.
 */
export { alertsResponseSchema, errorResponseSchema, ordersPerMinuteResponseSchema, overviewResponseSchema } from '@pizzashop/common/api-contracts';
export type { OrdersPerMinute, Overview } from '@pizzashop/common/api-contracts';

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
