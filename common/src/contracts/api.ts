// The HTTP contract of pizzashop-api (query and response zod schemas), shared by the API and the dashboard page;
// it imports only zod and zod-only contracts so the browser bundle can include it (@pizzashop/common/api-contracts).
import { ORDER_STATUSES } from './order-status.js';
import { alertSchema } from './alert.js';
import { z } from 'zod';

/** Named schemas that become `components.schemas` in the OpenAPI document. */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

/**
 * The zod schemas that validate every request and response of the API. The OpenAPI document is
 * generated from these same objects, so the documentation cannot drift from what is enforced.
 */

export const WINDOWS = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000 } as const;
export type WindowName = keyof typeof WINDOWS;

const windowParam = z
  .enum(Object.keys(WINDOWS) as [WindowName, ...WindowName[]])
  .default('1m')
  .meta({ description: 'Length of the current period; the previous period is the same length just before it.' });

/** Windows end at `at` (default: now); bounded so a typo cannot ask for a scan of decades. */
const MAX_LOOKBACK_MS = 400 * 24 * 3_600_000;
export const MINUTE_MS = 60_000;
const atParam = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 timestamp with a zone, e.g. 2026-11-25T13:37:00Z' })
  .transform((s) => Date.parse(s))
  .refine((ms) => ms <= Date.now() + MINUTE_MS, 'must not lie in the future')
  .refine((ms) => ms >= Date.now() - MAX_LOOKBACK_MS, 'must lie within the last 400 days')
  .transform((ms) => Math.floor(ms / MINUTE_MS) * MINUTE_MS)
  .optional()
  .meta({
    description:
      'End of the time window (ISO-8601 with zone), rounded down to the minute; defaults to now. Lets a client look at a past period. Requests whose `at` falls in the same minute share one cached answer.',
  });

export const overviewQuerySchema = z.object({ window: windowParam, at: atParam });
export const popularQuerySchema = z.object({
  window: windowParam,
  limit: z.coerce.number().int().min(1).max(50).default(5).meta({ description: 'How many items and categories to return (1-50).' }),
  at: atParam,
});
export const ordersPerMinuteQuerySchema = z.object({
  minutes: z.coerce.number().int().min(5).max(1440).default(60).meta({ description: 'How many one-minute buckets, ending with the current minute (5-1440).' }),
  at: atParam,
});
/** The `limit` and `minutes` a stream may ask for: every combination is one shared channel, so they are few. */
export const STREAM_LIMITS = [5, 10, 20] as const;
export const STREAM_MINUTES = [30, 60, 120] as const;
const preset = <T extends number>(values: readonly [T, ...T[]], fallback: T, what: string) =>
  z.coerce
    .number()
    .pipe(z.literal(values, { error: `must be one of ${values.join(', ')} (the stream's presets)` }))
    .default(fallback)
    .meta({ description: `${what}: one of ${values.join(', ')} (each combination of parameters is one channel shared by its subscribers).` });

export const streamQuerySchema = z.object({
  window: windowParam,
  limit: preset(STREAM_LIMITS, 5, 'How many items and categories'),
  minutes: preset(STREAM_MINUTES, 60, 'How many one-minute buckets'),
});
export const orderIdParamSchema = z.object({
  id: z
    .uuid({ message: 'must be an order id (UUID), e.g. 0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c90' })
    .transform((s) => s.toLowerCase())
    .meta({ description: 'Order id (UUID).' }),
});

const lifecycleStatus = z.enum(ORDER_STATUSES);

export const statusTimesQuerySchema = z.object({
  window: z
    .enum(Object.keys(WINDOWS) as [WindowName, ...WindowName[]])
    .default('15m')
    .meta({ description: 'How far back status changes are taken into account.' }),
});
export const stuckQuerySchema = z.object({
  status: lifecycleStatus
    .exclude(['DELIVERED'])
    .optional()
    .meta({ description: 'Only orders in this status (default: any status but DELIVERED).' }),
  minutes: z.coerce.number().int().min(1).max(1440).default(15).meta({ description: 'In that status for at least this many minutes (1-1440).' }),
  limit: z.coerce.number().int().min(1).max(500).default(50).meta({ description: 'How many orders at most, longest stuck first (1-500).' }),
});
export const activeDeliveriesQuerySchema = z.object({
  lat: z.coerce.number().min(-90).max(90).optional().meta({ description: "Latitude of the centre, degrees (default: the shop's, SHOP_LOCATION)." }),
  lon: z.coerce.number().min(-180).max(180).optional().meta({ description: "Longitude of the centre, degrees (default: the shop's)." }),
  km: z.coerce.number().positive().max(100).default(5).meta({ description: 'Radius in km (at most 100).' }),
  limit: z.coerce.number().int().min(1).max(1000).default(200).meta({ description: 'How many couriers at most, latest position first (1-1000).' }),
});
export const alertsQuerySchema = z.object({
  status: z.enum(['open', 'closed', 'all']).default('all').meta({ description: 'Only open alerts, only closed ones, or both (default).' }),
  limit: z.coerce.number().int().min(1).max(500).default(100).meta({ description: 'How many alerts, most recently opened first (1-500).' }),
});
export type AlertsQuery = z.infer<typeof alertsQuerySchema>;

export type OverviewQuery = z.infer<typeof overviewQuerySchema>;
export type PopularQuery = z.infer<typeof popularQuerySchema>;
export type OrdersPerMinuteQuery = z.infer<typeof ordersPerMinuteQuerySchema>;
export type StreamQuery = z.infer<typeof streamQuerySchema>;

const count = z.number().int().nonnegative();

const periodSchema = z.object({
  orders: count.meta({ description: 'Orders placed in the period.' }),
  totalPrice: z.number().meta({ description: 'Sum of the order prices in the period.' }),
});

export const overviewResponseSchema = z
  .object({
    totalOrders: count.meta({ description: 'All orders Pinot holds, up to now (an order stamped in the future counts once its time has come).' }),
    currentTimePeriod: periodSchema,
    previousTimePeriod: periodSchema,
    window: windowParam.unwrap(),
    freshnessMs: z
      .number()
      .nonnegative()
      .nullable()
      .meta({ description: 'Now minus the newest order timestamp not in the future, in ms: how far behind real time the data is (null while there is no such order; rows stamped ahead of the clock are ignored).' }),
  })
  .register(apiSchemas, { id: 'Overview' });

export const popularResponseSchema = z
  .object({
    items: z.array(
      z.object({
        product: z.string(),
        image: z.string(),
        category: z.string().meta({ description: 'Category slug of the product, e.g. pizzas-veg.' }),
        orders: count.meta({ description: 'Orders containing the product, exact in every window (an order has one line per product, so these are its order lines).' }),
        quantity: count.meta({ description: 'Units sold.' }),
      }),
    ),
    categories: z.array(
      z.object({
        category: z.string(),
        orders: count.meta({
          description:
            'Distinct orders containing the category, exact in every window (the enricher marks each order\'s first line of a category; items enriched before that mark existed count 0 here).',
        }),
        quantity: count,
      }),
    ),
  })
  .register(apiSchemas, { id: 'Popular' });

export const ordersPerMinuteResponseSchema = z
  .array(
    z.object({
      timestamp: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:00$/).meta({ description: 'Start of the minute, UTC, "YYYY-MM-DD HH:mm:00".' }),
      orders: count,
      revenue: z.number(),
    }),
  )
  .register(apiSchemas, { id: 'OrdersPerMinute' });

const isoTime = z.iso.datetime();

export const trackingSchema = z
  .object({
    status: z.string().nullable().meta({ description: 'Current status (latest row of the upsert table); null until delivery-service has taken the order in.' }),
    since: isoTime.nullable(),
    history: z.array(z.object({ status: z.string(), at: isoTime })).meta({ description: 'Every status the order went through, oldest first (Pinot query option skipUpsert).' }),
    courier: z
      .object({ lat: z.number(), lon: z.number(), at: isoTime, status: z.string() })
      .nullable()
      .meta({ description: 'Latest courier position; null before OUT_FOR_DELIVERY.' }),
    track: z.array(z.tuple([z.number(), z.number()])).meta({ description: 'Every courier position [lat, lon], oldest first.' }),
    eta: isoTime.nullable().meta({ description: 'Expected delivery: remaining distance at the speed the courier made so far; the delivery time once delivered; null before the courier moved.' }),
    shop: z.object({ lat: z.number(), lon: z.number() }).meta({ description: 'Where the courier starts.' }),
  })
  .register(apiSchemas, { id: 'Tracking' });

export const statusTimesResponseSchema = z
  .object({
    window: z.string(),
    statusChanges: count.meta({ description: 'Status changes read (the newest of the window).' }),
    sampled: z.boolean().meta({ description: 'True when the window held more changes than were read: the figures come from its newest ones.' }),
    statuses: z.array(
      z.object({
        status: z.string(),
        orders: count.meta({ description: 'Orders that left this status in the sample.' }),
        p50Ms: z.number().nullable(),
        p90Ms: z.number().nullable(),
        p99Ms: z.number().nullable(),
        maxMs: z.number().nullable(),
      }),
    ),
  })
  .register(apiSchemas, { id: 'StatusTimes' });

export const stuckOrdersResponseSchema = z
  .object({
    minutes: count,
    orders: z.array(z.object({ id: z.string(), status: z.string(), since: isoTime, minutesInStatus: count })),
  })
  .register(apiSchemas, { id: 'StuckOrders' });

export const activeDeliveriesResponseSchema = z
  .object({
    center: z.object({ lat: z.number(), lon: z.number() }),
    couriers: z.array(z.object({ id: z.string(), lat: z.number(), lon: z.number(), at: isoTime })),
    stats: z
      .object({ numDocsScanned: count, numEntriesScannedInFilter: count, totalDocs: count })
      .meta({ description: "Pinot's query stats: numEntriesScannedInFilter stays 0 while the H3 index answers the distance filter." }),
  })
  .register(apiSchemas, { id: 'ActiveDeliveries' });

export const orderDetailResponseSchema = z
  .object({
    id: z.uuid(),
    createdAt: z.string(),
    userId: z.number().int(),
    status: z.string(),
    price: z.number(),
    itemCount: count,
    deliveryLat: z.number(),
    deliveryLon: z.number(),
    items: z.array(
      z.object({
        productId: z.string(),
        quantity: count,
        price: z.number(),
        product: z
          .object({ name: z.string(), category: z.string(), image: z.string(), price: z.number() })
          .nullable()
          .meta({ description: 'The product as the enricher joined it; null until the enriched item reached Pinot.' }),
      }),
    ),
    tracking: trackingSchema,
  })
  .register(apiSchemas, { id: 'OrderDetail' });

export const snapshotSchema = z
  .object({
    generatedAt: z.iso.datetime(),
    overview: overviewResponseSchema,
    popular: popularResponseSchema,
    ordersPerMinute: ordersPerMinuteResponseSchema,
  })
  .register(apiSchemas, { id: 'Snapshot' });

export const alertsResponseSchema = z
  .object({ alerts: z.array(alertSchema).meta({ description: 'Alerts raised by the alerts service (their current state), most recently opened first.' }) })
  .register(apiSchemas, { id: 'Alerts' });

export const errorResponseSchema = z
  .object({
    error: z.string().meta({ description: 'Machine-readable error kind.' }),
    message: z.string().meta({ description: 'What went wrong and what to do about it.' }),
    requestId: z.string().optional(),
  })
  .register(apiSchemas, { id: 'Error' });

export type Overview = z.infer<typeof overviewResponseSchema>;
export type Popular = z.infer<typeof popularResponseSchema>;
export type OrdersPerMinute = z.infer<typeof ordersPerMinuteResponseSchema>;
export type OrderDetail = z.infer<typeof orderDetailResponseSchema>;
export type StatusTimesQuery = z.infer<typeof statusTimesQuerySchema>;
export type StuckQuery = z.infer<typeof stuckQuerySchema>;
export type ActiveDeliveriesQuery = z.infer<typeof activeDeliveriesQuerySchema>;
export type Tracking = z.infer<typeof trackingSchema>;
export type StatusTimes = z.infer<typeof statusTimesResponseSchema>;
export type StuckOrders = z.infer<typeof stuckOrdersResponseSchema>;
export type ActiveDeliveries = z.infer<typeof activeDeliveriesResponseSchema>;
export type Snapshot = z.infer<typeof snapshotSchema>;
export type ErrorResponse = z.infer<typeof errorResponseSchema>;
