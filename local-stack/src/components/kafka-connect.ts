// Kafka Connect in distributed mode as a stack component: its worker config, launch and health check.
import { httpOk } from '../net.js';
import { LOG4J2_CONFIG, QUICK_START, javaLaunch } from './jvm.js';
import { writeConf } from '../layout.js';
import type { ProcessComponent, StackContext } from './types.js';
import { kafkaBootstrap } from '../config.js';

function writeWorkerConfig(ctx: StackContext): string {
  const { cfg, paths } = ctx;
  return writeConf(paths, 'connect-distributed.properties', 'Kafka Connect in distributed mode', [
    `bootstrap.servers=${kafkaBootstrap(cfg)}`,
    'group.id=pizzashop-connect',
    'config.storage.topic=connect-configs',
    'offset.storage.topic=connect-offsets',
    'status.storage.topic=connect-status',
    `config.storage.replication.factor=${cfg.KAFKA_REPLICATION_FACTOR}`,
    `offset.storage.replication.factor=${cfg.KAFKA_REPLICATION_FACTOR}`,
    `status.storage.replication.factor=${cfg.KAFKA_REPLICATION_FACTOR}`,
    'offset.flush.interval.ms=1000',
    // A worker that lost the broker longer than its poll timeout rejoins as a new member; its
    // connector waits this long for the "departed" member before being reassigned (default 5 min).
    'scheduled.rebalance.max.delay.ms=10000',
    'key.converter=org.apache.kafka.connect.json.JsonConverter',
    'value.converter=org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable=false',
    'value.converter.schemas.enable=false',
    `listeners=http://localhost:${cfg.CONNECT_PORT}`,
    'rest.advertised.host.name=localhost',
    `rest.advertised.port=${cfg.CONNECT_PORT}`,
    `plugin.path=${paths.connectPlugins}`,
    'plugin.discovery=only_scan',
  ]);
}

export const kafkaConnect: ProcessComponent = {
  kind: 'process',
  name: 'kafka-connect',
  dependsOn: ['kafka'],
  maven: ['connect', 'debezium'],
  address: (cfg) => `http://localhost:${cfg.CONNECT_PORT}`,
  ports: (cfg) => [cfg.CONNECT_PORT],
  prepare: async (ctx) => {
    writeWorkerConfig(ctx);
  },
  launch: (ctx) =>
    javaLaunch(ctx, {
      heap: ctx.cfg.CONNECT_HEAP,
      classpath: [ctx.paths.lib('connect')],
      mainClass: 'org.apache.kafka.connect.cli.ConnectDistributed',
      args: [ctx.paths.conf('connect-distributed.properties')],
      jvmArgs: [...QUICK_START, LOG4J2_CONFIG],
    }),
  isHealthy: (ctx) =>
    httpOk(`http://localhost:${ctx.cfg.CONNECT_PORT}/connector-plugins`, 3000, (body) => body.includes('io.debezium.connector.')),
};
