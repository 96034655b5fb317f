// ZooKeeper and the Pinot controller, brokers and servers as stack components: their configs, launch
// commands and health checks.
import { mkdirSync } from 'node:fs';
import { canConnect, httpOk } from '../net.js';
import { JDK17_OPENS, QUICK_START, javaLaunch } from './jvm.js';
import type { ProcessComponent, StackContext } from './types.js';
import { memberPort, type StackConfig } from '../config.js';
import { writeConf } from '../layout.js';
import { memberName } from './members.js';

const ADMIN = 'org.apache.pinot.tools.admin.PinotAdministrator';
const CLUSTER = 'PinotCluster';
const zkAddress = (ctx: StackContext) => `localhost:${ctx.cfg.ZOOKEEPER_PORT}`;

function pinotLaunch(ctx: StackContext, heap: string, command: string, args: string[], quickStart = false) {
  const jvmArgs = [...JDK17_OPENS, ...(quickStart ? QUICK_START : [])];
  return javaLaunch(ctx, { heap, classpath: [ctx.paths.lib('pinot')], mainClass: ADMIN, args: [command, ...args], jvmArgs });
}

/** A Pinot role (controller, broker, server) joining this stack's cluster in its ZooKeeper. */
function pinotRoleLaunch(ctx: StackContext, heap: string, command: string, args: string[], quickStart = false) {
  return pinotLaunch(ctx, heap, command, ['-clusterName', CLUSTER, '-zkAddress', zkAddress(ctx), ...args], quickStart);
}

export const zookeeper: ProcessComponent = {
  kind: 'process',
  name: 'zookeeper',
  dependsOn: [],
  maven: ['pinot'],
  address: (cfg) => `localhost:${cfg.ZOOKEEPER_PORT}`,
  ports: (cfg) => [cfg.ZOOKEEPER_PORT],
  launch: (ctx) => pinotLaunch(ctx, ctx.cfg.ZOOKEEPER_HEAP, 'StartZookeeper', ['-zkPort', String(ctx.cfg.ZOOKEEPER_PORT), '-dataDir', ctx.paths.data('zookeeper')], true),
  isHealthy: (ctx) => canConnect(ctx.cfg.ZOOKEEPER_PORT),
};

export const pinotController: ProcessComponent = {
  kind: 'process',
  name: 'pinot-controller',
  dependsOn: ['zookeeper'],
  maven: ['pinot'],
  address: (cfg) => `http://localhost:${cfg.PINOT_CONTROLLER_PORT}`,
  ports: (cfg) => [cfg.PINOT_CONTROLLER_PORT],
  prepare: async (ctx) => {
    mkdirSync(ctx.paths.data('pinot-controller'), { recursive: true });
  },
  launch: (ctx) =>
    pinotRoleLaunch(ctx, ctx.cfg.PINOT_CONTROLLER_HEAP, 'StartController', [
      '-controllerHost', 'localhost',
      '-controllerPort', String(ctx.cfg.PINOT_CONTROLLER_PORT),
      '-dataDir', ctx.paths.data('pinot-controller'),
    ], true),
  isHealthy: (ctx) => httpOk(`http://localhost:${ctx.cfg.PINOT_CONTROLLER_PORT}/health`, 2000, (b) => b.trim() === 'OK'),
};

/**
 * With replicas, one lost server must cost no answers. Brokers stop routing to a server a query could
 * not reach (the connection failure detector; without it they keep routing to a killed server until
 * its ZooKeeper session expires and fail every query that touches it) and route to it again once it
 * restarted. A restarted server is held out of routing until its consuming segments have caught up
 * with Kafka (else its answers silently lack the rows it has not consumed again yet), checked every
 * second instead of every 10 s.
 */
const REPLICA_SETTINGS = {
  broker: ['pinot.broker.failure.detector.type=CONNECTION'],
  server: [
    'pinot.server.starter.enableRealtimeOffsetBasedConsumptionStatusChecker=true',
    'pinot.server.starter.realtimeConsumptionCatchupWaitMs=180000',
    'pinot.server.startup.serviceStatusCheckIntervalMs=1000',
  ],
};

/** One launch setting of a Pinot role: its command-line flag, the config key Pinot turns it into, and its value. */
type RoleSetting = [flag: string, key: string, value: string | number];

/**
 * A role's settings as command-line arguments or, when tables have replicas, as a `-configFileName`
 * with the role's REPLICA_SETTINGS added. Pinot then reads only the file (the command-line settings
 * are ignored), so the file holds every setting under the key the command line would have set.
 */
function roleSettings(ctx: StackContext, name: string, role: keyof typeof REPLICA_SETTINGS, settings: RoleSetting[]): string[] {
  if (ctx.cfg.PINOT_REPLICAS < 2) return settings.flatMap(([flag, , value]) => [flag, String(value)]);
  const lines = [`pinot.cluster.name=${CLUSTER}`, `pinot.zk.server=${zkAddress(ctx)}`, ...settings.map(([, key, value]) => `${key}=${value}`), ...REPLICA_SETTINGS[role]];
  return ['-configFileName', writeConf(ctx.paths, `${name}.conf`, `${name}, tables with ${ctx.cfg.PINOT_REPLICAS} replicas`, lines)];
}

/** Pinot broker `index` (0-based) of PINOT_BROKERS; each serves every table. */
function pinotBroker(cfg: StackConfig, index: number): ProcessComponent {
  const port = memberPort(cfg.PINOT_BROKER_PORT, index);
  const name = memberName('pinot-broker', index, cfg.PINOT_BROKERS);
  return {
    kind: 'process',
    name,
    dependsOn: ['pinot-controller'],
    maven: ['pinot'],
    address: () => `http://localhost:${port}`,
    ports: () => [port],
    launch: (ctx) =>
      pinotRoleLaunch(ctx, ctx.cfg.PINOT_BROKER_HEAP, 'StartBroker', roleSettings(ctx, name, 'broker', [
        ['-brokerHost', 'pinot.broker.hostname', 'localhost'],
        ['-brokerPort', 'pinot.broker.client.queryPort', port],
      ])),
    isHealthy: () => httpOk(`http://localhost:${port}/health`, 2000, (b) => b.trim() === 'OK'),
  };
}

/** Pinot server `index` (0-based) of PINOT_SERVERS, with its own ports and data dir. */
function pinotServer(cfg: StackConfig, index: number): ProcessComponent {
  const name = memberName('pinot-server', index, cfg.PINOT_SERVERS);
  const [port, adminPort, grpcPort] = [cfg.PINOT_SERVER_PORT, cfg.PINOT_SERVER_ADMIN_PORT, cfg.PINOT_SERVER_GRPC_PORT].map((p) => memberPort(p, index)) as [number, number, number];
  return {
    kind: 'process',
    name,
    dependsOn: ['pinot-controller'],
    maven: ['pinot'],
    address: () => `localhost:${port} (admin http://localhost:${adminPort})`,
    ports: () => [port, adminPort, grpcPort],
    launch: (ctx) =>
      pinotRoleLaunch(ctx, ctx.cfg.PINOT_SERVER_HEAP, 'StartServer', roleSettings(ctx, name, 'server', [
        ['-serverHost', 'pinot.server.netty.host', 'localhost'],
        ['-serverPort', 'pinot.server.netty.port', port],
        ['-serverAdminPort', 'pinot.server.adminapi.port', adminPort],
        ['-serverGrpcPort', 'pinot.server.grpc.port', grpcPort],
        ['-dataDir', 'pinot.server.instance.dataDir', `${ctx.paths.data(name)}/index`],
        ['-segmentDir', 'pinot.server.instance.segmentTarDir', `${ctx.paths.data(name)}/segments`],
      ])),
    isHealthy: () => httpOk(`http://localhost:${adminPort}/health`, 2000, (b) => b.trim() === 'OK'),
  };
}

export const pinotBrokers = (cfg: StackConfig): ProcessComponent[] => Array.from({ length: cfg.PINOT_BROKERS }, (_, i) => pinotBroker(cfg, i));
export const pinotServers = (cfg: StackConfig): ProcessComponent[] => Array.from({ length: cfg.PINOT_SERVERS }, (_, i) => pinotServer(cfg, i));
