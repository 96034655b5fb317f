// Runs the fault drills with small counts on the test stack: every acknowledged order and item must
// end in Pinot exactly once.
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '@pizzashop/common';
import { createContext, loadStackConfig } from '@pizzashop/local-stack';
import { closeDrillContext, openDrillContext } from '../drills/context.js';
import { createDrills } from '../drills/drills.js';
import { runDrill } from '../drills/harness.js';
import { reportLine } from '../drills/report.js';
import { testPort } from '@pizzashop/testkit';

/**
 * The fault drills of `npm run drills` with small counts, on the test stack the integration setup
 * brought up: each kills or restarts a real component under a workload and must end with every
 * acknowledged order and item in Pinot exactly once.
 */
const stack = createContext(loadStackConfig(process.env), () => undefined);
const ctx = openDrillContext(stack, process.env as Record<string, string>, { orders: testPort('drills-it.orders'), enricher: testPort('drills-it.enricher'), api: testPort('drills-it.api'), dashboard: testPort('drills-it.dashboard'), delivery: testPort('drills-it.delivery') }, createLogger('drills', 'warn'), (line) =>
  console.error(line),
);
const options = { orders: 240, rate: 40, faultAt: 0.4, holdMs: 2000, convergeTimeoutMs: 240_000 };

afterAll(async () => {
  await closeDrillContext(ctx);
});

/** delivery-kill's lifecycle check runs in the suite as test/delivery-drill.int.test.ts already. */
const IN_OWN_TEST = ['delivery-kill'];

describe('fault drills', () => {
  for (const drill of createDrills(30).filter((d) => !IN_OWN_TEST.includes(d.name))) {
    it(`${drill.name}: ${drill.fault}: Pinot holds every acknowledged order and item exactly once`, async () => {
      const result = await runDrill(ctx, drill, options);
      console.error(reportLine(result));
      expect(
        {
          ordersInPinot: result.ordersInPinot,
          itemsInPinot: result.itemsInPinot,
          duplicates: result.duplicates,
          notesOk: result.passed,
        },
        `${reportLine(result)}\n${ctx.pipeline.output()}`,
      ).toEqual({ ordersInPinot: options.orders, itemsInPinot: result.itemsExpected, duplicates: 0, notesOk: true });
      expect(result.itemsExpected).toBeGreaterThanOrEqual(options.orders);
    }, 600_000);
  }
});
