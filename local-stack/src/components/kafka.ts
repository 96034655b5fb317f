// The local stack's Kafka: KAFKA_NODES KRaft nodes, each broker and controller (storage format,
// launch, health check), and the pipeline's topics from docker/kafka/topics.conf.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { logLevel } from 'kafkajs';
import { createKafkaClient, createLogger, withAdmin } from '@pizzashop/common';
import { LOG4J2_CONFIG, javaLaunch } from './jvm.js';
import { writeConf } from '../layout.js';
import { kafkaBootstrap, memberPort, type StackConfig } from '../config.js';
import { memberName } from './members.js';
import { ensureStackTopics, stackTopics } from './kafka-topics.js';
import type { ProcessComponent, StackContext } from './types.js';

const silent = createLogger('local-stack', 'silent');

/** A client for health checks and topic set-up: quiet and quick to give up while the broker starts. */
function stackKafkaClient(ctx: StackContext, brokers = kafkaBootstrap(ctx.cfg).split(',')) {
  return createKafkaClient({
    brokers,
    clientId: 'local-stack',
    log: silent,
    overrides: { logLevel: logLevel.NOTHING, connectionTimeout: 1000, requestTimeout: 5000, retry: { retries: 2, initialRetryTime: 200 } },
  });
}

/** KRaft node `index` (0-based): its row name and ports. */
function node(cfg: StackConfig, index: number) {
  return {
    name: memberName('kafka', index, cfg.KAFKA_NODES),
    port: memberPort(cfg.KAFKA_PORT, index),
    controllerPort: memberPort(cfg.KAFKA_CONTROLLER_PORT, index),
  };
}

/** Every node votes in the controller quorum: one lost node of three leaves a majority. */
const quorumVoters = (cfg: StackConfig) =>
  Array.from({ length: cfg.KAFKA_NODES }, (_, i) => `${i + 1}@localhost:${node(cfg, i).controllerPort}`).join(',');

function writeBrokerConfig(ctx: StackContext, index: number): string {
  const { cfg, paths } = ctx;
  const { name, port, controllerPort } = node(cfg, index);
  const rf = cfg.KAFKA_REPLICATION_FACTOR;
  const kind = cfg.KAFKA_NODES > 1 ? `node ${index + 1} of ${cfg.KAFKA_NODES} (broker + controller)` : 'single-node KRaft (broker + controller)';
  return writeConf(paths, `${name}.properties`, kind, [
    'process.roles=broker,controller',
    `node.id=${index + 1}`,
    `controller.quorum.voters=${quorumVoters(cfg)}`,
    `listeners=PLAINTEXT://localhost:${port},CONTROLLER://localhost:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://localhost:${port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${paths.data(name)}`,
    `num.partitions=${cfg.KAFKA_PARTITIONS}`,
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${cfg.KAFKA_MIN_INSYNC_REPLICAS}`,
    `offsets.topic.replication.factor=${rf}`,
    'offsets.topic.num.partitions=10',
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${cfg.KAFKA_MIN_INSYNC_REPLICAS}`,
    'transaction.state.log.num.partitions=10',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'log.retention.hours=168',
    // A node that has not registered with the controller quorum within this exits; 60 s (the default)
    // was too short for three nodes starting together on a loaded 2-core machine.
    'initial.broker.registration.timeout.ms=300000',
  ]);
}

/** The KRaft cluster id every node is formatted with (created by the first node formatted, then kept). */
function clusterId(ctx: StackContext): string {
  const file = ctx.paths.data('kafka.cluster-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomUUID().replaceAll('-', '').slice(0, 22);
  mkdirSync(ctx.paths.data(''), { recursive: true });
  writeFileSync(file, id);
  return id;
}

async function formatStorage(ctx: StackContext, name: string, props: string): Promise<void> {
  const dataDir = ctx.paths.data(name);
  // The storage tool writes meta.properties last: without it, anything in the dir is an interrupted format.
  if (existsSync(join(dataDir, 'meta.properties'))) return;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    ctx.progress(`[${name}] ${dataDir} holds a half-formatted storage (no meta.properties: a format was interrupted); removing it`);
    await rm(dataDir, { recursive: true, force: true });
  }
  ctx.progress(`[${name}] formatting KRaft storage`);
  const spec = javaLaunch(ctx, {
    heap: '256m',
    classpath: [ctx.paths.lib('kafka')],
    mainClass: 'kafka.tools.StorageTool',
    args: ['format', '-t', clusterId(ctx), '-c', props],
    jvmArgs: [LOG4J2_CONFIG],
  });
  await promisify(execFile)(spec.command, spec.args, { encoding: 'utf8' }).catch((err: { stderr?: string; stdout?: string; message: string }) => {
    throw new Error(`${name}: formatting storage in ${dataDir} failed: ${err.stderr || err.stdout || err.message}`);
  });
}

/** Creates the stack's topics once every node has registered (replicas go to every node). */
async function ensureTopics(ctx: StackContext): Promise<void> {
  await withAdmin(stackKafkaClient(ctx), async (admin) => {
    const { brokers } = await admin.describeCluster();
    if (brokers.length < ctx.cfg.KAFKA_NODES) throw new Error(`${brokers.length} of ${ctx.cfg.KAFKA_NODES} Kafka nodes registered`);
    await ensureStackTopics(admin, stackTopics(ctx), ctx.cfg.KAFKA_REPLICATION_FACTOR, ctx.progress);
  });
}

/** KRaft node `index` of the stack; the first one also creates the topics. */
function kafkaNode(cfg: StackConfig, index: number): ProcessComponent {
  const { name, port, controllerPort } = node(cfg, index);
  return {
    kind: 'process',
    name,
    dependsOn: [],
    maven: ['kafka'],
    address: () => `localhost:${port}`,
    ports: () => [port, controllerPort],
    prepare: (ctx) => formatStorage(ctx, name, writeBrokerConfig(ctx, index)),
    launch: (ctx) =>
      javaLaunch(ctx, {
        heap: ctx.cfg.KAFKA_HEAP,
        classpath: [ctx.paths.lib('kafka')],
        mainClass: 'kafka.Kafka',
        args: [ctx.paths.conf(`${name}.properties`)],
        jvmArgs: [LOG4J2_CONFIG],
      }),
    async isHealthy(ctx) {
      return withAdmin(stackKafkaClient(ctx, [`localhost:${port}`]), async (admin) => (await admin.describeCluster()).brokers.some((b) => b.nodeId === index + 1)).catch(() => false);
    },
    ...(index === 0 ? { ensure: ensureTopics } : {}),
  };
}

/** The stack's KRaft nodes (KAFKA_NODES of them), each broker and controller. */
export const kafkaNodes = (cfg: StackConfig): ProcessComponent[] => Array.from({ length: cfg.KAFKA_NODES }, (_, i) => kafkaNode(cfg, i));
