/**
 * The freshness bench's accounting for one stage: which orders it produced (by id, with their lines),
 * when Kafka acknowledged them, and when each was first seen in Pinot `orders`, with every line in
 * `order_items_enriched` and through the API. Rows of any other producer are counted and ignored.
 */
import { summariseLatencies, type LatencySummary } from '@pizzashop/testkit/bench';

export interface BenchOrder {
  id: string;
  /** Product ids of the order's lines (distinct within an order). */
  lines: string[];
}

/** One produce request: its orders share `createdAtMs` (their `ts` in Pinot); times on the monotonic clock. */
export interface Batch {
  createdAtMs: number;
  sentAt: number;
  ackedAt: number | null;
  orders: BenchOrder[];
  lines: number;
  /** Orders of the batch not seen yet in `orders`, and not yet complete in `order_items_enriched`. */
  unseen: { orders: number; items: number };
}

/** One read of Pinot or the API, on the monotonic clock: sent at `issuedAt`, answered at `answeredAt`. */
export interface Poll {
  issuedAt: number;
  answeredAt: number;
}

/** A ts range of consecutive acknowledged batches to read in one query, and how many rows it should hold. */
export interface Chunk {
  fromTs: number;
  toTs: number;
  rows: number;
}

export type Surface = 'orders' | 'items' | 'api';

export interface StageAccount {
  orders: number;
  lines: number;
  ordersFreshnessMs: LatencySummary;
  /** An order counts once all its lines are queryable. */
  itemsFreshnessMs: LatencySummary;
  /** Over the orders probed through the API only. */
  apiFreshnessMs: LatencySummary;
  apiProbes: number;
  ordersMissing: number;
  linesMissing: number;
  apiMissing: number;
  /** Rows beyond the first per own order id / per own (order id, product id). */
  duplicates: { orders: number; lines: number };
  /** Rows read that belong to no order of this stage (another producer's, an earlier stage's) or to no line of it. */
  foreignRows: { orders: number; items: number; api: number };
  /** Sightings by a read sent before the order was acknowledged: not counted (the next read counts). */
  earlySightings: number;
}

interface OrderState {
  order: BenchOrder;
  batch: Batch;
  seenAt?: number;
  linesLeft: Set<string>;
  itemsSeenAt?: number;
  probe: boolean;
  apiSeenAt?: number;
}

export class StageLedger {
  private readonly batches: Batch[] = [];
  private readonly byId = new Map<string, OrderState>();
  private readonly probes: OrderState[] = [];
  private readonly unseen: Record<Exclude<Surface, 'api'>, number> = { orders: 0, items: 0 };
  private readonly dup = { orders: 0, lines: 0 };
  private readonly foreign = { orders: 0, items: 0, api: 0 };
  private early = 0;

  /** Records a batch before it is sent, with the orders of it to follow through the API; `createdAtMs` must grow from batch to batch. */
  sending(orders: BenchOrder[], createdAtMs: number, sentAt: number, probes: readonly BenchOrder[] = []): Batch {
    const last = this.batches.at(-1);
    if (last && createdAtMs <= last.createdAtMs) throw new Error(`freshness ledger: batch createdAt ${createdAtMs} not after the previous ${last.createdAtMs}`);
    const batch: Batch = { createdAtMs, sentAt, ackedAt: null, orders, lines: orders.reduce((n, o) => n + o.lines.length, 0), unseen: { orders: orders.length, items: orders.length } };
    this.batches.push(batch);
    for (const order of orders) {
      if (this.byId.has(order.id)) throw new Error(`freshness ledger: order id ${order.id} produced twice`);
      const state: OrderState = { order, batch, linesLeft: new Set(order.lines), probe: probes.includes(order) };
      this.byId.set(order.id, state);
      if (state.probe) this.probes.push(state);
    }
    this.unseen.orders += orders.length;
    this.unseen.items += orders.length;
    return batch;
  }

  acked(batch: Batch, ackedAt: number): void {
    batch.ackedAt = ackedAt;
  }

  get produced(): number {
    let n = 0;
    for (const b of this.batches) if (b.ackedAt !== null) n += b.orders.length;
    return n;
  }

  /** The state of an own, acknowledged order whose read was sent after its ack; counts foreign and early rows. */
  private own(id: string, poll: Poll, surface: Surface): OrderState | undefined {
    const state = this.byId.get(id);
    if (!state) {
      this.foreign[surface]++;
      return undefined;
    }
    if (state.batch.ackedAt === null || poll.issuedAt < state.batch.ackedAt) {
      this.early++;
      return undefined;
    }
    return state;
  }

  sawOrder(id: string, poll: Poll): void {
    const state = this.own(id, poll, 'orders');
    if (state && state.seenAt === undefined) {
      state.seenAt = poll.answeredAt;
      state.batch.unseen.orders--;
      this.unseen.orders--;
    }
  }

  sawLine(orderId: string, productId: string, poll: Poll): void {
    const state = this.own(orderId, poll, 'items');
    if (!state) return;
    if (!state.order.lines.includes(productId)) {
      this.foreign.items++;
      return;
    }
    if (!state.linesLeft.delete(productId) || state.linesLeft.size > 0) return;
    state.itemsSeenAt = poll.answeredAt;
    state.batch.unseen.items--;
    this.unseen.items--;
  }

  /** `GET /orders/{id}` answered with the order and every item joined to its product. */
  sawInApi(id: string, poll: Poll): void {
    const state = this.own(id, poll, 'api');
    if (state?.probe && state.apiSeenAt === undefined) state.apiSeenAt = poll.answeredAt;
  }

  /** Extra rows found for an id (`rows` counted for it); rows of other producers are ignored. */
  duplicateRows(surface: 'orders' | 'items', orderId: string, rows: number, productId?: string): void {
    const state = this.byId.get(orderId);
    if (!state || rows <= 1 || (surface === 'items' && (productId === undefined || !state.order.lines.includes(productId)))) return;
    this.dup[surface === 'orders' ? 'orders' : 'lines'] += rows - 1;
  }

  /** Number of lines of an own order (0 for any other id). */
  linesOf(id: string): number {
    return this.byId.get(id)?.order.lines.length ?? 0;
  }

  allSeen(surface: Surface): boolean {
    if (surface === 'api') return this.pendingProbes().length === 0;
    return this.unseen[surface] === 0;
  }

  /** Acknowledged probe orders the API has not shown yet. */
  pendingProbes(): string[] {
    return this.probes.filter((s) => s.apiSeenAt === undefined && s.batch.ackedAt !== null).map((s) => s.order.id);
  }

  /** The whole stage's ts range (for the duplicates check), or undefined before the first ack. */
  range(): { fromTs: number; toTs: number } | undefined {
    const acked = this.batches.filter((b) => b.ackedAt !== null);
    const first = acked[0];
    const last = acked.at(-1);
    return first && last ? { fromTs: first.createdAtMs, toTs: last.createdAtMs } : undefined;
  }

  /**
   * ts ranges covering every acknowledged batch with an order (or line) not yet seen on `surface`:
   * each starts and ends at such a batch and holds at most `maxRows` rows of consecutive batches
   * (a larger batch gets a range of its own).
   */
  chunks(surface: 'orders' | 'items', maxRows: number): Chunk[] {
    const out: Chunk[] = [];
    let open: Chunk | undefined;
    let rowsSinceLastPending = 0;
    for (const b of this.batches) {
      if (b.ackedAt === null) continue;
      const rows = surface === 'orders' ? b.orders.length : b.lines;
      const pending = b.unseen[surface] > 0;
      if (open && open.rows + rowsSinceLastPending + rows <= maxRows) {
        if (pending) {
          open.rows += rowsSinceLastPending + rows;
          open.toTs = b.createdAtMs;
          rowsSinceLastPending = 0;
        } else rowsSinceLastPending += rows;
        continue;
      }
      if (open) out.push(open);
      open = pending ? { fromTs: b.createdAtMs, toTs: b.createdAtMs, rows } : undefined;
      rowsSinceLastPending = 0;
    }
    if (open) out.push(open);
    return out;
  }

  account(): StageAccount {
    const orders: number[] = [];
    const items: number[] = [];
    const api: number[] = [];
    let ordersMissing = 0;
    let linesMissing = 0;
    let apiMissing = 0;
    let lines = 0;
    let probes = 0;
    let produced = 0;
    for (const s of this.byId.values()) {
      const acked = s.batch.ackedAt;
      if (acked === null) continue;
      produced++;
      lines += s.order.lines.length;
      if (s.seenAt === undefined) ordersMissing++;
      else orders.push(Math.round(s.seenAt - acked));
      linesMissing += s.linesLeft.size;
      if (s.itemsSeenAt !== undefined) items.push(Math.round(s.itemsSeenAt - acked));
      if (s.probe) {
        probes++;
        if (s.apiSeenAt === undefined) apiMissing++;
        else api.push(Math.round(s.apiSeenAt - acked));
      }
    }
    return {
      orders: produced,
      lines,
      ordersFreshnessMs: summariseLatencies(orders, 'Pinot orders freshness', ordersMissing),
      itemsFreshnessMs: summariseLatencies(items, 'Pinot order_items_enriched freshness', produced - items.length),
      apiFreshnessMs: summariseLatencies(api, 'API GET /orders/{id} freshness', apiMissing),
      apiProbes: probes,
      ordersMissing,
      linesMissing,
      apiMissing,
      duplicates: { ...this.dup },
      foreignRows: { ...this.foreign },
      earlySightings: this.early,
    };
  }
}
