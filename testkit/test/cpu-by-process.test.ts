// Tests the bench's CPU accounting by process: labels from command lines, shares between two snapshots.
import { describe, expect, it } from 'vitest';
import { cpuShares, processLabel, type CpuSnapshot } from '../src/bench/cpu-by-process.js';

describe('processLabel', () => {
  it('names a JVM by its main class, skipping options and their values', () => {
    expect(processLabel(['/usr/bin/java', '-Xmx768m', '--add-opens', 'java.base/java.lang=ALL-UNNAMED', '-cp', '/x/lib/kafka/*', 'kafka.Kafka', '/x/kafka.properties'], 'java')).toBe('Kafka');
    expect(processLabel(['java', '-Dfoo=1', '-cp', 'a:b', 'org.apache.pinot.tools.admin.PinotAdministrator', 'StartServer', '-zkAddress', 'x'], 'java')).toBe('Pinot StartServer');
    expect(processLabel(['/opt/jdk/bin/java', '-Xmx256m', '-jar', '/x/quarkus-app/quarkus-run.jar'], 'java')).toBe('quarkus-run.jar');
  });

  it('names a Node process by its script, not by a loader or a launcher under node_modules', () => {
    expect(processLabel(['node', '--require', '/r/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///r/node_modules/tsx/dist/loader.mjs', 'pizzashop-api/src/main.ts'], 'node')).toBe('pizzashop-api/src/main.ts');
    expect(processLabel(['node', '/r/node_modules/.bin/tsx', 'bench/lifecycle.ts', 'out.json'], 'node')).toBe('bench/lifecycle.ts');
    expect(processLabel(['node', '/r/node_modules/.bin/tsx', '/work/repo/bench/lifecycle.ts'], 'node', '/work/repo')).toBe('bench/lifecycle.ts');
    expect(processLabel(['node', '/elsewhere/a/b/c/tool.js'], 'node', '/work/repo')).toBe('b/c/tool.js');
  });

  it('falls back to the command name', () => {
    expect(processLabel(['/usr/sbin/mariadbd', '--datadir=/x'], 'mariadbd')).toBe('mariadbd');
    expect(processLabel([], 'kworker/0:1')).toBe('kworker/0:1');
  });
});

describe('cpuShares', () => {
  const snap = (entries: [number, string, number][]): CpuSnapshot => new Map(entries.map(([pid, label, cpuSeconds]) => [pid, { label, cpuSeconds }]));

  it('sums the CPU used in between per label as shares of a core, busiest first, dropping the idle', () => {
    const before = snap([[1, 'Kafka', 100], [2, 'api', 10], [3, 'api', 20], [4, 'idle', 5]]);
    const after = snap([[1, 'Kafka', 104], [2, 'api', 13], [3, 'api', 22], [4, 'idle', 5], [5, 'new', 1]]);
    expect(cpuShares(before, after, 10)).toEqual([
      { process: 'api', count: 2, cores: 0.5 },
      { process: 'Kafka', count: 1, cores: 0.4 },
      { process: 'new', count: 1, cores: 0.1 },
    ]);
  });

  it('counts a recycled pid (another label) from zero', () => {
    expect(cpuShares(snap([[7, 'old', 50]]), snap([[7, 'other', 2]]), 4)).toEqual([{ process: 'other', count: 1, cores: 0.5 }]);
  });
});
