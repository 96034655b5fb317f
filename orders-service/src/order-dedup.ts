// Deduplicates POST /orders by order id: a retry joins the send in flight or gets the acknowledged
// answer; a different order under the same id is a conflict.
import { createHash } from 'node:crypto';
import { PizzashopError, type ValidOrderInput } from '@pizzashop/common';

/** The same order id arrived with a different order. */
export class ConflictingOrderError extends PizzashopError {
  constructor(message: string) {
    super(message, { kind: 'conflict' });
  }
}

/** Why a request was answered from an earlier send of the same order. */
export type DuplicateKind = 'in_flight' | 'acknowledged';

/**
 * A stable hash of what the client asked for: user, status, products and quantities, delivery point.
 * Not the id (the key it is stored under), not prices (the server prices the order, so a retry with
 * or without prices is the same order) and not `createdAt` (a retry that restamps it is still the
 * same order, and an order read back from the topic after a restart cannot tell whether its
 * `createdAt` came from the client).
 */
export function orderFingerprint(order: Pick<ValidOrderInput, 'userId' | 'status' | 'deliveryLat' | 'deliveryLon'> & { items: { productId: string; quantity: number }[] }): string {
  const { userId, status, deliveryLat, deliveryLon } = order;
  const items = order.items.map(({ productId, quantity }) => [productId, quantity]);
  const canonical = [userId, status, items, deliveryLat, deliveryLon];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64');
}

/**
 * Makes sending an order idempotent on its id, within this process: a send still in flight is
 * joined instead of repeated, the last `capacity` acknowledged ids are answered with the result of
 * their send (the priced order) without sending again, and a send that fails is forgotten so a
 * retry sends again. The same id with another fingerprint is a ConflictingOrderError.
 */
export class OrderDeduplicator<T> {
  private readonly inFlight = new Map<string, { fingerprint: string; ack: Promise<T> }>();
  /** id -> fingerprint and result, oldest acknowledgement first. */
  private readonly acknowledged = new Map<string, { fingerprint: string; result: T }>();

  constructor(
    private readonly capacity: number,
    private readonly onDuplicate: (kind: DuplicateKind) => void,
  ) {}

  /**
   * Resolves with the result of the send of the order with this id: at once when it was already
   * acknowledged, with the send in flight when there is one, else with a new send started by `send`.
   */
  acknowledgement(id: string, fingerprint: string, send: () => Promise<T>): Promise<T> {
    const done = this.acknowledged.get(id);
    if (done !== undefined) {
      this.checkSameOrder(id, done.fingerprint, fingerprint);
      this.onDuplicate('acknowledged');
      return Promise.resolve(done.result);
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
      (result) => this.remember(id, fingerprint, result),
      () => this.inFlight.delete(id),
    );
    return ack;
  }

  private checkSameOrder(id: string, known: string, fingerprint: string): void {
    if (known !== fingerprint) {
      throw new ConflictingOrderError(`order ${id} was already submitted with different content; use a new id for a new order`);
    }
  }

  /** Records an order acknowledged before this process started (read back from the topic). */
  restore(id: string, fingerprint: string, result: T): void {
    if (!this.acknowledged.has(id) && !this.inFlight.has(id)) this.remember(id, fingerprint, result);
  }

  private remember(id: string, fingerprint: string, result: T): void {
    this.inFlight.delete(id);
    this.acknowledged.set(id, { fingerprint, result });
    if (this.acknowledged.size > this.capacity) {
      this.acknowledged.delete(this.acknowledged.keys().next().value!);
    }
  }
}
