// Price changes on a few products in MariaDB for the CDC drills, checked on the CDC topic and restored.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import mysql, { type ConnectionOptions, type RowDataPacket } from 'mysql2/promise';
import { readTopic } from '@pizzashop/testkit';

export interface PriceChange {
  productId: string;
  price: number;
}

export interface CdcCheck {
  /** Changes made in MariaDB. */
  expected: number;
  /** Of those, how many appeared on the CDC topic. */
  delivered: number;
  /** Extra deliveries of a change already seen (at-least-once redelivery after a crash). */
  redelivered: number;
  /**
   * Seconds from the last change until the topic was seen holding all of them: an upper bound, as
   * the check starts only once the drill's orders are all in Pinot.
   */
  completeAfterS: number | null;
}

/**
 * Price changes on a few products, each to a value no other change uses, so every change can be
 * found on the CDC topic. Restores the original prices at the end.
 */
export class ProductPriceBurst {
  readonly changes: PriceChange[] = [];
  private lastChangeAt = 0;
  private originals = new Map<string, number>();
  private readonly base = 100_000 + Math.floor(Math.random() * 800) * 1000;

  constructor(
    private readonly db: ConnectionOptions,
    private readonly productIds: string[],
  ) {}

  /**
   * Makes `count` updates, `perSecond` of them a second, round-robin over the products, over one
   * connection (waiting up to a minute for MariaDB to accept it). Calls `onHalf` once half of them
   * are committed.
   */
  async run(count: number, perSecond: number, onHalf?: () => void): Promise<void> {
    const conn = await this.connect();
    try {
      if (this.originals.size === 0) {
        const [rows] = await conn.query<RowDataPacket[]>('SELECT id, price FROM products WHERE id IN (?)', [this.productIds]);
        this.originals = new Map(rows.map((r) => [String(r.id), Number(r.price)]));
      }
      for (let i = 0; i < count; i++) {
        const productId = this.productIds[this.changes.length % this.productIds.length]!;
        const price = this.base + this.changes.length;
        await conn.query('UPDATE products SET price = ? WHERE id = ?', [price, productId]);
        this.changes.push({ productId, price });
        this.lastChangeAt = Date.now();
        if (i + 1 === Math.ceil(count / 2)) onHalf?.();
        await sleep(1000 / perSecond);
      }
    } finally {
      await conn.end();
    }
  }

  /** The last price each product was given, as MariaDB holds it now. */
  finalPrices(): Map<string, number> {
    return new Map(this.changes.map((c) => [c.productId, c.price]));
  }

  async restoreOriginals(): Promise<void> {
    const conn = await this.connect();
    try {
      for (const [id, price] of this.originals) await conn.query('UPDATE products SET price = ? WHERE id = ?', [price, id]);
    } finally {
      await conn.end();
    }
  }

  /** Reads the CDC topic until every change is on it (or `timeoutMs`), counting redeliveries. */
  async checkTopic(kafka: Kafka, topic: string, timeoutMs: number): Promise<CdcCheck> {
    const wanted = new Set(this.changes.map((c) => `${c.productId}/${c.price}`));
    const counts = new Map<string, number>();
    let read = 0;
    let completeAt: number | undefined;
    /** Counts the records not counted yet; true once every change was seen. */
    const tally = (records: { value: string | null }[]) => {
      for (; read < records.length; read++) {
        const value = records[read]!.value;
        const after = value ? (JSON.parse(value) as { after?: { id?: unknown; price?: unknown } | null }).after : null;
        const key = after ? `${String(after.id)}/${String(after.price)}` : '';
        if (wanted.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      if (counts.size < wanted.size) return false;
      completeAt ??= Date.now();
      return true;
    };
    tally(await readTopic(kafka, topic, tally, { timeoutMs, settleMs: 2000 }));
    return {
      expected: wanted.size,
      delivered: counts.size,
      redelivered: [...counts.values()].reduce((n, c) => n + c - 1, 0),
      completeAfterS: completeAt === undefined ? null : Math.round((completeAt - this.lastChangeAt) / 100) / 10,
    };
  }

  private async connect(): Promise<mysql.Connection> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await mysql.createConnection(this.db);
      } catch (err) {
        if (attempt >= 120) throw new Error(`drill: MariaDB not reachable for product updates: ${(err as Error).message}`);
        await sleep(500);
      }
    }
  }
}
