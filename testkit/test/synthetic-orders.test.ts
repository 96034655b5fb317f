// Unit tests of the synthetic orders: the enriched items carry what the enricher would write.
import { enrichedOrderItemSchema, type Product } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { buildOrder } from '../src/synthetic-orders.js';

const product = (id: string, category: string): Product => ({ id, name: id, description: 'd', category, image: `/i/${id}.jpg`, price: 2 });

describe('buildOrder', () => {
  it("gives each enriched item the enricher's firstOfCategory: 1 on the first line of each category", () => {
    const lines = [product('p1', 'pizza'), product('d1', 'drink'), product('p2', 'pizza'), product('s1', 'side'), product('d2', 'drink')];
    const { enrichedItems } = buildOrder('0b6f3c1e-8a47-4c1d-9d6a-2f8e5b7c9a10', 0, 1, lines.map((p) => ({ product: p, quantity: 1 })));
    expect(enrichedItems.map((i) => enrichedOrderItemSchema.parse(i).firstOfCategory)).toEqual([1, 1, 0, 1, 0]);
  });
});
