// Builds the POST /orders app for in-process tests: a small catalogue, the service area, a fake
// producer and broker watch.
import { createLogger, createMetricsRegistry, DEFAULT_INGEST_RULES, type IngestRules } from '@pizzashop/common';
import type { Pool } from 'mysql2/promise';
import { CatalogueStore } from '../src/catalogue-store.js';
import type { CatalogueProduct, Customer } from '../src/catalogue.js';
import { createOrdersHttpApp } from '../src/http-app.js';
import { createOrdersServiceMetrics } from '../src/metrics.js';
import { OrderPublisher, type OrderPublisherOptions } from '../src/order-publisher.js';
import { OrderPricer } from '../src/pricing.js';
import { describeServiceArea, type ServiceArea } from '../src/service-area.js';
import { fakeProducer } from './fake-producer.js';

/** The shop's default service area and a small catalogue for in-process tests of POST /orders. */
export const SERVICE_AREA: ServiceArea = { lat: 12.975, lon: 77.625, radiusKm: 25 };
export const PRODUCTS: CatalogueProduct[] = [
  { id: '1', price: 239 },
  { id: '2', price: 399 },
  { id: '3', price: 60 },
];
export const CUSTOMERS: Customer[] = [
  { id: 1, lat: 12.97, lon: 77.59 },
  { id: 7, lat: 12.9, lon: 77.6 },
];

/**
 * A stand-in for the mysql2 pool: answers the catalogue's two SELECTs from arrays the test may
 * change (as an admin would in MariaDB), counts the queries, and fails while `down` is set.
 */
export function fakeCataloguePool(products: CatalogueProduct[] = PRODUCTS, customers: Customer[] = CUSTOMERS) {
  const db = { products: [...products], customers: [...customers], queries: 0, down: false };
  const pool = {
    query: async (sql: string) => {
      db.queries++;
      if (db.down) throw new Error('connect ECONNREFUSED 127.0.0.1:3307');
      return [sql.includes('FROM products') ? db.products.map((p) => ({ ...p })) : db.customers.map((c) => ({ ...c }))];
    },
  };
  return { db, pool: pool as unknown as Pool };
}

/** A BrokerWatch the test flips. */
export function fakeWatch(reachable = true) {
  const listeners: ((up: boolean) => void)[] = [];
  const watch = {
    reachable,
    onChange: (fn: (up: boolean) => void) => listeners.push(fn),
    set(up: boolean) {
      watch.reachable = up;
      for (const fn of listeners) fn(up);
    },
  };
  return watch;
}

export interface IngestAppOptions {
  mode?: 'ack' | 'hang' | 'held';
  connect?: boolean;
  reachable?: boolean;
  rules?: IngestRules;
  publisher?: Partial<OrderPublisherOptions>;
  bodyLimitBytes?: number;
  missReloadMinIntervalMs?: number;
}

/**
 * The real orders-service HTTP app (contract, pricing, catalogue store, dedup, publisher queue) over
 * a recording fake producer, a fake broker watch and a fake MariaDB pool.
 */
export async function ingestApp(o: IngestAppOptions = {}) {
  const log = createLogger('test', 'silent');
  const { producer, sent, held } = fakeProducer(o.mode ?? 'ack');
  const watch = fakeWatch(o.reachable ?? true);
  const publisher = new OrderPublisher(producer, 'orders', ['127.0.0.1:1'], watch, { maxInFlight: 1000, maxBatch: 500, queueTimeoutMs: 1000, stallMs: 60_000, ...o.publisher }, log);
  if (o.connect ?? true) await publisher.untilConnected();
  const { db, pool } = fakeCataloguePool();
  const store = new CatalogueStore(pool, { reloadMs: 3_600_000, missReloadMinIntervalMs: o.missReloadMinIntervalMs ?? 0 }, log, () => undefined);
  await store.load();
  const registry = createMetricsRegistry('orders-service-test');
  const metrics = createOrdersServiceMetrics(registry);
  const app = createOrdersHttpApp({
    publisher,
    pricer: new OrderPricer(store, SERVICE_AREA),
    rules: o.rules ?? DEFAULT_INGEST_RULES,
    serviceArea: describeServiceArea(SERVICE_AREA),
    registry,
    metrics,
    readiness: [{ name: 'kafka', check: () => publisher.available }],
    bodyLimitBytes: o.bodyLimitBytes ?? 64 * 1024,
    dedupCapacity: 100,
    log,
  });
  /** `contentType: null` sends no Content-Type at all (a string body would get text/plain from fetch). */
  const post = async (body: unknown, contentType: string | null = 'application/json'): Promise<Response> => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return contentType === null
      ? app.request('/orders', { method: 'POST', body: new TextEncoder().encode(text) })
      : app.request('/orders', { method: 'POST', body: text, headers: { 'content-type': contentType } });
  };
  /** Orders on the fake topic, parsed. */
  const published = () => sent.flatMap((t) => t.messages.map((m) => JSON.parse(m.value) as Record<string, unknown>));
  const duplicates = async (kind: 'in_flight' | 'acknowledged') =>
    (await metrics.httpOrderDuplicates.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;
  const stop = () => store.stop();
  return { app, post, sent, held, published, duplicates, watch, publisher, db, store, metrics, stop };
}
