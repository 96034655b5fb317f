// Tops Pinot `orders` up to a bench's target count with synthetic orders on the real catalogue, over a
// time range (the last day by default).
import { randomUUID } from 'node:crypto';
import { createKafkaClient, identifier, sql, type InfraConfig, type Logger, type PinotClient, type Product } from '@pizzashop/common';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { buildOrder, produceOrders, waitForCount, waitForOrderCount, type SyntheticOrder, type TsRange } from '@pizzashop/testkit';

const DAY_MS = 24 * 3_600_000;
const BATCH = 2000;
const IN_FLIGHT = 4;

/** The real catalogue from MariaDB, so an enricher that happens to run joins these orders too. */
async function loadCatalogue(config: InfraConfig): Promise<Product[]> {
  const db = await mysql.createConnection({
    host: config.MYSQL_HOST,
    port: config.MYSQL_PORT,
    user: config.MYSQL_USER,
    password: config.MYSQL_PASSWORD,
    database: config.MYSQL_DATABASE,
    decimalNumbers: true,
  });
  try {
    const [rows] = await db.query<RowDataPacket[]>('SELECT id, name, description, category, image, price FROM products ORDER BY id');
    return rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      description: String(r.description),
      category: String(r.category),
      image: String(r.image),
      price: Number(r.price),
    }));
  } finally {
    await db.end();
  }
}

/** 1-2 lines of distinct products (an order has one line per product, as POST /orders requires). */
function randomOrder(catalogue: Product[], createdAtMs: number): SyntheticOrder {
  const first = Math.floor(Math.random() * catalogue.length);
  const products = [first, ...(Math.random() < 0.5 && catalogue.length > 1 ? [(first + 1 + Math.floor(Math.random() * (catalogue.length - 1))) % catalogue.length] : [])];
  const lines = products.map((i) => ({ product: catalogue[i] as Product, quantity: 1 + Math.floor(Math.random() * 3) }));
  return buildOrder(randomUUID(), createdAtMs, 1 + Math.floor(Math.random() * 3000), lines);
}

/** The item lines the per-minute rollup counts in the minutes `range` touches (the bench's private tables hold nothing else). */
function rollupLines(config: InfraConfig, range: TsRange) {
  return sql`SELECT SUM(lines) FROM ${identifier(config.PINOT_ORDER_ITEMS_BY_MINUTE_TABLE)} WHERE tsMinute >= ${Math.floor(range.fromMs / 60_000)} AND tsMinute < ${Math.ceil(range.toMs / 60_000)}`;
}

export interface LoadReport {
  /** The timestamps the orders were spread over, as ISO-8601. */
  from: string;
  to: string;
  ordersBefore: number;
  ordersProduced: number;
  produceSeconds: number;
  produceOrdersPerSecond: number;
  ordersInPinot: number;
  /** Enriched item lines Pinot holds in the range once their orders are all in (measuring waits for both tables). */
  itemsInPinot: number;
  /** Item lines the per-minute rollup counts in the range (its SUM(lines)), once it holds them all. */
  itemsInRollup: number;
  ingestSeconds: number;
}

export interface LoadOptions {
  /**
   * Timestamps to fill: orders are counted and produced inside this range only, in ascending
   * time (as a real shop produces them, so each Pinot segment covers a short time span). Default:
   * the last 24 h in random order, counting every order of the table.
   */
  range?: TsRange;
}

/**
 * Tops Pinot up to `target` orders (in `options.range` when given): produces the missing ones (1-2
 * items each) with their enriched items straight to Kafka at full speed, then waits until Pinot
 * counts them in both tables (the items table ingests 1.5 times the rows and may finish later).
 */
export async function ensureOrders(config: InfraConfig, pinot: PinotClient, target: number, log: Logger, options: LoadOptions = {}): Promise<LoadReport> {
  const { range } = options;
  const ordersBefore = await waitForOrderCount(pinot, config.PINOT_ORDERS_TABLE, 0, 30_000, undefined, range);
  const itemsBefore = await waitForOrderCount(pinot, config.PINOT_ORDER_ITEMS_TABLE, 0, 30_000, undefined, range);
  const missing = Math.max(0, target - ordersBefore);
  const span = range ?? { fromMs: Date.now() - DAY_MS, toMs: Date.now() };
  const report: LoadReport = {
    from: new Date(span.fromMs).toISOString(),
    to: new Date(span.toMs).toISOString(),
    ordersBefore,
    ordersProduced: missing,
    produceSeconds: 0,
    produceOrdersPerSecond: 0,
    ordersInPinot: ordersBefore,
    itemsInPinot: itemsBefore,
    itemsInRollup: 0,
    ingestSeconds: 0,
  };
  if (missing === 0) return report;

  const catalogue = await loadCatalogue(config);
  const kafka = createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: 'pizzashop-api-bench', log });
  const producer = kafka.producer();
  await producer.connect();
  const topics = { orders: config.ORDERS_TOPIC, enrichedOrderItems: config.ENRICHED_ORDER_ITEMS_TOPIC };
  const started = Date.now();
  const length = span.toMs - span.fromMs;
  /** The i-th missing order: evenly spaced in time when a range is given, anywhere in the last day otherwise. */
  const createdAt = (i: number) => (range ? span.fromMs + Math.floor((i * length) / missing) : span.fromMs + Math.floor(Math.random() * length));
  let sent = 0;
  let items = 0;
  try {
    const worker = async () => {
      while (sent < missing) {
        const first = sent;
        const size = Math.min(BATCH, missing - sent);
        sent += size;
        const batch = Array.from({ length: size }, (_, j) => randomOrder(catalogue, createdAt(first + j)));
        items += batch.reduce((n, o) => n + o.enrichedItems.length, 0);
        await produceOrders(producer, topics, batch);
        if (sent % 100_000 < BATCH) log.info({ sent, of: missing }, 'producing orders');
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  } finally {
    await producer.disconnect();
  }
  report.produceSeconds = (Date.now() - started) / 1000;
  report.produceOrdersPerSecond = Math.round(missing / report.produceSeconds);
  log.info({ produced: missing, seconds: report.produceSeconds }, 'orders produced, waiting for Pinot');
  report.ordersInPinot = await waitForOrderCount(pinot, config.PINOT_ORDERS_TABLE, target, 15 * 60_000, (count) => log.debug({ count }, 'Pinot order count'), range);
  if (report.ordersInPinot < target) throw new Error(`Pinot holds ${report.ordersInPinot} of ${target} orders after 15 minutes: check the Pinot server log`);
  report.itemsInPinot = await waitForOrderCount(pinot, config.PINOT_ORDER_ITEMS_TABLE, itemsBefore + items, 15 * 60_000, undefined, range);
  if (report.itemsInPinot < itemsBefore + items) throw new Error(`Pinot holds ${report.itemsInPinot} of ${itemsBefore + items} item lines after 15 minutes: check the Pinot server log`);
  report.itemsInRollup = await waitForCount(pinot, rollupLines(config, span), report.itemsInPinot, 15 * 60_000);
  report.ingestSeconds = (Date.now() - started) / 1000;
  if (report.itemsInRollup < report.itemsInPinot) throw new Error(`the per-minute rollup counts ${report.itemsInRollup} of ${report.itemsInPinot} item lines after 15 minutes: check the Pinot server log`);
  return report;
}
