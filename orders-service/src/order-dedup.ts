import { createHash } from 'node:crypto';
import type { Order } from '@pizzashop/common';

/** The same order id arrived with a different order. */
export class ConflictingOrderError extends Error {
  override name = 'ConflictingOrderError';
}

/** Why a request was answered from an earlier send of the same order. */
export type DuplicateKind = 'in_flight' | 'acknowledged';

/**
 * A stable hash of what the client asked for: every field of the completed order but the id (the
 * key it is stored under) and `createdAt` when the server assigned it (a retry of the same body gets a new one). `price` is
 * the computed total, so a body with and without the matching price is the same order.
 */
export function orderFingerprint(order: Order, clientCreatedAt: string | undefined): string {
  const { userId, status, price, deliveryLat, deliveryLon } = order;
  const items = order.items.map(({ productId, quantity, price: itemPrice }) => [productId, quantity, itemPrice]);
  const canonical = [clientCreatedAt ?? null, userId, status, price, items, deliveryLat, deliveryLon];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64');
}

/**
 * Makes sending an order idempotent on its id, within this process: a send still in flight is
 * joined instead of repeated, the last `capacity` acknowledged ids are answered without sending
 * again, and a send that fails is forgotten so a retry sends again. The same id with another
 * fingerprint is a ConflictingOrderError.
 */
export class OrderDeduplicator {
  private readonly inFlight = new Map<string, { fingerprint: string; ack: Promise<void> }>();
  /** id -> fingerprint, oldest acknowledgement first. */
  private readonly acknowledged = new Map<string, string>();

  constructor(
    private readonly capacity: number,
    private readonly onDuplicate: (kind: DuplicateKind) => void,
  ) {}

  /**
   * Resolves once Kafka acknowledged the order with this id: at once when it already was, with the
   * send in flight when there is one, else with a new send started by `send`.
   */
  acknowledgement(id: string, fingerprint: string, send: () => Promise<void>): Promise<void> {
    const acknowledgedFingerprint = this.acknowledged.get(id);
    if (acknowledgedFingerprint !== undefined) {
      this.checkSameOrder(id, acknowledgedFingerprint, fingerprint);
      this.onDuplicate('acknowledged');
      return Promise.resolve();
    }
    const pending = this.inFlight.get(id);
    if (pending) {
      this.checkSameOrder(id, pending.fingerprint, fingerprint);
      this.onDuplicate('in_flight');
      return pending.ack;
    }
    const ack = send();
    this.inFlight.set(id, { fingerprint, ack });
    ack.then(
      () => this.remember(id, fingerprint),
      () => this.inFlight.delete(id),
    );
    return ack;
  }

  private checkSameOrder(id: string, known: string, fingerprint: string): void {
    if (known !== fingerprint) {
      throw new ConflictingOrderError(`order ${id} was already submitted with different content; use a new id for a new order`);
    }
  }

  private remember(id: string, fingerprint: string): void {
    this.inFlight.delete(id);
    this.acknowledged.set(id, fingerprint);
    if (this.acknowledged.size > this.capacity) {
      this.acknowledged.delete(this.acknowledged.keys().next().value!);
    }
  }
}
