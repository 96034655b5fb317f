// `down`'s stop order, derived from the components' dependsOn: dependents stop in an earlier wave than what they use.
import { describe, expect, it } from 'vitest';
import { loadStackConfig } from '../src/config.js';
import { stackComponents } from '../src/components/index.js';
import { stopWaves } from '../src/stop-order.js';

describe('stop order', () => {
  it('stops the Pinot roles first and the stores last on the default stack', () => {
    expect(stopWaves(stackComponents(loadStackConfig({})))).toEqual([
      ['pinot-broker', 'pinot-server'],
      ['schema-registry', 'kafka-connect', 'pinot-controller'],
      ['mariadb', 'kafka', 'zookeeper'],
    ]);
  });

  it.each([['default', {}], ['cluster', { STACK_PROFILE: 'cluster' }]] as const)('%s stack: every process once, each after every process that depends on it', (_name, env) => {
    const components = stackComponents(loadStackConfig(env));
    const waves = stopWaves(components);
    const waveOf = new Map(waves.flatMap((wave, i) => wave.map((name) => [name, i] as const)));
    const processes = components.filter((c) => c.kind === 'process');
    expect(waves.flat().sort()).toEqual(processes.map((c) => c.name).sort());
    for (const c of processes) {
      for (const dep of c.dependsOn) expect(waveOf.get(dep)!, `${c.name} stops before ${dep}`).toBeGreaterThan(waveOf.get(c.name)!);
    }
  });
});
