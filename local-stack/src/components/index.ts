// The stack's rows in start order (one per Kafka, Pinot broker and server member), with role
// dependencies expanded to every member.
import { debeziumConnector } from './debezium-connector.js';
import { kafkaNodes } from './kafka.js';
import { kafkaConnect } from './kafka-connect.js';
import { mariadb } from './mariadb.js';
import { memberNames } from './members.js';
import { pinotBrokers, pinotController, pinotServers, zookeeper } from './pinot.js';
import { pinotTables } from './pinot-tables.js';
import { schemaRegistry } from './schema-registry.js';
import type { StackConfig } from '../config.js';
import type { Component } from './types.js';

/** The member count of each scaled-out role: a dependency on the role is one on every member. */
const roles = (cfg: StackConfig): Record<string, number> => ({ kafka: cfg.KAFKA_NODES, 'pinot-broker': cfg.PINOT_BROKERS, 'pinot-server': cfg.PINOT_SERVERS });

/** Row names for `names` of roles and single components: each role stands for all of its members. */
function expandRoles(cfg: StackConfig, names: string[]): string[] {
  const counts = roles(cfg);
  return names.flatMap((n) => (counts[n] === undefined ? [n] : memberNames(n, counts[n])));
}

/**
 * Every row of the stack for these settings, in start order (dependencies are also declared on each):
 * one of each component, and KAFKA_NODES, PINOT_BROKERS and PINOT_SERVERS members of the scaled-out roles.
 */
export function stackComponents(cfg: StackConfig): Component[] {
  const rows = [
    mariadb,
    ...kafkaNodes(cfg),
    schemaRegistry,
    zookeeper,
    kafkaConnect,
    pinotController,
    ...pinotBrokers(cfg),
    ...pinotServers(cfg),
    debeziumConnector,
    pinotTables,
  ];
  return rows.map((c) => ({ ...c, dependsOn: expandRoles(cfg, c.dependsOn) }));
}

export type { Component, ProcessComponent, SetupComponent, StackContext } from './types.js';
