// The Pinot members' launch settings that depend on table replicas (failure detection, catch-up before routing).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../src/config.js';
import { stackComponents } from '../src/components/index.js';
import { layout } from '../src/layout.js';
import type { ProcessComponent, StackContext } from '../src/components/types.js';

const stateDir = mkdtempSync(join(tmpdir(), 'pinot-replica-settings-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

/** The launch arguments of every Pinot broker and server of a profile, by row name. */
function pinotLaunchArgs(profile: string): Map<string, string[]> {
  const cfg = loadStackConfig({ STACK_PROFILE: profile, STACK_STATE_DIR: join(stateDir, profile) });
  const ctx = { cfg, paths: layout(cfg), tools: { java: 'java' }, versions: {}, progress: () => {} } as unknown as StackContext;
  const rows = stackComponents(cfg).filter((c): c is ProcessComponent => c.kind === 'process' && /^pinot-(broker|server)/.test(c.name));
  return new Map(rows.map((c) => [c.name, c.launch(ctx).args]));
}

const configFile = (args: string[]) => {
  const i = args.indexOf('-configFileName');
  return i < 0 ? undefined : readFileSync(args[i + 1]!, 'utf8');
};

describe('Pinot members with table replicas', () => {
  it('brokers detect a failed server and servers join routing only once caught up, in the cluster profile', () => {
    const args = pinotLaunchArgs('cluster');
    expect([...args.keys()]).toEqual(['pinot-broker-1', 'pinot-broker-2', 'pinot-server-1', 'pinot-server-2']);
    for (const [name, a] of args) {
      const conf = configFile(a);
      expect(conf).toContain('\npinot.zk.server=localhost:22181\n');
      if (name === 'pinot-broker-2') {
        expect(conf).toContain('\npinot.broker.failure.detector.type=CONNECTION\n');
        expect(conf).toContain('\npinot.broker.client.queryPort=28199\n');
      }
      if (name === 'pinot-server-2') {
        expect(conf).toContain('\npinot.server.starter.enableRealtimeOffsetBasedConsumptionStatusChecker=true\n');
        expect(conf).toMatch(/\npinot\.server\.starter\.realtimeConsumptionCatchupWaitMs=[1-9]\d+\n/);
        // Pinot reads only the file when given one: the ports, host and data dir must be in it.
        for (const key of ['netty.host=localhost', 'netty.port=28198', 'adminapi.port=28197', 'grpc.port=28190']) expect(conf).toContain(`\npinot.server.${key}\n`);
        expect(conf).toMatch(/\npinot\.server\.instance\.dataDir=\S+pinot-server-2\/index\n/);
      }
    }
  });

  it('leave a single-replica stack on Pinot defaults, its settings on the command line', () => {
    const args = pinotLaunchArgs('test');
    for (const a of args.values()) expect(configFile(a)).toBeUndefined();
    expect(args.get('pinot-server')).toEqual(expect.arrayContaining(['-serverPort', '18098', '-serverAdminPort', '18097']));
  });
});
