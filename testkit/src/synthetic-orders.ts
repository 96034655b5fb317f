// Synthetic orders with the enriched items the enricher would make of them: building, producing, and
// waiting until Pinot counts them.
import { createIdempotentProducer, ensureTopics, identifier, orderTotal, sql, type EnrichedOrderItem, type Logger, type Order, type PinotClient, type Product, type SqlFragment } from '@pizzashop/common';
import type { Kafka, Producer } from 'kafkajs';

/** An `orders` message together with the `enriched-order-items` messages the enricher would make of it. */
export interface SyntheticOrder {
  order: Order;
  enrichedItems: EnrichedOrderItem[];
}

export interface OrderLine {
  product: Product;
  quantity: number;
}

/** The enricher's `firstOfCategory` of line `index`: 1 when no earlier line's product has its category (all products are known here). */
function firstOfCategory(lines: readonly OrderLine[], index: number): 0 | 1 {
  const { category } = lines[index]!.product;
  return lines.findIndex((l) => l.product.category === category) === index ? 1 : 0;
}

/** Builds one order (price = sum of quantity x price) and its enriched items, both stamped `createdAt`. */
export function buildOrder(id: string, createdAtMs: number, userId: number, lines: OrderLine[]): SyntheticOrder {
  const createdAt = new Date(createdAtMs).toISOString();
  const items = lines.map(({ product, quantity }) => ({ productId: product.id, quantity, price: product.price }));
  return {
    order: { id, createdAt, userId, status: 'PLACED_ORDER', price: orderTotal(items), items, deliveryLat: 12.97, deliveryLon: 77.59 },
    enrichedItems: lines.map(({ product }, i) => ({
      orderId: id,
      createdAt,
      itemIndex: i,
      product,
      orderItem: items[i] as EnrichedOrderItem['orderItem'],
      firstOfCategory: firstOfCategory(lines, i),
    })),
  };
}

export interface OrderTopics {
  orders: string;
  enrichedOrderItems: string;
}

/** Creates both topics when missing (3 partitions) and returns a connected idempotent producer for `produceOrders`. */
export async function connectOrderProducer(kafka: Kafka, topics: OrderTopics, log: Logger): Promise<Producer> {
  await ensureTopics(
    kafka,
    [
      { topic: topics.orders, numPartitions: 3 },
      { topic: topics.enrichedOrderItems, numPartitions: 3 },
    ],
    log,
  );
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  return producer;
}

/** Produces the orders and their enriched items (key = order id) in one batch request. */
export async function produceOrders(producer: Producer, topics: OrderTopics, orders: SyntheticOrder[]): Promise<void> {
  await producer.sendBatch({
    acks: -1,
    topicMessages: [
      { topic: topics.orders, messages: orders.map(({ order }) => ({ key: order.id, value: JSON.stringify(order) })) },
      {
        topic: topics.enrichedOrderItems,
        messages: orders.flatMap(({ enrichedItems }) => enrichedItems.map((item) => ({ key: item.orderId, value: JSON.stringify(item) }))),
      },
    ],
  });
}

/** Half-open range [fromMs, toMs) of order timestamps. */
export interface TsRange {
  fromMs: number;
  toMs: number;
}

/**
 * Polls `SELECT COUNT(*) FROM <table>` (within `range` when given) until it reaches `expected`;
 * returns the count seen last.
 */
export function waitForOrderCount(
  pinot: PinotClient,
  table: string,
  expected: number,
  timeoutMs: number,
  onProgress?: (count: number) => void,
  range?: TsRange,
): Promise<number> {
  const from = identifier(table);
  const statement = range ? sql`SELECT COUNT(*) FROM ${from} WHERE ts >= ${range.fromMs} AND ts < ${range.toMs}` : sql`SELECT COUNT(*) FROM ${from}`;
  return waitForCount(pinot, statement, expected, timeoutMs, onProgress);
}

/** Polls a statement whose first cell is a count until it reaches `expected`; returns the count seen last. */
export async function waitForCount(pinot: PinotClient, statement: SqlFragment, expected: number, timeoutMs: number, onProgress?: (count: number) => void): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = 0;
  while (Date.now() < deadline) {
    const result = await pinot.query(statement, { name: 'bench-count' }).catch(() => undefined);
    count = Number(result?.rows[0]?.[0] ?? 0);
    onProgress?.(count);
    if (count >= expected) return count;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return count;
}
