import { mkdirSync } from 'node:fs';
import { canConnect, httpOk } from '../net.js';
import { JDK17_OPENS, QUICK_START, javaLaunch } from './jvm.js';
import type { Component, StackContext } from './types.js';

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

export const zookeeper: Component = {
  name: 'zookeeper',
  dependsOn: [],
  maven: ['pinot'],
  address: (cfg) => `localhost:${cfg.ZOOKEEPER_PORT}`,
  ports: (cfg) => [cfg.ZOOKEEPER_PORT],
  launch: (ctx) => pinotLaunch(ctx, ctx.cfg.ZOOKEEPER_HEAP, 'StartZookeeper', ['-zkPort', String(ctx.cfg.ZOOKEEPER_PORT), '-dataDir', ctx.paths.data('zookeeper')], true),
  isHealthy: (ctx) => canConnect(ctx.cfg.ZOOKEEPER_PORT),
};

export const pinotController: Component = {
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

export const pinotBroker: Component = {
  name: 'pinot-broker',
  dependsOn: ['pinot-controller'],
  maven: ['pinot'],
  address: (cfg) => `http://localhost:${cfg.PINOT_BROKER_PORT}`,
  ports: (cfg) => [cfg.PINOT_BROKER_PORT],
  launch: (ctx) =>
    pinotRoleLaunch(ctx, ctx.cfg.PINOT_BROKER_HEAP, 'StartBroker', [
      '-brokerHost', 'localhost',
      '-brokerPort', String(ctx.cfg.PINOT_BROKER_PORT),
    ]),
  isHealthy: (ctx) => httpOk(`http://localhost:${ctx.cfg.PINOT_BROKER_PORT}/health`, 2000, (b) => b.trim() === 'OK'),
};

export const pinotServer: Component = {
  name: 'pinot-server',
  dependsOn: ['pinot-controller'],
  maven: ['pinot'],
  address: (cfg) => `localhost:${cfg.PINOT_SERVER_PORT} (admin http://localhost:${cfg.PINOT_SERVER_ADMIN_PORT})`,
  ports: (cfg) => [cfg.PINOT_SERVER_PORT, cfg.PINOT_SERVER_ADMIN_PORT, cfg.PINOT_SERVER_GRPC_PORT],
  launch: (ctx) =>
    pinotRoleLaunch(ctx, ctx.cfg.PINOT_SERVER_HEAP, 'StartServer', [
      '-serverHost', 'localhost',
      '-serverPort', String(ctx.cfg.PINOT_SERVER_PORT),
      '-serverAdminPort', String(ctx.cfg.PINOT_SERVER_ADMIN_PORT),
      '-serverGrpcPort', String(ctx.cfg.PINOT_SERVER_GRPC_PORT),
      '-dataDir', `${ctx.paths.data('pinot-server')}/index`,
      '-segmentDir', `${ctx.paths.data('pinot-server')}/segments`,
    ]),
  isHealthy: (ctx) => httpOk(`http://localhost:${ctx.cfg.PINOT_SERVER_ADMIN_PORT}/health`, 2000, (b) => b.trim() === 'OK'),
};
