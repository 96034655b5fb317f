// Tests the stack profiles (default, test, cluster): member counts, replication and ports that no two
// members or stacks share.
import { describe, expect, it } from 'vitest';
import { loadStackConfig, serviceEnv } from '../src/config.js';
import { stackComponents } from '../src/components/index.js';

const launchedPorts = (env: NodeJS.ProcessEnv) => {
  const cfg = loadStackConfig(env);
  return stackComponents(cfg).flatMap((c) => (c.kind === 'process' ? (c.ports?.(cfg) ?? []) : []));
};

describe('stack profiles', () => {
  it('keep the default and test stacks single-node, under their row names', () => {
    for (const env of [{}, { STACK_PROFILE: 'test' }]) {
      const names = stackComponents(loadStackConfig(env)).map((c) => c.name);
      expect(names).toEqual(['mariadb', 'kafka', 'schema-registry', 'zookeeper', 'kafka-connect', 'pinot-controller', 'pinot-broker', 'pinot-server', 'debezium-connector', 'pinot-tables']);
    }
  });

  it('run the cluster profile with 3 Kafka nodes, 2 Pinot brokers and servers, replicated, in .stack-cluster on ports +20000', () => {
    const cfg = loadStackConfig({ STACK_PROFILE: 'cluster' });
    expect(cfg.STACK_STATE_DIR).toMatch(/\.stack-cluster$/);
    expect([cfg.KAFKA_REPLICATION_FACTOR, cfg.KAFKA_MIN_INSYNC_REPLICAS, cfg.PINOT_REPLICAS, cfg.ENRICHER_INSTANCES, cfg.API_INSTANCES]).toEqual([3, 2, 2, 2, 2]);
    const rows = stackComponents(cfg);
    expect(rows.map((c) => c.name).filter((n) => /^(kafka|pinot-broker|pinot-server)-\d$/.test(n))).toEqual(['kafka-1', 'kafka-2', 'kafka-3', 'pinot-broker-1', 'pinot-broker-2', 'pinot-server-1', 'pinot-server-2']);
    expect(rows.find((c) => c.name === 'kafka-connect')!.dependsOn).toEqual(['kafka-1', 'kafka-2', 'kafka-3']);
    expect(rows.find((c) => c.name === 'pinot-tables')!.dependsOn).toEqual(['pinot-broker-1', 'pinot-broker-2', 'pinot-server-1', 'pinot-server-2', 'kafka-1', 'kafka-2', 'kafka-3']);
    const env = serviceEnv(cfg);
    expect(env.KAFKA_BROKERS).toBe('localhost:29092,localhost:29192,localhost:29292');
    expect(env.PINOT_BROKER_URLS).toBe('http://localhost:28099,http://localhost:28199');
  });

  it('give every member its own ports, none shared with another member or with the default, test or helper stacks', () => {
    const cluster = launchedPorts({ STACK_PROFILE: 'cluster' });
    expect(new Set(cluster).size).toBe(cluster.length);
    const others = [{}, { STACK_PROFILE: 'test' }, ...[4000, 6000, 8000, 12_000].map((o) => ({ STACK_PROFILE: 'test', STACK_PORT_OFFSET: String(o) }))].flatMap(launchedPorts);
    expect(cluster.filter((p) => others.includes(p))).toEqual([]);
  });

  it('refuse replication the members cannot hold, and an unknown profile', () => {
    expect(() => loadStackConfig({ KAFKA_REPLICATION_FACTOR: '3' })).toThrow('local-stack: KAFKA_REPLICATION_FACTOR 3 is more than KAFKA_NODES 1');
    expect(() => loadStackConfig({ STACK_PROFILE: 'cluster', KAFKA_MIN_INSYNC_REPLICAS: '4' })).toThrow('KAFKA_MIN_INSYNC_REPLICAS 4 is more than KAFKA_REPLICATION_FACTOR 3');
    expect(() => loadStackConfig({ STACK_PROFILE: 'cluster', PINOT_SERVERS: '1' })).toThrow('PINOT_REPLICAS 2 is more than PINOT_SERVERS 1');
    expect(() => loadStackConfig({ STACK_PROFILE: 'prod' })).toThrow('STACK_PROFILE must be one of default, test, cluster, got "prod"');
  });
});
