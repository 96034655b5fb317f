// Prices an order from the catalogue (the server sets every price), for HTTP and simulated orders alike.
import { distanceKm, orderTotal, PizzashopError, samePrice, type Order, type OrderItem, type ValidOrderInput } from '@pizzashop/common';
import type { CatalogueSnapshot, CatalogueStore } from './catalogue-store.js';
import { describeServiceArea, inServiceArea, type ServiceArea } from './service-area.js';

/**
 * The one pricing rule for every order, HTTP or simulated: the client names products, quantities,
 * user and delivery point; the server checks them against the catalogue and the service area and
 * prices the order from the catalogue. A client price is only compared with the current one.
 */

/** One reason an order is refused, naming the field (`items.2.productId`, `userId`, ...). */
export interface PricingProblem {
  path: string;
  message: string;
  /** For a price that differs: the current catalogue price (or total) the client should send. */
  current?: number;
}

export type PricingResult =
  | { ok: true; order: Order }
  /** 422: unknown product or user, outside the service area. 409: a client price is not the current one. */
  | { ok: false; status: 409 | 422; problems: PricingProblem[]; catalogueMiss: boolean };

/** Prices `input` from `catalogue`, or says why it cannot be accepted (every problem of the worst kind). */
export function priceOrder(input: ValidOrderInput, catalogue: CatalogueSnapshot, area: ServiceArea, id: string, createdAt: string): PricingResult {
  const unknown: PricingProblem[] = [];
  const items: OrderItem[] = [];
  input.items.forEach((item, index) => {
    const product = catalogue.products.get(item.productId);
    if (product) items.push({ productId: item.productId, quantity: item.quantity, price: product.price });
    else unknown.push({ path: `items.${index}.productId`, message: `product ${item.productId} is not in the catalogue` });
  });
  if (!catalogue.customers.has(input.userId)) unknown.push({ path: 'userId', message: `user ${input.userId} does not exist` });
  const point = { lat: input.deliveryLat, lon: input.deliveryLon };
  const outside: PricingProblem[] = inServiceArea(area, point)
    ? []
    : [{ path: 'deliveryLat,deliveryLon', message: `(${point.lat}, ${point.lon}) is outside the service area (${describeServiceArea(area)}): ${Math.round(distanceKm(area, point))} km away` }];
  if (unknown.length + outside.length > 0) return { ok: false, status: 422, problems: [...unknown, ...outside], catalogueMiss: unknown.length > 0 };

  const price = orderTotal(items);
  const changed: PricingProblem[] = [];
  input.items.forEach((item, index) => {
    const current = items[index]!.price;
    if (item.price !== undefined && !samePrice(item.price, current)) {
      changed.push({ path: `items.${index}.price`, message: `product ${item.productId} costs ${current} now, not ${item.price}`, current });
    }
  });
  if (input.price !== undefined && !samePrice(input.price, price)) {
    changed.push({ path: 'price', message: `the order costs ${price} now, not ${input.price}`, current: price });
  }
  if (changed.length > 0) return { ok: false, status: 409, problems: changed, catalogueMiss: true };

  return {
    ok: true,
    order: { id, createdAt, userId: input.userId, status: input.status, price, items, deliveryLat: input.deliveryLat, deliveryLon: input.deliveryLon },
  };
}

/** The catalogue could not be read from MariaDB, so the order cannot be checked now (503). */
export class CatalogueUnavailableError extends PizzashopError {
  constructor(message: string, cause?: unknown) {
    super(message, { kind: 'unavailable', cause });
  }
}

/**
 * `priceOrder` over the live catalogue: an order that misses (unknown product or user, another
 * price) is priced again after a reload (`CatalogueStore.afterMiss`), so it is judged against
 * MariaDB as it is now, not as of the last periodic reload.
 */
export class OrderPricer {
  constructor(
    private readonly store: CatalogueStore,
    private readonly area: ServiceArea,
  ) {}

  async price(input: ValidOrderInput, id: string, createdAt: string): Promise<PricingResult> {
    if (!this.store.loaded) throw new CatalogueUnavailableError('the catalogue is not loaded yet (MariaDB unreachable since start)');
    const result = priceOrder(input, this.store.current, this.area, id, createdAt);
    if (result.ok || !result.catalogueMiss) return result;
    let fresh: CatalogueSnapshot;
    try {
      fresh = await this.store.afterMiss();
    } catch (err) {
      throw new CatalogueUnavailableError(`the catalogue could not be reloaded to check this order: ${(err as Error).message}`, err);
    }
    return priceOrder(input, fresh, this.area, id, createdAt);
  }
}
