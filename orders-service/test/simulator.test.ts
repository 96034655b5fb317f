// Tests the Simulator end to end with fakes: catalogue prices, deliveries inside the service area, no
// burst after an outage.
import { createLogger, orderSchema } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { CatalogueStore } from '../src/catalogue-store.js';
import { OrderPublisher } from '../src/order-publisher.js';
import { Simulator } from '../src/simulator.js';
import { fakeProducer } from './fake-producer.js';
import { fakeCataloguePool, fakeWatch, PRODUCTS, SERVICE_AREA } from './ingest-app.js';

const log = createLogger('test', 'silent');

describe('Simulator', () => {
  it('prices every order from the catalogue, delivers only inside the service area, and does not burst after an outage', async () => {
    const { pool } = fakeCataloguePool(PRODUCTS, [
      { id: 1, lat: 12.97, lon: 77.59 },
      { id: 2, lat: 28.61, lon: 77.21 },
    ]);
    const store = new CatalogueStore(pool, { reloadMs: 3_600_000, missReloadMinIntervalMs: 0 }, log, () => undefined);
    await store.load();
    const { producer, sent } = fakeProducer('ack');
    const watch = fakeWatch(true);
    const publisher = new OrderPublisher(producer, 'orders', ['127.0.0.1:1'], watch, { maxInFlight: 100, maxBatch: 100, queueTimeoutMs: 1000, stallMs: 60_000 }, log);
    let skipped = 0;
    const rate = 200;
    const simulator = new Simulator(
      store,
      publisher,
      { rate, traffic: { profile: 'flat' }, random: Math.random, batchSize: 50, progressEvery: 1_000_000, serviceArea: SERVICE_AREA, bounds: { maxItems: 3, maxQuantity: 2 } },
      log,
      () => undefined,
      (n) => (skipped += n),
    );
    const running = simulator.run();
    await new Promise((r) => setTimeout(r, 500));
    watch.set(false);
    const atOutage = sent.length;
    await new Promise((r) => setTimeout(r, 3000));
    const afterOutage = sent.length;
    watch.set(true);
    await new Promise((r) => setTimeout(r, 500));
    simulator.stop();
    await running;
    store.stop();

    const orders = sent.flatMap((t) => t.messages.map((m) => orderSchema.parse(JSON.parse(m.value))));
    for (const order of orders) {
      expect(order.userId).toBe(1);
      for (const item of order.items) expect(item.price).toBe(PRODUCTS.find((p) => p.id === item.productId)!.price);
    }
    expect(afterOutage, 'nothing sent while Kafka was away').toBe(atOutage);
    // 4 s at 200/s would be 800 orders if the 3 s outage were caught up on; at most 1 s of backlog is.
    expect(orders.length).toBeLessThan(rate * 2.5);
    expect(skipped).toBeGreaterThan(rate * 1.5);
  });
});
