// Tests the `npm start` supervisor: restart back-off, restarting a service that exits, and running
// services from their bundles.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readServicesState, type ServicesFile } from '@pizzashop/local-stack';
import { bundleServices, runService, services } from '../scripts/services.js';
import { restartDelayMs, Supervisor } from '../scripts/supervisor.js';
import { waitFor } from '@pizzashop/testkit';

describe('restartDelayMs', () => {
  it('doubles from 1 s to at most 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(restartDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});

describe('Supervisor', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('starts a service that exits again, counts the restarts and records them for stack:status; stop ends it for good', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'supervisor-'));
    dirs.push(dir);
    const entry = join(dir, 'crashes.ts');
    writeFileSync(entry, 'setTimeout(() => process.exit(3), 100);\n');
    const said: string[] = [];
    const supervisor = new Supervisor(
      [{ spec: { name: 'crashy', entry, portVar: 'CRASHY_PORT', port: 1, path: '/', bundled: false }, url: 'http://localhost:1/', env: {} }],
      { stateDir: dir, bundleDir: join(dir, 'bundles'), logFile: (name) => join(dir, `${name}.log`), say: (line) => said.push(line) },
    );
    supervisor.start();
    await waitFor('two restarts', () => supervisor.snapshot()[0]!.restarts >= 2, 20_000);
    const recorded = readServicesState(dir)[0]!;
    expect(recorded).toMatchObject({ name: 'crashy', url: 'http://localhost:1/' });
    expect(recorded.restarts).toBeGreaterThanOrEqual(1);
    expect(recorded.lastExit).toMatch(/^code 3 after \d+\.\d s at /);
    expect(said[0]).toMatch(/^\[start\] crashy exited \(code 3\) after \d+\.\d s; restart 1 in 1 s/);
    await supervisor.stop();
    const restarts = supervisor.snapshot()[0]!.restarts;
    await new Promise((r) => setTimeout(r, 2500));
    expect(supervisor.snapshot()[0]).toMatchObject({ state: 'stopped', restarts });
    expect((JSON.parse(readFileSync(join(dir, 'services.json'), 'utf8')) as ServicesFile).services[0]!.state).toBe('stopped');
  }, 30_000);
});

describe('service bundles', () => {
  it('npm start runs a bundled service from the bundle it wrote: a bad setting is reported by that bundle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bundles-'));
    try {
      const orders = services.find((s) => s.name === 'orders-service')!;
      expect(orders.bundled).toBe(true);
      expect(await bundleServices([orders], dir)).toBeGreaterThan(0);
      const child = runService(orders, { ORDERS_HTTP_PORT: 'not-a-port' }, join(dir, 'orders-service.log'), dir);
      expect(child.spawnargs.slice(1)).toEqual(['--enable-source-maps', join(dir, 'orders-service', 'main.mjs')]);
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).not.toBe(0);
      await waitFor('the log written', () => /ORDERS_HTTP_PORT/.test(readFileSync(join(dir, 'orders-service.log'), 'utf8')), 5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
