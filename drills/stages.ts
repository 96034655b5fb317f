// Names the pipeline stage where each missing or duplicated order or item went wrong.
import { TopicFollower, type Logger } from '@pizzashop/common';
import type { Kafka } from 'kafkajs';
import { expectedItemKeys, itemKey, type PinotRows } from './pinot-counts.js';
import type { PlacedOrder } from './workload.js';

/** Records per order id on `orders` and per (order, product) on `enriched-order-items`, read committed. */
export interface KafkaRows {
  orders: Map<string, number>;
  items: Map<string, number>;
  /** Where each record is on its topic (`partition@offset`), by the same keys, when read from Kafka. */
  positions?: { orders: Map<string, string[]>; items: Map<string, string[]> };
}

/** One order or item that is missing from Pinot or there more than once, and the stage where it went wrong. */
export interface StageFinding {
  kind: 'order' | 'item';
  /** Order id, or `orderId/productId` for an item. */
  key: string;
  inKafka: number;
  inPinot: number;
  stage: string;
  /** For an item committed more than once: where each copy and its order are on their topics. */
  positions?: string;
}

/**
 * Names the stage of every loss or duplicate from where the record is and is not:
 * - an order missing: not on `orders` -> ingest acknowledged what Kafka does not hold; on `orders` ->
 *   Pinot skipped it (or has not ingested it yet);
 * - an item missing: its order not on `orders` -> lost at ingest; not on `enriched-order-items` -> the
 *   enricher never committed it; there -> Pinot skipped it;
 * - a duplicate: twice on the topic -> the producer wrote it twice (orders-service for an order; for
 *   an item, the enricher enriching an order that is twice on `orders`, else an exactly-once breach
 *   of the enricher); once on the topic -> Pinot ingested it twice.
 */
export function findStages(placed: readonly PlacedOrder[], kafka: KafkaRows, pinot: PinotRows): StageFinding[] {
  const findings: StageFinding[] = [];
  for (const { id } of placed) {
    const inKafka = kafka.orders.get(id) ?? 0;
    const inPinot = pinot.orders.get(id) ?? 0;
    if (inPinot === 1 && inKafka === 1) continue;
    const stage =
      inKafka === 0
        ? 'ingest: acknowledged (202) but not on the orders topic'
        : inPinot === 0
          ? 'pinot: on the orders topic but not in the orders table'
          : inKafka > 1
            ? `ingest: written ${inKafka} times to the orders topic`
            : inPinot > 1
              ? `pinot: once on the orders topic, ${inPinot} rows in the orders table`
              : `orders topic ${inKafka}, table ${inPinot}`;
    findings.push({ kind: 'order', key: id, inKafka, inPinot, stage });
  }
  for (const key of expectedItemKeys(placed)) {
    const inKafka = kafka.items.get(key) ?? 0;
    const inPinot = pinot.items.get(key) ?? 0;
    if (inPinot === 1 && inKafka === 1) continue;
    const orderOnTopic = (kafka.orders.get(key.split('/')[0]!) ?? 0) > 0;
    const stage =
      inKafka === 0
        ? orderOnTopic
          ? 'enricher: its order is on the orders topic but the item was never committed to enriched-order-items'
          : 'ingest: its order never reached the orders topic'
        : inPinot === 0
          ? 'pinot: on enriched-order-items but not in order_items_enriched'
          : inKafka > 1
            ? (kafka.orders.get(key.split('/')[0]!) ?? 0) >= inKafka
              ? `ingest: its order is ${inKafka} times on the orders topic, so the item was enriched ${inKafka} times`
              : `enricher: committed ${inKafka} times to enriched-order-items (exactly-once breach)`
            : inPinot > 1
              ? `pinot: once on enriched-order-items, ${inPinot} rows in order_items_enriched`
              : `enriched-order-items ${inKafka}, table ${inPinot}`;
    const positions = inKafka > 1 && kafka.positions ? `enriched-order-items ${(kafka.positions.items.get(key) ?? []).join(', ')}; orders ${(kafka.positions.orders.get(key.split('/')[0]!) ?? []).join(', ')}` : undefined;
    findings.push({ kind: 'item', key, inKafka, inPinot, stage, ...(positions ? { positions } : {}) });
  }
  return findings;
}

/** Findings grouped by stage, one line each with a few example keys. */
export function summariseStages(findings: StageFinding[]): string[] {
  const byStage = new Map<string, StageFinding[]>();
  for (const f of findings) byStage.set(`${f.kind} ${f.stage}`, [...(byStage.get(`${f.kind} ${f.stage}`) ?? []), f]);
  return [...byStage].map(([stage, fs]) => `${fs.length} x ${stage} (e.g. ${fs.slice(0, 3).map((f) => (f.positions ? `${f.key} [${f.positions}]` : f.key)).join(', ')})`);
}

/**
 * Reads `orders` and `enriched-order-items` read_committed from the beginning up to their last stable
 * offsets now, counting the records of the placed orders only.
 */
export async function kafkaRows(kafka: Kafka, topics: { orders: string; enriched: string }, placed: readonly PlacedOrder[], log: Logger): Promise<KafkaRows> {
  const ids = new Set(placed.map((o) => o.id));
  const wanted = expectedItemKeys(placed);
  const positions = { orders: new Map<string, string[]>(), items: new Map<string, string[]>() };
  const rows: KafkaRows = { orders: new Map(), items: new Map(), positions };
  const bump = (m: Map<string, number>, at: Map<string, string[]>, key: string, where: string) => {
    m.set(key, (m.get(key) ?? 0) + 1);
    at.set(key, [...(at.get(key) ?? []), where]);
  };
  const follow = async (topic: string, onValue: (value: Record<string, unknown>, where: string) => void) => {
    const follower = new TopicFollower(kafka, {
      topic,
      groupPrefix: 'drill-stage-check',
      log,
      apply: (records) => {
        for (const r of records) {
          if (r.value === null) continue;
          try {
            onValue(JSON.parse(r.value.toString('utf8')) as Record<string, unknown>, `${r.partition}@${r.offset}`);
          } catch {
            // not an order or item of this drill
          }
        }
      },
    });
    await follower.start();
    try {
      await follower.caughtUp();
    } finally {
      await follower.stop();
    }
  };
  await follow(topics.orders, (v, where) => {
    if (typeof v.id === 'string' && ids.has(v.id)) bump(rows.orders, positions.orders, v.id, where);
  });
  await follow(topics.enriched, (v, where) => {
    const product = (v.orderItem as { productId?: unknown } | undefined)?.productId;
    if (typeof v.orderId !== 'string' || typeof product !== 'string') return;
    const key = itemKey(v.orderId, product);
    if (wanted.has(key)) bump(rows.items, positions.items, key, where);
  });
  return rows;
}
