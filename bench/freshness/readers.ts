/**
 * The freshness bench's readers: poll Pinot for the stage's own orders and lines, and the API for
 * its probe orders, feeding every first sight into the stage's ledger.
 */
import { identifier, sql, type Logger, type PinotClient } from '@pizzashop/common';
import { monotonicMs } from '@pizzashop/testkit/bench';
import type { StageLedger } from './ledger.js';

export const POLL_EVERY_MS = 100;
/** Most rows a Pinot read should return; the stage's pending batches are split into ranges this size. */
const MAX_ROWS_PER_READ = 20_000;
const API_CONCURRENCY = 16;

export interface PrivateTables {
  orders: string;
  orderItems: string;
}

/** How long each full read cycle took (its first sightings are that coarse), and how many reads failed. */
export interface ReaderStats {
  cycleMs: number[];
  errors: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pollLoop(finished: () => boolean, cycle: () => Promise<void>): Promise<number[]> {
  const durations: number[] = [];
  while (!finished()) {
    const started = monotonicMs();
    await cycle();
    durations.push(Math.round(monotonicMs() - started));
    await sleep(POLL_EVERY_MS);
  }
  return durations;
}

/** Reads the pending ts ranges of `surface` every POLL_EVERY_MS until `finished()`. */
export async function pollPinot(
  pinot: PinotClient,
  tables: PrivateTables,
  ledger: StageLedger,
  surface: 'orders' | 'items',
  finished: () => boolean,
  log: Logger,
): Promise<ReaderStats> {
  const stats: ReaderStats = { cycleMs: [], errors: 0 };
  stats.cycleMs = await pollLoop(finished, async () => {
    for (const chunk of ledger.chunks(surface, MAX_ROWS_PER_READ)) {
      const limit = chunk.rows * 2 + 1000;
      const statement =
        surface === 'orders'
          ? sql`SELECT id FROM ${identifier(tables.orders)} WHERE ts >= ${chunk.fromTs} AND ts <= ${chunk.toTs} LIMIT ${limit}`
          : sql`SELECT orderId, productId FROM ${identifier(tables.orderItems)} WHERE ts >= ${chunk.fromTs} AND ts <= ${chunk.toTs} LIMIT ${limit}`;
      const issuedAt = monotonicMs();
      try {
        const { rows } = await pinot.query(statement, { name: `freshness-${surface}` });
        const poll = { issuedAt, answeredAt: monotonicMs() };
        if (surface === 'orders') for (const [id] of rows) ledger.sawOrder(String(id), poll);
        else for (const [orderId, productId] of rows) ledger.sawLine(String(orderId), String(productId), poll);
      } catch (err) {
        stats.errors++;
        log.warn({ err, surface }, 'freshness read failed; retrying');
      }
    }
  });
  return stats;
}

/** Counts rows beyond the first per own order id and per own order line over the whole stage. */
export async function countDuplicates(pinot: PinotClient, tables: PrivateTables, ledger: StageLedger): Promise<void> {
  const range = ledger.range();
  if (!range) return;
  const orders = await pinot.query(
    sql`SELECT id, COUNT(*) FROM ${identifier(tables.orders)} WHERE ts >= ${range.fromTs} AND ts <= ${range.toTs} GROUP BY id HAVING COUNT(*) > 1 LIMIT 100000`,
    { name: 'freshness-order-duplicates' },
  );
  for (const [id, n] of orders.rows) ledger.duplicateRows('orders', String(id), Number(n));
  const items = await pinot.query(
    sql`SELECT orderId, productId, COUNT(*) FROM ${identifier(tables.orderItems)} WHERE ts >= ${range.fromTs} AND ts <= ${range.toTs} GROUP BY orderId, productId HAVING COUNT(*) > 1 LIMIT 100000`,
    { name: 'freshness-item-duplicates' },
  );
  for (const [orderId, productId, n] of items.rows) ledger.duplicateRows('items', String(orderId), Number(n), String(productId));
}

interface OrderDetail {
  items?: { product: unknown }[];
}

/**
 * Asks `GET /orders/{id}` for every pending probe order every POLL_EVERY_MS until `finished()`; a
 * probe is seen once the answer is 200 with every line joined to its product (what a user sees).
 */
export async function probeApi(apiUrl: string, ledger: StageLedger, finished: () => boolean, log: Logger): Promise<ReaderStats> {
  const stats: ReaderStats = { cycleMs: [], errors: 0 };
  const probe = async (id: string) => {
    const issuedAt = monotonicMs();
    try {
      const res = await fetch(`${apiUrl}/orders/${id}`, { signal: AbortSignal.timeout(5000) });
      const body = (await res.json()) as OrderDetail;
      const answeredAt = monotonicMs();
      if (res.status === 404) return;
      if (res.status !== 200) throw new Error(`GET /orders/${id} answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
      const items = body.items ?? [];
      if (items.length === ledger.linesOf(id) && items.every((item) => item.product !== null)) ledger.sawInApi(id, { issuedAt, answeredAt });
    } catch (err) {
      stats.errors++;
      log.warn({ err }, 'freshness API probe failed; retrying');
    }
  };
  stats.cycleMs = await pollLoop(finished, async () => {
    const pending = ledger.pendingProbes();
    for (let i = 0; i < pending.length; i += API_CONCURRENCY) await Promise.all(pending.slice(i, i + API_CONCURRENCY).map(probe));
  });
  return stats;
}
