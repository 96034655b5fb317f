// Integration tests of the enricher's exactly-once output across kill -9 and with two instances.
import { enrichedOrderItemSchema, orderSchema } from '@pizzashop/common';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { mysqlAdmin, orderFor, privateTopics, produce, readTopic, type ServiceProcess, simulate, stackEnv, startEnricher, testKafka, testPort, waitFor } from '@pizzashop/testkit';

const cfg = stackEnv();
const kafka = testKafka(cfg.KAFKA_BROKERS);
const ORDERS = 10000;
const PORT = testPort('exactly-once-it.enricher');

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

describe('waiting items across kill -9', () => {
  it('items waiting for an unknown product are restored after a crash and enriched once when it arrives', async () => {
    const topics = privateTopics();
    const port = PORT + 3;
    const waitingMetric = async () =>
      Number((await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).match(/^enricher_waiting_items\{[^}]*\} (\d+)/m)?.[1] ?? -1);
    const productId = 900000 + Math.floor(Math.random() * 90000);
    const db = await mysql.createConnection(mysqlAdmin(cfg));
    try {
      const first = await startEnricher(cfg, topics, port);
      running.push(first);
      const orders = Array.from({ length: 20 }, () =>
        orderFor([
          { productId: '1', quantity: 1, price: 10 },
          { productId: String(productId), quantity: 2, price: 5 },
        ]),
      );
      await produce(kafka, topics.ORDERS_TOPIC, orders);
      await readTopic(kafka, topics.ENRICHED_ORDER_ITEMS_TOPIC, (r) => r.length >= 20, { timeoutMs: 60000 });
      expect(await waitFor('20 waiting items', async () => ((await waitingMetric()) === 20 ? 20 : undefined), 30000)).toBe(20);

      await first.stop('SIGKILL');
      const second = await startEnricher(cfg, topics, port);
      running.push(second);
      expect(await waitFor('the 20 waiting items restored', async () => ((await waitingMetric()) === 20 ? 20 : undefined), 60000)).toBe(20);

      await db.execute('INSERT INTO products (id, name, description, category, price, image) VALUES (?, ?, ?, ?, ?, ?)', [
        productId,
        'late product',
        'inserted after its orders',
        'it-category',
        5,
        '/images/late.jpg',
      ]);
      const records = await readTopic(kafka, topics.ENRICHED_ORDER_ITEMS_TOPIC, (r) => r.length >= 40, { timeoutMs: 60000, settleMs: 3000 });
      const items = records.map((r) => enrichedOrderItemSchema.parse(JSON.parse(r.value!)));
      expect(items).toHaveLength(40);
      for (const o of orders) expect(items.filter((i) => i.orderId === o.id).map((i) => i.product.id).sort()).toEqual(['1', String(productId)].sort());
      expect(items.find((i) => i.product.id === String(productId))!.product.name).toBe('late product');
      expect(await waitingMetric()).toBe(0);
    } finally {
      await db.execute('DELETE FROM products WHERE id = ?', [productId]);
      await db.end();
    }
  });
});

describe('a group offset behind the checkpoint', () => {
  it("resumes at each partition's checkpoint when the group's committed offsets are behind: nothing enriched twice", async () => {
    const topics = privateTopics();
    const port = PORT + 4;
    const itemsOf = (n: number) => Array.from({ length: n }, () => orderFor([{ productId: '1', quantity: 1, price: 10 }, { productId: '2', quantity: 2, price: 5 }]));
    const first = await startEnricher(cfg, topics, port);
    running.push(first);
    const before = itemsOf(60);
    await produce(kafka, topics.ORDERS_TOPIC, before);
    await readTopic(kafka, topics.ENRICHED_ORDER_ITEMS_TOPIC, (r) => r.length >= 120, { timeoutMs: 60000 });
    await first.stop('SIGTERM');

    // What a group offset read right after a broker restart can answer (a commit not applied yet), made lasting: back to the start.
    const admin = kafka.admin();
    await admin.connect();
    const partitions = (await admin.fetchTopicOffsets(topics.ORDERS_TOPIC)).map((p) => ({ partition: p.partition, offset: '0' }));
    await admin.setOffsets({ groupId: topics.ENRICHER_GROUP_ID, topic: topics.ORDERS_TOPIC, partitions });
    await admin.disconnect();

    const second = await startEnricher(cfg, topics, port);
    running.push(second);
    const after = itemsOf(30);
    await produce(kafka, topics.ORDERS_TOPIC, after);
    const records = await readTopic(kafka, topics.ENRICHED_ORDER_ITEMS_TOPIC, (r) => r.length >= 180, { timeoutMs: 60000, settleMs: 5000 });
    const perOrder = new Map<string, number>();
    for (const r of records) {
      const { orderId } = enrichedOrderItemSchema.parse(JSON.parse(r.value!));
      perOrder.set(orderId, (perOrder.get(orderId) ?? 0) + 1);
    }
    expect(
      { records: records.length, orders: perOrder.size, notTwoItems: [...perOrder.values()].filter((n) => n !== 2).length },
      `restarted enricher output:\n${second.output().slice(-6000)}`,
    ).toEqual({ records: 180, orders: 90, notTwoItems: 0 });
    expect(second.output()).toContain('resuming at the checkpoint');
  });
});
