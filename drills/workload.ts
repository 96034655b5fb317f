// The drill workload: paced POST /orders with retries under the same id until 202.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CatalogueProduct } from '@pizzashop/orders-service';

/** What the client asks for; orders-service prices it from the catalogue. */
export interface PlacedOrder {
  id: string;
  items: { productId: string; quantity: number }[];
}

export interface WorkloadOptions {
  /** orders-service base URL, e.g. http://127.0.0.1:18481 */
  ordersUrl: string;
  products: CatalogueProduct[];
  /** Orders started per second. */
  rate: number;
  /** Most requests in flight; pacing waits while this many are unanswered (during an outage). */
  maxInFlight?: number;
  /**
   * What a 503 means to the client: `retry` the same order (default), or `abandon` it (recorded
   * in `refused`) and go on placing new orders until `count` are acknowledged.
   */
  on503?: 'retry' | 'abandon';
}

const MAX_ITEMS = 5;

/**
 * Places orders through `POST /orders` like a well-behaved client: paced at a rate, each order
 * retried with the same id until the service answers 202 (503, 408, 500 and connection errors are
 * retried with backoff; a 500 is also recorded). An order counts as produced once it got its 202.
 * It sends no prices: the server prices orders from the catalogue (whose prices the CDC drills
 * change meanwhile).
 */
export class OrderWorkload {
  /** Orders answered 202, in the order they were acknowledged. */
  readonly acknowledged: PlacedOrder[] = [];
  /** Orders answered 503 and abandoned (`on503: 'abandon'`): when the request was sent (epoch ms) and how long the answer took. */
  readonly refused: { order: PlacedOrder; sentAt: number; ms: number }[] = [];
  /** Orders answered 500 (the send failed after Kafka had them: outcome unknown), each then sent again with its id; the answer's body. */
  readonly outcomeUnknown: { id: string; answer: string }[] = [];
  retries = 0;
  private stopped = false;
  private inFlight = 0;

  constructor(private readonly o: WorkloadOptions) {}

  /** Places `count` orders; resolves once every one is acknowledged (or `stop()` was called). */
  async run(count: number): Promise<void> {
    const started = performance.now();
    const maxInFlight = this.o.maxInFlight ?? 200;
    const pending: Promise<void>[] = [];
    const more = (i: number) => (this.o.on503 === 'abandon' ? this.acknowledged.length + this.inFlight < count : i < count);
    for (let i = 0; more(i) && !this.stopped; i++) {
      const due = started + (i * 1000) / this.o.rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      while (this.inFlight >= maxInFlight && !this.stopped) await sleep(20);
      pending.push(this.place(this.nextOrder()));
    }
    await Promise.all(pending);
  }

  stop(): void {
    this.stopped = true;
  }

  private nextOrder(): PlacedOrder {
    const n = 1 + Math.floor(Math.random() * MAX_ITEMS);
    const chosen = [...this.o.products].sort(() => Math.random() - 0.5).slice(0, n);
    return { id: randomUUID(), items: chosen.map((p) => ({ productId: p.id, quantity: 1 + Math.floor(Math.random() * 3) })) };
  }

  private async place(order: PlacedOrder): Promise<void> {
    this.inFlight++;
    const userId = 1 + Math.floor(Math.random() * 3000);
    try {
      for (let attempt = 0; !this.stopped; attempt++) {
        if (attempt > 0) {
          this.retries++;
          await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 5)));
        }
        const sentAt = Date.now();
        const { status, body } = await postOrderAnswer(this.o.ordersUrl, order, userId);
        if (status === 202) {
          this.acknowledged.push(order);
          return;
        }
        if (status === 503 && this.o.on503 === 'abandon') {
          this.refused.push({ order, sentAt, ms: Date.now() - sentAt });
          return;
        }
        // 500: the send failed after the order was handed to Kafka (outcome unknown); as orders-service's API says, sent again with the same id.
        if (status === 500) this.outcomeUnknown.push({ id: order.id, answer: body.slice(0, 500) });
        // 408: the server gave up receiving the request (a starved event loop); the request was not handled, so it is sent again.
        else if (status !== 503 && status !== 408 && status !== 0) throw new Error(`drill workload: POST ${this.o.ordersUrl}/orders answered ${status} for order ${order.id}: ${body.slice(0, 500)}`);
      }
    } finally {
      this.inFlight--;
    }
  }
}

/** `POST /orders` of one order with its client-chosen id: the HTTP status and body, or status 0 when unreachable. */
export async function postOrderAnswer(ordersUrl: string, order: PlacedOrder, userId: number): Promise<{ status: number; body: string }> {
  const body = JSON.stringify({ id: order.id, userId, items: order.items, deliveryLat: 12.97, deliveryLon: 77.59 });
  try {
    const res = await fetch(`${ordersUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(15_000) });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { status: 0, body: (err as Error).message };
  }
}

/** `POST /orders` of one order with its client-chosen id: the HTTP status, or 0 when unreachable. */
export async function postOrder(ordersUrl: string, order: PlacedOrder, userId: number): Promise<number> {
  return (await postOrderAnswer(ordersUrl, order, userId)).status;
}
