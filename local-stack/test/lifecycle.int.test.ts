import { describe, expect, it } from 'vitest';
import { components, createContext, down, loadStackConfig, up } from '../src/index.js';
import { isPortFree } from '../src/net.js';
import { isAlive } from '../src/processes.js';

/**
 * Runs LAST (see test/last-file-sequencer.ts): takes the test stack down with --reset, checks that no
 * process and no port is left, then brings it back from scratch.
 */
describe('stack lifecycle', () => {
  it('stack:down stops every process and frees every port; up after --reset comes back clean', async () => {
    const ctx = createContext(loadStackConfig(process.env), () => undefined);
    const before = await up(ctx);
    const pids = before.components.flatMap((c) => (c.pid === null ? [] : [c.pid]));
    const ports = components.flatMap((c) => c.ports?.(ctx.cfg) ?? []);
    expect(pids.length).toBe(8);

    await down(ctx, true);
    expect(pids.filter(isAlive)).toEqual([]);
    const busy = [];
    for (const port of ports) if (!(await isPortFree(port))) busy.push(port);
    expect(busy).toEqual([]);

    const t0 = Date.now();
    const after = await up(ctx);
    console.error(`[lifecycle] cold start after --reset: ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    expect(after.components.filter((c) => !c.healthy)).toEqual([]);
    expect(after.started.sort()).toEqual(components.filter((c) => c.launch).map((c) => c.name).sort());
  });
});
