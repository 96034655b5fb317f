// The schema registry row of the stack: Apicurio Registry 3 (a Quarkus app from Maven Central) with
// the Confluent-compatible API under /apis/ccompat/v7, storing its data in Kafka (KafkaSQL).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { httpOk } from '../net.js';
import { findJava21 } from '../prerequisites.js';
import type { LaunchSpec } from '../processes.js';
import { QUICK_START } from './jvm.js';
import type { ProcessComponent, StackContext } from './types.js';
import { kafkaBootstrap } from '../config.js';

/** KafkaSQL's topics; docker/kafka/topics.conf creates them (delete policy, no retention limit). */
export const SCHEMA_REGISTRY_TOPICS = {
  journal: 'schema-registry-journal',
  snapshots: 'schema-registry-snapshots',
  events: 'schema-registry-events',
} as const;

/** The compatibility every subject gets unless it has its own rule (see docs/decisions.md). */
export const DEFAULT_COMPATIBILITY = 'BACKWARD';

/** The path whose 200 means the registry serves subjects from its storage (not just that Quarkus is up). */
export const SUBJECTS_PATH = '/apis/ccompat/v7/subjects';

/**
 * Registry settings as Quarkus system properties. The same keys, upper-cased with `_`, are the
 * compose service's environment.
 */
export function registryProperties(o: { port: number; managementPort: number; host: string; kafkaBootstrap: string; snapshotDir: string }): Record<string, string> {
  return {
    'quarkus.http.port': String(o.port),
    'quarkus.http.host': o.host,
    // Health and metrics listen on a port of their own (fixed at build time), by default 9000 on
    // every interface: the Pinot controller's port, and the same for every stack on the machine.
    'quarkus.management.port': String(o.managementPort),
    'quarkus.management.host': o.host,
    'quarkus.http.access-log.enabled': 'false',
    'apicurio.storage.kind': 'kafkasql',
    'apicurio.kafkasql.bootstrap.servers': o.kafkaBootstrap,
    'apicurio.kafkasql.topic': SCHEMA_REGISTRY_TOPICS.journal,
    'apicurio.kafkasql.snapshots.topic': SCHEMA_REGISTRY_TOPICS.snapshots,
    'apicurio.events.kafka.topic': SCHEMA_REGISTRY_TOPICS.events,
    // topics.conf is the one list of topics; a missing one is an error, not a silent default.
    'apicurio.kafkasql.topic.auto-create': 'false',
    // At start the registry polls its (usually empty) snapshots topic until a poll comes back empty:
    // the 5 s default made that 10 s of every start.
    'apicurio.kafkasql.consumer.poll.timeout': '500',
    'apicurio.storage.snapshot.location': o.snapshotDir,
    'apicurio.rules.global.compatibility': DEFAULT_COMPATIBILITY,
  };
}

/** The Java 21+ runtime found for each stack by `prepare` (finding it runs `java -version`, asynchronously). */
const java21Of = new WeakMap<StackContext, string>();

function launch(ctx: StackContext): LaunchSpec {
  const { cfg, paths } = ctx;
  const java = java21Of.get(ctx);
  if (!java) throw new Error('schema-registry: launched before prepare found a Java 21+ runtime');
  const props = registryProperties({
    port: cfg.SCHEMA_REGISTRY_PORT,
    managementPort: cfg.SCHEMA_REGISTRY_MANAGEMENT_PORT,
    host: cfg.STACK_BIND_HOST,
    kafkaBootstrap: kafkaBootstrap(cfg),
    snapshotDir: paths.data('schema-registry'),
  });
  return {
    command: java,
    args: [
      `-Xmx${cfg.SCHEMA_REGISTRY_HEAP}`,
      '-Xms64m',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.net.preferIPv4Stack=true',
      ...QUICK_START,
      `-Djava.io.tmpdir=${paths.data('schema-registry')}`,
      ...Object.entries(props).map(([k, v]) => `-D${k}=${v}`),
      '-jar',
      join(paths.lib('schema-registry'), 'quarkus-run.jar'),
    ],
  };
}

export const schemaRegistry: ProcessComponent = {
  kind: 'process',
  name: 'schema-registry',
  dependsOn: ['kafka'],
  maven: ['schema-registry'],
  address: (cfg) => `http://localhost:${cfg.SCHEMA_REGISTRY_PORT}/apis/ccompat/v7`,
  ports: (cfg) => [cfg.SCHEMA_REGISTRY_PORT, cfg.SCHEMA_REGISTRY_MANAGEMENT_PORT],
  prepare: async (ctx) => {
    java21Of.set(ctx, await findJava21(ctx.cfg, ctx.tools.java));
    mkdirSync(ctx.paths.data('schema-registry'), { recursive: true });
  },
  launch,
  isHealthy: (ctx) => httpOk(`http://localhost:${ctx.cfg.SCHEMA_REGISTRY_PORT}${SUBJECTS_PATH}`, 3000),
};
