import { enrichedOrderItemSchema, orderSchema } from '@pizzashop/common';
import { afterAll, describe, expect, it } from 'vitest';
import { stackEnv } from '../../common/test/support/env.js';
import { readTopic, testKafka } from '../../common/test/support/kafka.js';
import { waitFor, type ServiceProcess } from '../../common/test/support/services.js';
import { privateTopics, simulate, startEnricher } from './pipeline-support.js';

const cfg = stackEnv();
const kafka = testKafka(cfg.KAFKA_BROKERS);
const ORDERS = 10000;
const PORT = 18391;

const running: ServiceProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
});

async function committedItems(topics: { ENRICHED_ORDER_ITEMS_TOPIC: string }): Promise<number> {
  const records = await readTopic(kafka, topics.ENRICHED_ORDER_ITEMS_TOPIC, () => true, { timeoutMs: 0, settleMs: 1500 });
  return records.length;
}

describe('exactly once across kill -9', () => {
  it('kill -9 of the enricher in the middle of 10,000 orders, restart: every order has exactly its items in the read_committed output', async () => {
    const topics = privateTopics();
    const first = await startEnricher(cfg, topics, PORT);
    running.push(first);
    const simulation = simulate(cfg, topics, ORDERS, '2000');
    await waitFor('the enricher to be in the middle of the orders', async () => (await committedItems(topics)) >= 5000, 60000, 200);
    await first.stop('SIGKILL');
    const second = await startEnricher(cfg, topics, PORT);
    running.push(second);
    expect((await simulation).orders).toBe(ORDERS);

    const orders = (await readTopic(kafka, topics.ORDERS_TOPIC, (r) => r.length >= ORDERS)).map((r) => orderSchema.parse(JSON.parse(r.value!)));
    const expected = new Map(orders.map((o) => [o.id, o.items.map((i) => i.productId).sort()]));
    const total = orders.reduce((n, o) => n + o.items.length, 0);
    const records = await readTopic(kafka, topics.ENRICHED_ORDER_ITEMS_TOPIC, (r) => r.length >= total, { timeoutMs: 150000, settleMs: 5000 });

    const actual = new Map<string, string[]>();
    for (const r of records) {
      const item = enrichedOrderItemSchema.parse(JSON.parse(r.value!));
      actual.set(item.orderId, [...(actual.get(item.orderId) ?? []), item.orderItem.productId]);
    }
    const missing = [...expected.keys()].filter((id) => !actual.has(id));
    const wrong = [...expected].filter(([id, items]) => actual.has(id) && JSON.stringify(actual.get(id)!.sort()) !== JSON.stringify(items));
    expect(
      { records: records.length, missing: missing.length, wrong: wrong.length },
      `restarted enricher output:\n${second.output().slice(-6000)}`,
    ).toEqual({ records: total, missing: 0, wrong: 0 });
  });
});

describe('consumer group', () => {
  it('two instances split the orders partitions and together enrich every item exactly once', async () => {
    const topics = privateTopics();
    const a = await startEnricher(cfg, topics, PORT + 1);
    running.push(a);
    const b = await startEnricher(cfg, topics, PORT + 2);
    running.push(b);
    const assigned = (s: ServiceProcess): number[] | undefined => {
      const lines = s.output().split('\n').filter((l) => l.includes('orders partitions assigned'));
      const last = lines.at(-1);
      return last ? (JSON.parse(last) as { partitions: number[] }).partitions : undefined;
    };
    const split = await waitFor('both instances to own partitions', () => {
      const [pa, pb] = [assigned(a), assigned(b)];
      return pa && pb && pa.length > 0 && pb.length > 0 && pa.length + pb.length === 3 ? [pa, pb] : undefined;
    }, 90000, 500);
    expect(new Set(split.flat()).size).toBe(3);

    await simulate(cfg, topics, 2000, 'max');
    const orders = (await readTopic(kafka, topics.ORDERS_TOPIC, (r) => r.length >= 2000)).map((r) => orderSchema.parse(JSON.parse(r.value!)));
    const total = orders.reduce((n, o) => n + o.items.length, 0);
    const records = await readTopic(kafka, topics.ENRICHED_ORDER_ITEMS_TOPIC, (r) => r.length >= total, { settleMs: 3000 });
    expect(records).toHaveLength(total);
    const metric = async (port: number) =>
      Number((await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).match(/^enricher_orders_in_total\{[^}]*\} (\d+)/m)?.[1] ?? 0);
    const [inA, inB] = [await metric(PORT + 1), await metric(PORT + 2)];
    expect(inA).toBeGreaterThan(0);
    expect(inB).toBeGreaterThan(0);
    expect(inA + inB).toBe(2000);
  });
});
