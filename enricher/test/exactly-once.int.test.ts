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
