// Unit tests of findStages and summariseStages.
import { describe, expect, it } from 'vitest';
import { findStages, summariseStages } from '../stages.js';

const placed = [
  { id: 'o1', items: [{ productId: '1', quantity: 1, price: 1 }, { productId: '2', quantity: 2, price: 1 }] },
  { id: 'o2', items: [{ productId: '3', quantity: 1, price: 1 }] },
  { id: 'o3', items: [{ productId: '4', quantity: 1, price: 1 }] },
];
const rows = (orders: [string, number][], items: [string, number][]) => ({ orders: new Map(orders), items: new Map(items) });

describe('findStages', () => {
  it('finds nothing when every order and item is once on its topic and once in Pinot', () => {
    const all = rows([['o1', 1], ['o2', 1], ['o3', 1]], [['o1/1', 1], ['o1/2', 1], ['o2/3', 1], ['o3/4', 1]]);
    expect(findStages(placed, all, all)).toEqual([]);
  });

  it('blames ingest for an acknowledged order missing from the orders topic, and its items with it', () => {
    const kafka = rows([['o1', 1], ['o2', 1]], [['o1/1', 1], ['o1/2', 1], ['o2/3', 1]]);
    const findings = findStages(placed, kafka, kafka);
    expect(findings.map((f) => [f.kind, f.key, f.stage])).toEqual([
      ['order', 'o3', 'ingest: acknowledged (202) but not on the orders topic'],
      ['item', 'o3/4', 'ingest: its order never reached the orders topic'],
    ]);
  });

  it('tells an enricher exactly-once breach from a row Pinot ingested twice', () => {
    const kafka = rows([['o1', 1], ['o2', 1], ['o3', 1]], [['o1/1', 2], ['o1/2', 1], ['o2/3', 1], ['o3/4', 1]]);
    const pinot = rows([['o1', 1], ['o2', 2], ['o3', 1]], [['o1/1', 2], ['o1/2', 1], ['o2/3', 1], ['o3/4', 2]]);
    const stages = findStages(placed, kafka, pinot).map((f) => `${f.key}: ${f.stage}`);
    expect(stages).toEqual([
      'o2: pinot: once on the orders topic, 2 rows in the orders table',
      'o1/1: enricher: committed 2 times to enriched-order-items (exactly-once breach)',
      'o3/4: pinot: once on enriched-order-items, 2 rows in order_items_enriched',
    ]);
  });

  it('says where on the topics each copy of an item committed twice and its order are', () => {
    const kafka = {
      ...rows([['o1', 1], ['o2', 1], ['o3', 1]], [['o1/1', 2], ['o1/2', 1], ['o2/3', 1], ['o3/4', 1]]),
      positions: { orders: new Map([['o1', ['2@1050']]]), items: new Map([['o1/1', ['1@345', '1@367']]]) },
    };
    expect(summariseStages(findStages(placed, kafka, kafka))).toEqual([
      '1 x item enricher: committed 2 times to enriched-order-items (exactly-once breach) (e.g. o1/1 [enriched-order-items 1@345, 1@367; orders 2@1050])',
    ]);
  });

  it('blames ingest, not the enricher, for items doubled because their order is twice on the orders topic', () => {
    const kafka = rows([['o1', 1], ['o2', 2], ['o3', 1]], [['o1/1', 1], ['o1/2', 1], ['o2/3', 2], ['o3/4', 1]]);
    const pinot = rows([['o1', 1], ['o2', 1], ['o3', 1]], [['o1/1', 1], ['o1/2', 1], ['o2/3', 2], ['o3/4', 1]]);
    expect(findStages(placed, kafka, pinot).map((f) => `${f.key}: ${f.stage}`)).toEqual([
      'o2: ingest: written 2 times to the orders topic',
      'o2/3: ingest: its order is 2 times on the orders topic, so the item was enriched 2 times',
    ]);
  });

  it('blames the enricher for an item of an order on the topic that never reached enriched-order-items, and Pinot for one it skipped', () => {
    const kafka = rows([['o1', 1], ['o2', 1], ['o3', 1]], [['o1/1', 1], ['o2/3', 1], ['o3/4', 1]]);
    const pinot = rows([['o1', 1], ['o2', 1], ['o3', 1]], [['o1/1', 1], ['o2/3', 1]]);
    const summary = summariseStages(findStages(placed, kafka, pinot));
    expect(summary).toEqual([
      '1 x item enricher: its order is on the orders topic but the item was never committed to enriched-order-items (e.g. o1/2)',
      '1 x item pinot: on enriched-order-items but not in order_items_enriched (e.g. o3/4)',
    ]);
  });
});
