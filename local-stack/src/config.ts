// The local stack's settings from env: ports, member counts, heaps and state dir, the test and cluster
// profiles, and the env the services get from them.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { infraEnv, infraEnvSchema, loadConfig, TOPIC_KEYS, type TopicKey } from '@pizzashop/common';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const TOPIC_MASK = Object.fromEntries(TOPIC_KEYS.map((key) => [key, true])) as Record<TopicKey, true>;
const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const members = (fallback: number) => z.coerce.number().int().min(1).max(9).default(fallback);
const heap = (fallback: string) => z.string().regex(/^\d+[mg]$/, 'a JVM size such as 512m or 1g').default(fallback);

/** Every knob of the local stack, from env (validated at start-up). Defaults are the ports of the root README "Ports and URLs". */
export const stackEnvSchema = z.object({
  STACK_STATE_DIR: z.string().default(join(repoRoot, '.stack')),
  STACK_BIND_HOST: z.string().default('127.0.0.1'),
  STACK_START_TIMEOUT_MS: z.coerce.number().int().positive().default(240_000),
  STACK_JAVA_HOME: z.string().optional(),
  /** JDK for the components that need Java 21+ (the schema registry); default: the newest under /usr/lib/jvm. */
  STACK_JAVA21_HOME: z.string().optional(),
  /** How far the test profile shifts every port (see testStackEnv). */
  STACK_PORT_OFFSET: z.coerce.number().int().min(0).default(0),
  MARIADB_PORT: port(3307),
  KAFKA_PORT: port(9092),
  KAFKA_CONTROLLER_PORT: port(9093),
  CONNECT_PORT: port(8083),
  ZOOKEEPER_PORT: port(2181),
  PINOT_CONTROLLER_PORT: port(9000),
  PINOT_BROKER_PORT: port(8099),
  PINOT_SERVER_PORT: port(8098),
  PINOT_SERVER_ADMIN_PORT: port(8097),
  PINOT_SERVER_GRPC_PORT: port(8090),
  SCHEMA_REGISTRY_PORT: port(8085),
  /** The registry's health and metrics (Quarkus management interface). */
  SCHEMA_REGISTRY_MANAGEMENT_PORT: port(8086),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).default(3),
  /** Members of each scaled-out role (the cluster profile runs 3 Kafka nodes, 2 Pinot servers and brokers). */
  KAFKA_NODES: members(1),
  PINOT_SERVERS: members(1),
  PINOT_BROKERS: members(1),
  /** Copies of every topic partition, and how many must acknowledge a write (acks=all) for it to succeed. */
  KAFKA_REPLICATION_FACTOR: members(1),
  KAFKA_MIN_INSYNC_REPLICAS: members(1),
  /** Pinot servers holding each segment (`replicasPerPartition` of the tables). */
  PINOT_REPLICAS: members(1),
  /** Instances of the enricher (one consumer group) and of the API that `npm start` runs. */
  ENRICHER_INSTANCES: members(1),
  API_INSTANCES: members(1),
  PINOT_RETENTION_DAYS: z.coerce.number().int().min(1).default(7),
  MYSQL_USER: z.string().default('mysqluser'),
  MYSQL_PASSWORD: z.string().default('mysqlpw'),
  DEBEZIUM_USER: z.string().default('debezium'),
  DEBEZIUM_PASSWORD: z.string().default('dbz'),
  /** Every topic name but the CDC topic's (named by PRODUCTS_CDC_TOPIC_PREFIX), as the services read them. */
  ...infraEnvSchema.pick(TOPIC_MASK).omit({ PRODUCTS_CDC_TOPIC: true }).shape,
  PRODUCTS_CDC_TOPIC_PREFIX: z.string().default('mysql'),
  /** How long `orders` and `enriched-order-items` keep records (the replay window); 7 days. */
  TOPIC_RETENTION_MS: z.coerce.number().int().positive().default(7 * 24 * 3600 * 1000),
  /** Dead letters are kept longer (30 days) and may be larger than any order (2 MiB). */
  DEAD_LETTER_RETENTION_MS: z.coerce.number().int().positive().default(30 * 24 * 3600 * 1000),
  DEAD_LETTER_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1_100_000).default(2 * 1024 * 1024),
  KAFKA_HEAP: heap('768m'),
  CONNECT_HEAP: heap('512m'),
  ZOOKEEPER_HEAP: heap('256m'),
  PINOT_CONTROLLER_HEAP: heap('768m'),
  PINOT_BROKER_HEAP: heap('512m'),
  PINOT_SERVER_HEAP: heap('1536m'),
  SCHEMA_REGISTRY_HEAP: heap('256m'),
});

export type StackConfig = z.infer<typeof stackEnvSchema>;

/** Member n (0-based) of a scaled-out role listens on its role's ports plus n times this step. */
export const MEMBER_PORT_STEP = 100;

/** Port `base` of member `index` (0-based) of a role. */
export const memberPort = (base: number, index: number): number => base + index * MEMBER_PORT_STEP;

/** The cluster profile's default port shift (MariaDB 23307, Kafka 29092/29192/29292, ...). */
export const CLUSTER_PORT_OFFSET = 20_000;

/**
 * The cluster profile: the default stack scaled out (3 KRaft nodes, replication 3 with 2 in sync,
 * 2 Pinot servers holding 2 replicas, 2 Pinot brokers), with smaller heaps so it fits in about
 * 8 GiB, a longer start timeout (more JVMs share the cores), its own state dir and ports +20000.
 */
export function clusterStackEnv(): Record<string, string> {
  return {
    ...shiftedPortEnv(CLUSTER_PORT_OFFSET),
    STACK_PORT_OFFSET: String(CLUSTER_PORT_OFFSET),
    STACK_STATE_DIR: join(repoRoot, '.stack-cluster'),
    STACK_START_TIMEOUT_MS: '900000',
    KAFKA_NODES: '3',
    KAFKA_REPLICATION_FACTOR: '3',
    KAFKA_MIN_INSYNC_REPLICAS: '2',
    PINOT_SERVERS: '2',
    PINOT_BROKERS: '2',
    PINOT_REPLICAS: '2',
    ENRICHER_INSTANCES: '2',
    API_INSTANCES: '2',
    KAFKA_HEAP: '512m',
    PINOT_CONTROLLER_HEAP: '512m',
    PINOT_BROKER_HEAP: '384m',
    PINOT_SERVER_HEAP: '1g',
  };
}

/** Replication that the members cannot hold is an error at start, not a topic that never gets a leader. */
function checkMembers(cfg: StackConfig): StackConfig {
  const problems = [
    cfg.KAFKA_REPLICATION_FACTOR > cfg.KAFKA_NODES && `KAFKA_REPLICATION_FACTOR ${cfg.KAFKA_REPLICATION_FACTOR} is more than KAFKA_NODES ${cfg.KAFKA_NODES}`,
    cfg.KAFKA_MIN_INSYNC_REPLICAS > cfg.KAFKA_REPLICATION_FACTOR && `KAFKA_MIN_INSYNC_REPLICAS ${cfg.KAFKA_MIN_INSYNC_REPLICAS} is more than KAFKA_REPLICATION_FACTOR ${cfg.KAFKA_REPLICATION_FACTOR}`,
    cfg.PINOT_REPLICAS > cfg.PINOT_SERVERS && `PINOT_REPLICAS ${cfg.PINOT_REPLICAS} is more than PINOT_SERVERS ${cfg.PINOT_SERVERS}`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) throw new Error(`local-stack: ${problems.join('; ')}`);
  return cfg;
}

/** The test stack's default port shift (MariaDB 13307, Kafka 19092, ...). */
export const TEST_PORT_OFFSET = 10_000;

/**
 * The test stack: its own state dir and every port shifted by STACK_PORT_OFFSET (default +10000).
 * A second checkout running its tests at the same time picks another offset (e.g. 4000), and the
 * test services follow it (testPort in the test kit).
 */
export function testStackEnv(env: NodeJS.ProcessEnv = {}): Record<string, string> {
  const offset = testPortOffset(env);
  return { ...shiftedPortEnv(offset), STACK_PORT_OFFSET: String(offset), STACK_STATE_DIR: join(repoRoot, '.stack-test') };
}

/** STACK_PORT_OFFSET from env (a whole number that keeps every port below 65536), or the test default. */
export function testPortOffset(env: NodeJS.ProcessEnv): number {
  const raw = env.STACK_PORT_OFFSET;
  if (raw === undefined || raw === '') return TEST_PORT_OFFSET;
  const offset = Number(raw);
  if (!Number.isInteger(offset) || offset < 0 || offset > 55_000) {
    throw new Error(`local-stack: STACK_PORT_OFFSET must be a whole number from 0 to 55000, got "${raw}"`);
  }
  return offset;
}

const PROFILES = ['default', 'test', 'cluster'] as const;

/** The defaults STACK_PROFILE selects (unset: the default stack, its ports shifted by STACK_PORT_OFFSET when given). */
function profileDefaults(env: NodeJS.ProcessEnv): Record<string, string> {
  const profile = env.STACK_PROFILE || 'default';
  if (!(PROFILES as readonly string[]).includes(profile)) throw new Error(`local-stack: STACK_PROFILE must be one of ${PROFILES.join(', ')}, got "${profile}"`);
  if (profile === 'test') return testStackEnv(env);
  if (profile === 'cluster') return clusterStackEnv();
  return env.STACK_PORT_OFFSET ? { ...shiftedPortEnv(testPortOffset(env)), STACK_PORT_OFFSET: env.STACK_PORT_OFFSET } : {};
}

/**
 * Stack settings from env; STACK_PROFILE=test selects the test stack's defaults, STACK_PROFILE=cluster
 * the scaled-out stack's, STACK_PORT_OFFSET alone shifts the default stack's ports (a bench stack
 * beside `npm start`); explicit env still wins.
 */
export function loadStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const cfg = checkMembers(loadConfig(stackEnvSchema, { ...profileDefaults(env), ...env }, 'local-stack'));
  return { ...cfg, STACK_STATE_DIR: resolve(cfg.STACK_STATE_DIR) };
}

/** `host:port` of every Kafka node. */
const kafkaAddresses = (cfg: StackConfig): string[] => Array.from({ length: cfg.KAFKA_NODES }, (_, i) => `localhost:${memberPort(cfg.KAFKA_PORT, i)}`);

/** The URL of every Pinot broker. */
/** Base URL of every Pinot broker of the stack, first member first. */
export const pinotBrokerAddresses = (cfg: StackConfig): string[] => Array.from({ length: cfg.PINOT_BROKERS }, (_, i) => `http://localhost:${memberPort(cfg.PINOT_BROKER_PORT, i)}`);

/** `host:port` of every Kafka node, comma-separated (the bootstrap list clients and Pinot get). */
export const kafkaBootstrap = (cfg: StackConfig): string => kafkaAddresses(cfg).join(',');

/** The URL of every Pinot broker, comma-separated (the clients' failover list). */
export const pinotBrokerUrls = (cfg: StackConfig): string => pinotBrokerAddresses(cfg).join(',');

/** Every topic name of this stack, the CDC topic's from its prefix. */
const stackTopics = (cfg: StackConfig): Record<TopicKey, string> =>
  Object.fromEntries(TOPIC_KEYS.map((key) => [key, key === 'PRODUCTS_CDC_TOPIC' ? `${cfg.PRODUCTS_CDC_TOPIC_PREFIX}.pizzashop.products` : cfg[key]])) as Record<TopicKey, string>;

/** Port settings shifted by `offset`, for a second stack (tests) beside the default one. */
export function shiftedPortEnv(offset: number): Record<string, string> {
  const defaults = stackEnvSchema.parse({});
  const keys = Object.keys(defaults).filter((k) => k.endsWith('_PORT')) as (keyof StackConfig)[];
  return Object.fromEntries(keys.map((k) => [k, String(Number(defaults[k]) + offset)]));
}

/** The env a TypeScript service needs to reach this stack (the connection and topic keys of common's infraEnvSchema). */
export function serviceEnv(cfg: StackConfig): Record<string, string> {
  return infraEnv({
    KAFKA_BROKERS: kafkaAddresses(cfg),
    MYSQL_HOST: '127.0.0.1',
    MYSQL_PORT: cfg.MARIADB_PORT,
    MYSQL_USER: cfg.MYSQL_USER,
    MYSQL_PASSWORD: cfg.MYSQL_PASSWORD,
    MYSQL_DATABASE: 'pizzashop',
    PINOT_BROKER_URLS: pinotBrokerAddresses(cfg),
    PINOT_CONTROLLER_URL: `http://localhost:${cfg.PINOT_CONTROLLER_PORT}`,
    KAFKA_CONNECT_URL: `http://localhost:${cfg.CONNECT_PORT}`,
    SCHEMA_REGISTRY_URL: `http://localhost:${cfg.SCHEMA_REGISTRY_PORT}/apis/ccompat/v7`,
    ...stackTopics(cfg),
  });
}
