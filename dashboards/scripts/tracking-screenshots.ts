// Screenshots of the customer's tracking page for the README (docs/tracking-desktop.png and
// docs/tracking-phone.png), taken from a running system: POSTs an order, waits until its courier is
// on the road, then shoots the page at desktop and phone size.
//   npx tsx dashboards/scripts/tracking-screenshots.ts [--dashboard http://localhost:8501] [--orders http://localhost:8081] [--out docs]
// Run it beside `npm start` with delivery-service sped up (e.g. DELIVERY_SPEEDUP=30) to wait less.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { chromiumPath } from '@pizzashop/testkit/browser';

const { values } = parseArgs({
  options: {
    dashboard: { type: 'string', default: 'http://localhost:8501' },
    orders: { type: 'string', default: 'http://localhost:8081' },
    out: { type: 'string', default: 'docs' },
    'timeout-s': { type: 'string', default: '600' },
  },
});
const deadline = Date.now() + Number(values['timeout-s']) * 1000;

const res = await fetch(`${values.orders}/orders`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ userId: 1, items: [{ productId: '1', quantity: 2 }, { productId: '61', quantity: 1 }], deliveryLat: 12.935, deliveryLon: 77.675 }),
}).catch((err: Error) => {
  throw new Error(`tracking-screenshots: orders-service at ${values.orders} unreachable (${err.message}); start the system with npm start or pass --orders`);
});
if (res.status !== 202) throw new Error(`tracking-screenshots: POST ${values.orders}/orders answered ${res.status}: ${await res.text()}`);
const { id } = (await res.json()) as { id: string };
console.log(`order ${id} placed; waiting for its courier to be on the road (up to ${values['timeout-s']} s)`);

const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${values.dashboard}/track/${id}`);
  for (;;) {
    const moved = await page.evaluate(() => (document.getElementById('track')?.getAttribute('points') ?? '').split(' ').filter(Boolean).length);
    if (moved >= 4) break;
    if (Date.now() > deadline) throw new Error(`tracking-screenshots: order ${id} had no courier on the road after ${values['timeout-s']} s: is delivery-service running?`);
    await page.waitForTimeout(1000);
  }
  await page.screenshot({ path: join(values.out, 'tracking-desktop.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(values.out, 'tracking-phone.png'), fullPage: true });
  console.log(`wrote ${join(values.out, 'tracking-desktop.png')} and ${join(values.out, 'tracking-phone.png')} (order ${id})`);
} finally {
  await browser.close();
}
