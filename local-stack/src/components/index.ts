import { debeziumConnector } from './debezium-connector.js';
import { kafka } from './kafka.js';
import { kafkaConnect } from './kafka-connect.js';
import { mariadb } from './mariadb.js';
import { pinotBroker, pinotController, pinotServer, zookeeper } from './pinot.js';
import { pinotTables } from './pinot-tables.js';
import { schemaRegistry } from './schema-registry.js';
import type { Component } from './types.js';

/** Every row of the stack, in start order (dependencies are also declared on each). */
export const components: Component[] = [
  mariadb,
  kafka,
  schemaRegistry,
  zookeeper,
  kafkaConnect,
  pinotController,
  pinotBroker,
  pinotServer,
  debeziumConnector,
  pinotTables,
];

export type { Component, StackContext } from './types.js';
