// A private two-node KRaft Kafka cluster for tests that stop one broker while the other keeps serving
// (a partition whose only replica is away): state in .test-output, jars of the test stack, each
// node stopped and started again by PID.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { logLevel, type Kafka } from 'kafkajs';
import { createKafkaClient, createLogger, withAdmin } from '@pizzashop/common';
import { createContext, javaLaunch, loadStackConfig, LOG4J2_CONFIG, QUICK_START, repoRoot, type LaunchSpec, type StackContext } from '@pizzashop/local-stack';
import { startProcess, type ServiceProcess } from './services.js';

export type KafkaNodeId = 1 | 2;

export interface TwoNodeKafka {
  /** `localhost:<port>` of node 1, then node 2. */
  readonly brokers: string[];
  /** Its state dir: configs, data and one log file per node. */
  readonly dir: string;
  /** SIGTERM to the node (a controlled shutdown: its partitions' leadership moves away); resolves once it exited. */
  stopNode(id: KafkaNodeId): Promise<void>;
  /** Launches the node again; resolves once the cluster lists it as a live broker. */
  startNode(id: KafkaNodeId): Promise<void>;
  /** Kills both nodes (the state is thrown away: the next start formats a new cluster). */
  stop(): Promise<void>;
}

export interface TwoNodeKafkaOptions {
  /** Names the state dir, `.test-output/two-node-kafka-<name>`, emptied at start. */
  name: string;
  /** Extra broker settings (`key=value`), for both nodes. */
  settings?: string[];
  /** Progress lines (starting takes a while on a loaded 2-core machine). */
  progress?: (line: string) => void;
  /** How long a node may take to start. */
  startTimeoutMs?: number;
}

const NODES: readonly KafkaNodeId[] = [1, 2];
const quiet = createLogger('two-node-kafka', 'silent');

/** A port nothing listens on now (the kernel's pick). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The test stack (its java and Kafka jars; the integration global setup has set it up). */
function testStack(): { ctx: StackContext; lib: string } {
  const ctx = createContext(loadStackConfig({ ...process.env, STACK_PROFILE: 'test' }), () => undefined);
  const lib = ctx.paths.lib('kafka');
  if (!existsSync(lib)) throw new Error(`two-node Kafka: no Kafka jars in ${lib}; the integration global setup sets the test stack up first`);
  return { ctx, lib };
}

interface NodePorts {
  broker: number;
  controller: number;
}

function nodeSettings(id: KafkaNodeId, dir: string, ports: Record<KafkaNodeId, NodePorts>, extra: string[]): string[] {
  return [
    'process.roles=broker,controller',
    `node.id=${id}`,
    `controller.quorum.voters=${NODES.map((n) => `${n}@localhost:${ports[n].controller}`).join(',')}`,
    `listeners=PLAINTEXT://localhost:${ports[id].broker},CONTROLLER://localhost:${ports[id].controller}`,
    `advertised.listeners=PLAINTEXT://localhost:${ports[id].broker}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${join(dir, `data-${id}`)}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=2',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=2',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=10',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    // Leaders stay where a test found them (no preferred-leader moves back to a restarted node).
    'auto.leader.rebalance.enable=false',
    'initial.broker.registration.timeout.ms=300000',
    ...extra,
  ];
}

/** Starts a two-node cluster (both nodes brokers and controller voters) and waits until both are live brokers. */
export async function startTwoNodeKafka(options: TwoNodeKafkaOptions): Promise<TwoNodeKafka> {
  const progress = options.progress ?? (() => undefined);
  const dir = join(repoRoot, '.test-output', `two-node-kafka-${options.name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { ctx, lib } = testStack();
  // Not the jars' own path: the test stack's `up` stops every JVM whose command line names its state dir.
  symlinkSync(lib, join(dir, 'lib'));
  const [b1, c1, b2, c2] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const ports: Record<KafkaNodeId, NodePorts> = { 1: { broker: b1!, controller: c1! }, 2: { broker: b2!, controller: c2! } };
  const clusterId = randomUUID().replaceAll('-', '').slice(0, 22);
  const props = (id: KafkaNodeId) => join(dir, `node-${id}.properties`);
  for (const id of NODES) writeFileSync(props(id), [...nodeSettings(id, dir, ports, options.settings ?? []), ''].join('\n'));
  const cluster = new Cluster(ctx, dir, props, NODES.map((id) => `localhost:${ports[id].broker}`), progress, options.startTimeoutMs ?? 180_000);
  progress(`[two-node-kafka] formatting and starting 2 nodes in ${dir} (brokers ${cluster.brokers.join(', ')})`);
  try {
    await Promise.all(NODES.map((id) => cluster.format(id, clusterId)));
    await Promise.all(NODES.map((id) => cluster.startNode(id)));
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

class Cluster implements TwoNodeKafka {
  private readonly running = new Map<KafkaNodeId, ServiceProcess>();
  private readonly kafka: Kafka;

  constructor(
    private readonly ctx: StackContext,
    readonly dir: string,
    private readonly props: (id: KafkaNodeId) => string,
    readonly brokers: string[],
    private readonly progress: (line: string) => void,
    private readonly startTimeoutMs: number,
  ) {
    this.kafka = createKafkaClient({
      brokers,
      clientId: 'two-node-kafka',
      log: quiet,
      overrides: { logLevel: logLevel.NOTHING, connectionTimeout: 1000, requestTimeout: 5000, retry: { retries: 1, initialRetryTime: 200 } },
    });
  }

  private jvm(mainClass: string, args: string[]): LaunchSpec {
    return javaLaunch(this.ctx, { heap: '384m', classpath: [join(this.dir, 'lib')], mainClass, args, jvmArgs: [...QUICK_START, LOG4J2_CONFIG] });
  }

  async format(id: KafkaNodeId, clusterId: string): Promise<void> {
    const format = this.jvm('kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', this.props(id)]);
    await promisify(execFile)(format.command, format.args, { encoding: 'utf8' }).catch(
      (err: { stderr?: string; stdout?: string; message: string }) => {
        throw new Error(`two-node Kafka: formatting node ${id} failed: ${err.stderr || err.stdout || err.message}`);
      },
    );
  }

  async startNode(id: KafkaNodeId): Promise<void> {
    if (this.running.has(id)) throw new Error(`two-node Kafka: node ${id} is running`);
    const t0 = Date.now();
    const launch = this.jvm('kafka.Kafka', [this.props(id)]);
    const node = startProcess(launch.command, launch.args, {
      env: {},
      graceMs: 60_000,
      logFile: join(this.dir, `node-${id}.log`),
      recordAs: `two-node Kafka node ${id} (${this.dir})`,
    });
    this.running.set(id, node);
    this.progress(`[two-node-kafka] node ${id} launched (pid ${node.child.pid})`);
    await this.waitUntilLive(id, node);
    this.progress(`[two-node-kafka] node ${id} live in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }

  private async waitUntilLive(id: KafkaNodeId, node: ServiceProcess): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    while (Date.now() < deadline) {
      const { exitCode, signalCode } = node.child;
      if (exitCode !== null || signalCode !== null) {
        this.running.delete(id);
        throw new Error(`two-node Kafka: node ${id} exited (${exitCode ?? signalCode}) while starting:\n${node.output().slice(-4000)}`);
      }
      const live = await withAdmin(this.kafka, async (admin) => (await admin.describeCluster()).brokers.some((b) => b.nodeId === id)).catch(() => false);
      if (live) return;
      await sleep(500);
    }
    throw new Error(`two-node Kafka: node ${id} not a live broker after ${this.startTimeoutMs} ms (log: ${join(this.dir, `node-${id}.log`)})`);
  }

  async stopNode(id: KafkaNodeId): Promise<void> {
    const node = this.running.get(id);
    if (!node) throw new Error(`two-node Kafka: node ${id} is not running`);
    const t0 = Date.now();
    await node.stop('SIGTERM');
    this.running.delete(id);
    this.progress(`[two-node-kafka] node ${id} stopped in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((node) => node.stop('SIGKILL')));
    this.running.clear();
  }
}
