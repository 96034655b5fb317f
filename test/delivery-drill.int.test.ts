// Runs the delivery-service kill -9 drill with few orders as part of the integration suite.
import { createLogger, infraEnvSchema, loadConfig } from '@pizzashop/common';
import { describe, expect, it } from 'vitest';
import { runDeliveryKillDrill } from '../drills/delivery-kill.js';
import { testPort } from '@pizzashop/testkit';

/** The delivery-service kill -9 drill with few orders (`npx tsx drills/delivery-kill.ts` runs more). */
describe('delivery-service kill -9 drill', () => {
  it('ends with every order DELIVERED, each status once, one DELIVERED position per order', async () => {
    const cfg = loadConfig(infraEnvSchema, process.env, 'delivery drill');
    const result = await runDeliveryKillDrill(
      cfg,
      { orders: 40, rate: 20, killAt: 0.25, ports: { orders: testPort('delivery-drill-it.orders'), delivery: testPort('delivery-drill-it.delivery') }, timeoutMs: 240_000 },
      createLogger('delivery-drill', 'warn'),
      (line) => console.error(line),
    );
    expect(result.deliveredAtKill, 'the kill came while orders were in flight').toBeLessThan(result.orders);
    expect({ delivered: result.delivered, wrongHistories: result.wrongHistories, duplicateStatuses: result.duplicateStatuses, duplicateDeliveredPositions: result.duplicateDeliveredPositions }).toEqual({
      delivered: 40,
      wrongHistories: 0,
      duplicateStatuses: 0,
      duplicateDeliveredPositions: 0,
    });
  }, 420_000);
});
