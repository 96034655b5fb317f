// The local stack's Kafka: a single-node KRaft broker (storage format, launch, health check) and
// the pipeline's topics from docker/kafka/topics.conf.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { logLevel } from 'kafkajs';
import { createKafkaClient, createLogger, withAdmin } from '@pizzashop/common';
import { LOG4J2_CONFIG, javaLaunch } from './jvm.js';
import { writeConf } from '../layout.js';
import { ensureStackTopics, stackTopics } from './kafka-topics.js';
import type { Component, StackContext } from './types.js';

const silent = createLogger('local-stack', 'silent');

/** A client for health checks and topic set-up: quiet and quick to give up while the broker starts. */
function stackKafkaClient(ctx: StackContext) {
  return createKafkaClient({
    brokers: [`localhost:${ctx.cfg.KAFKA_PORT}`],
    clientId: 'local-stack',
    log: silent,
    overrides: { logLevel: logLevel.NOTHING, connectionTimeout: 1000, requestTimeout: 5000, retry: { retries: 2, initialRetryTime: 200 } },
  });
}

function writeBrokerConfig(ctx: StackContext): string {
  const { cfg, paths } = ctx;
  return writeConf(paths, 'kafka.properties', 'single-node KRaft (broker + controller)', [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@localhost:${cfg.KAFKA_CONTROLLER_PORT}`,
    `listeners=PLAINTEXT://localhost:${cfg.KAFKA_PORT},CONTROLLER://localhost:${cfg.KAFKA_CONTROLLER_PORT}`,
    `advertised.listeners=PLAINTEXT://localhost:${cfg.KAFKA_PORT}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${paths.data('kafka')}`,
    `num.partitions=${cfg.KAFKA_PARTITIONS}`,
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=10',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'log.retention.hours=168',
  ]);
}

export const kafka: Component = {
  name: 'kafka',
  dependsOn: [],
  maven: ['kafka'],
  address: (cfg) => `localhost:${cfg.KAFKA_PORT}`,
  ports: (cfg) => [cfg.KAFKA_PORT, cfg.KAFKA_CONTROLLER_PORT],
  async prepare(ctx) {
    const props = writeBrokerConfig(ctx);
    const dataDir = ctx.paths.data('kafka');
    // The storage tool writes meta.properties last: without it, anything in the dir is an interrupted format.
    if (existsSync(join(dataDir, 'meta.properties'))) return;
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      ctx.progress(`[kafka] ${dataDir} holds a half-formatted storage (no meta.properties: a format was interrupted); removing it`);
      await rm(dataDir, { recursive: true, force: true });
    }
    ctx.progress('[kafka] formatting KRaft storage');
    const spec = javaLaunch(ctx, {
      heap: '256m',
      classpath: [ctx.paths.lib('kafka')],
      mainClass: 'kafka.tools.StorageTool',
      args: ['format', '-t', randomUUID().replaceAll('-', '').slice(0, 22), '-c', props],
      jvmArgs: [LOG4J2_CONFIG],
    });
    await promisify(execFile)(spec.command, spec.args, { encoding: 'utf8' }).catch((err: { stderr?: string; stdout?: string; message: string }) => {
      throw new Error(`kafka: formatting storage in ${dataDir} failed: ${err.stderr || err.stdout || err.message}`);
    });
  },
  launch: (ctx) =>
    javaLaunch(ctx, {
      heap: ctx.cfg.KAFKA_HEAP,
      classpath: [ctx.paths.lib('kafka')],
      mainClass: 'kafka.Kafka',
      args: [ctx.paths.conf('kafka.properties')],
      jvmArgs: [LOG4J2_CONFIG],
    }),
  async isHealthy(ctx) {
    return withAdmin(stackKafkaClient(ctx), async (admin) => (await admin.describeCluster()).brokers.length > 0).catch(() => false);
  },
  async ensure(ctx) {
    await withAdmin(stackKafkaClient(ctx), (admin) => ensureStackTopics(admin, stackTopics(ctx), ctx.progress));
  },
};
