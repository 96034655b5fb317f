/**
 * Private copies of the pipeline for one bench run (or one test file), so it never adds rows to the
 * stack's own topics and tables nor reads anyone else's: Kafka topics and Pinot REALTIME tables made
 * from docker/pinot/config/* (same schema, indexes and ingestion; another name and topic), the env
 * keys that point a service at them, and a drop() that deletes them again. Leftovers of a run that died are swept by age.
 */
import { createKafkaClient, ensureTopics, withAdmin, partitionCount, RegistryApi, valueSubject, type InfraConfig, type Logger } from '@pizzashop/common';
import type { Kafka } from 'kafkajs';
import { readTableSchema, renderTableTemplate, type PINOT_LIFECYCLE_TABLES, type PINOT_TABLES } from '@pizzashop/local-stack';

/** The stack tables every private pipeline with Pinot copies. */
const BENCH_TABLES = ['orders', 'order_items_enriched', 'order_items_by_minute'] as const satisfies readonly (typeof PINOT_TABLES)[number][];
/** Copied too when asked for the order lifecycle (its own delivery-service). */
const LIFECYCLE_TABLES = ['order_statuses', 'delivery_statuses'] as const satisfies readonly (typeof PINOT_LIFECYCLE_TABLES)[number][];
/** Copied too when asked for alerts (its own alerts service: only the alerts test runs one). */
const ALERTS_TABLES = ['alerts'] as const satisfies readonly (typeof PINOT_TABLES)[number][];
type BenchTable = (typeof BENCH_TABLES)[number] | (typeof LIFECYCLE_TABLES)[number] | (typeof ALERTS_TABLES)[number];

/** Which env key names each copied table, for services pointed at a private copy. */
const TABLE_ENV: Record<BenchTable, string> = {
  orders: 'PINOT_ORDERS_TABLE',
  order_items_enriched: 'PINOT_ORDER_ITEMS_TABLE',
  order_items_by_minute: 'PINOT_ORDER_ITEMS_BY_MINUTE_TABLE',
  order_statuses: 'PINOT_ORDER_STATUSES_TABLE',
  delivery_statuses: 'PINOT_DELIVERY_STATUSES_TABLE',
  alerts: 'PINOT_ALERTS_TABLE',
};

/** Private topics and tables are named bench_<bench>_<run id>_... (tables) and bench-<bench>-<run id>-... (topics, groups). */
const PRIVATE_NAME = /^bench[-_]([a-z]+)[-_]([0-9a-z]+)[-_]/;
/** A private copy older than this belongs to a run that died: no bench runs that long. */
const LEFTOVER_AGE_MS = 6 * 3_600_000;
const RETENTION_DAYS = '1';

export interface PrivatePipeline {
  /** Run id (base-36 start time), unique per run. */
  runId: string;
  /** `scratch` is read by nothing (e.g. to measure a producer alone); `alerts` exists only with the `alerts` option. */
  topics: { orders: string; enrichedOrderItems: string; deadLetters: string; enricherWaiting: string; scratch: string; alerts: string };
  enricherGroup: string;
  /** A consumer group name of this run (deleted by drop() like the enricher group). */
  group(name: string): string;
  /** Pinot tables, empty when the bench asked for Kafka only (`alerts` only with the `alerts` option). */
  tables: { orders: string; orderItems: string; orderItemsByMinute: string; alerts?: string } | null;
  /** The lifecycle's topics and tables, when asked for (`lifecycle`). */
  lifecycle: { orderStatuses: string; deliveryStatuses: string; deliveryState: string; tables: { orderStatuses: string; deliveryStatuses: string } | null } | null;
  /** ORDERS_TOPIC, ..., ENRICHER_GROUP_ID, ENRICHER_INSTANCE_ID, PINOT_ORDERS_TABLE, (DELIVERY_GROUP_ID, ..., ALERTS_TOPIC, ...): the env a service reads them from. */
  env: Record<string, string>;
  /** Deletes the tables, their schemas, the topics and the run's consumer groups (each failure logged, none thrown). */
  drop(): Promise<void>;
}

export interface PrivatePipelineOptions {
  /** Also create Pinot tables consuming the private topics. */
  pinot: boolean;
  /** Also the lifecycle's topics (order-statuses, delivery-statuses, the compacted delivery state) and, with `pinot`, their upsert tables. */
  lifecycle?: boolean;
  /** Also a compacted alerts topic like the stack's (and, with `pinot`, its upsert table): for an alerts service of its own. */
  alerts?: boolean;
}

async function controller(cfg: InfraConfig, method: string, path: string, body?: unknown): Promise<Response> {
  const url = `${cfg.PINOT_CONTROLLER_URL}${path}`;
  return fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  }).catch((err: unknown) => {
    throw new Error(`private pipeline: Pinot controller ${url} unreachable (${(err as Error).message}); is the stack up (npm run stack:status)?`);
  });
}

async function controllerOk(cfg: InfraConfig, method: string, path: string, body?: unknown): Promise<void> {
  const res = await controller(cfg, method, path, body);
  if (!res.ok) throw new Error(`private pipeline: ${method} ${cfg.PINOT_CONTROLLER_URL}${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

/** Schema and REALTIME table config of stack table `table`, renamed to `name` and consuming `topics`. */
export function privateTableConfigs(
  table: BenchTable,
  name: string,
  values: { brokers: string; ordersTopic: string; enrichedOrderItemsTopic: string; orderStatusesTopic?: string; deliveryStatusesTopic?: string; alertsTopic?: string },
): { schema: Record<string, unknown>; tableConfig: Record<string, unknown> } {
  const schema = { ...(JSON.parse(readTableSchema(table)) as Record<string, unknown>), schemaName: name };
  const tableConfig = JSON.parse(
    renderTableTemplate(table, {
      KAFKA_BROKER_LIST: values.brokers,
      ORDERS_TOPIC: values.ordersTopic,
      ENRICHED_ORDER_ITEMS_TOPIC: values.enrichedOrderItemsTopic,
      ORDER_STATUSES_TOPIC: values.orderStatusesTopic,
      DELIVERY_STATUSES_TOPIC: values.deliveryStatusesTopic,
      ALERTS_TOPIC: values.alertsTopic,
      PINOT_RETENTION_DAYS: RETENTION_DAYS,
    }),
  ) as { tableName: string; segmentsConfig: Record<string, unknown> } & Record<string, unknown>;
  return { schema, tableConfig: { ...tableConfig, tableName: name, segmentsConfig: { ...tableConfig.segmentsConfig, schemaName: name } } };
}

async function waitQueryable(cfg: InfraConfig, table: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${cfg.PINOT_BROKER_URLS[0]}/query/sql`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sql: `SELECT COUNT(*) FROM ${table}` }),
        signal: AbortSignal.timeout(5000),
      });
      const body = (await res.json()) as { exceptions?: { message?: string }[]; resultTable?: unknown };
      if (res.ok && !body.exceptions?.length && body.resultTable) return;
      last = body.exceptions?.[0]?.message?.slice(0, 200) ?? `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`private pipeline: Pinot table ${table} not queryable after ${timeoutMs} ms (${last}); see the Pinot server log in the stack's logs/`);
}

async function dropTable(cfg: InfraConfig, name: string, log: Logger): Promise<void> {
  const table = await controller(cfg, 'DELETE', `/tables/${name}?type=realtime`).catch((err: unknown) => err as Error);
  if (table instanceof Error || (!table.ok && table.status !== 404)) log.warn(table instanceof Error ? { table: name, err: table } : { table: name, status: table.status }, 'could not drop private Pinot table');
  // Until the server has dropped its consuming segments it keeps fetching, and a fetch of a deleted
  // topic makes the broker create it again (auto.create.topics.enable): wait for the external view to go.
  for (let attempt = 1; attempt <= 60; attempt++) {
    const view = await controller(cfg, 'GET', `/tables/${name}/externalview`).catch(() => undefined);
    if (view?.status === 404) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  // The schema can only go once the table is gone, which the controller finishes asynchronously.
  for (let attempt = 1; attempt <= 10; attempt++) {
    const res = await controller(cfg, 'DELETE', `/schemas/${name}`).catch(() => undefined);
    if (res && (res.ok || res.status === 404)) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  log.warn({ schema: name }, `could not drop private Pinot schema; delete it with DELETE ${cfg.PINOT_CONTROLLER_URL}/schemas/${name}`);
}

/** Deletes the schema registry subjects of `topics` (the bench's producers registered their contracts there). */
async function dropSubjects(cfg: InfraConfig, topics: string[], log: Logger): Promise<void> {
  const api = new RegistryApi(cfg.SCHEMA_REGISTRY_URL);
  for (const subject of topics.map(valueSubject)) {
    await api.deleteSubject(subject).catch((err: unknown) => log.warn({ err, subject }, `could not delete private subject; delete it with DELETE ${cfg.SCHEMA_REGISTRY_URL}/subjects/${subject}`));
  }
}

/** Deletes `topics` and every consumer group `isMine` accepts. */
async function dropKafka(kafka: Kafka, topics: string[], isMine: (group: string) => boolean, log: Logger): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    // A consumer still polling a deleted topic re-creates it (empty): check again and delete again.
    const present = async () => {
      const existing = new Set(await admin.listTopics());
      return topics.filter((t) => existing.has(t));
    };
    for (let attempt = 1, left = await present(); left.length > 0; attempt++, left = await present()) {
      if (attempt > 3) {
        log.warn({ topics: left }, 'private topics keep coming back; delete them by hand (kafka-topics.sh --delete)');
        break;
      }
      await admin.deleteTopics({ topics: left, timeout: 30_000 }).catch((err: unknown) => log.warn({ err, topics: left }, 'could not delete private topics'));
      await new Promise((r) => setTimeout(r, 3000));
    }
    const used = (await admin.listGroups()).groups.map((g) => g.groupId).filter(isMine);
    if (used.length > 0) await admin.deleteGroups(used).catch((err: unknown) => log.warn({ err, groups: used }, 'could not delete private consumer groups'));
  });
}

async function runPrefixedTopics(kafka: Kafka, prefix: string): Promise<string[]> {
  return withAdmin(kafka, async (admin) => (await admin.listTopics()).filter((t) => t.startsWith(prefix)));
}

/** Creates the private topics (partitioned like the stack's `orders`) and, when asked, the Pinot tables. */
export async function createPrivatePipeline(cfg: InfraConfig, bench: string, log: Logger, options: PrivatePipelineOptions): Promise<PrivatePipeline> {
  if (!/^[a-z]+$/.test(bench)) throw new Error(`private pipeline: bench name must be lower-case letters, got ${JSON.stringify(bench)}`);
  const kafka = createKafkaClient({ brokers: cfg.KAFKA_BROKERS, clientId: `bench-${bench}`, log });
  await sweepLeftovers(cfg, kafka, log);
  const runId = Date.now().toString(36);
  const topic = (base: string) => `bench-${bench}-${runId}-${base}`;
  const topics = {
    orders: topic('orders'),
    enrichedOrderItems: topic('enriched-order-items'),
    deadLetters: topic('dead-letters'),
    enricherWaiting: topic('enricher-waiting-items'),
    scratch: topic('scratch'),
    alerts: topic('alerts'),
  };
  const lifecycleTopics = options.lifecycle ? { orderStatuses: topic('order-statuses'), deliveryStatuses: topic('delivery-statuses'), deliveryState: topic('delivery-state') } : null;
  const allTopics = [...Object.values(topics), ...Object.values(lifecycleTopics ?? {})];
  const enricherGroup = topic('enricher');
  const partitions = (await partitionCount(kafka, cfg.ORDERS_TOPIC)) || 3;
  const tableName = (table: string) => `bench_${bench}_${runId}_${table}`;
  const tables = options.pinot
    ? { orders: tableName('orders'), orderItems: tableName('order_items_enriched'), orderItemsByMinute: tableName('order_items_by_minute'), ...(options.alerts ? { alerts: tableName('alerts') } : {}) }
    : null;
  const lifecycle = lifecycleTopics && {
    ...lifecycleTopics,
    tables: options.pinot ? { orderStatuses: tableName('order_statuses'), deliveryStatuses: tableName('delivery_statuses') } : null,
  };
  const copied: BenchTable[] = options.pinot ? [...BENCH_TABLES, ...(lifecycle ? LIFECYCLE_TABLES : []), ...(options.alerts ? ALERTS_TABLES : [])] : [];
  const created: string[] = [];
  const drop = async () => {
    for (const name of created) await dropTable(cfg, name, log);
    // the run's topics, including those a service made under the run's prefix (e.g. Kafka Streams' internal topics)
    const runTopics = await runPrefixedTopics(kafka, topic('')).catch(() => []);
    // the run's groups, and the enricher's follower groups (named after its instance id, bench-<bench>-<run id>-enricher)
    await dropKafka(kafka, [...new Set([...allTopics, ...runTopics])], (group) => group.includes(topic('')), log);
    await dropSubjects(cfg, allTopics, log);
  };
  try {
    const plain = [topics.orders, topics.enrichedOrderItems, topics.deadLetters, topics.scratch, ...(lifecycle ? [lifecycle.orderStatuses, lifecycle.deliveryStatuses] : [])];
    const compacted = [
      ...(lifecycle ? [{ topic: lifecycle.deliveryState, numPartitions: partitions, configs: { 'cleanup.policy': 'compact' } }] : []),
      // as the stack's alerts topic in docker/kafka/topics.conf: the alerts service reads it back at start, Pinot upserts from it
      ...(options.alerts ? [{ topic: topics.alerts, numPartitions: 1, configs: { 'cleanup.policy': 'compact' } }] : []),
    ];
    await ensureTopics(kafka, [...plain.map((t) => ({ topic: t, numPartitions: partitions })), ...compacted], log);
    for (const table of copied) {
      const name = tableName(table);
      const { schema, tableConfig } = privateTableConfigs(table, name, {
        brokers: cfg.KAFKA_BROKERS.join(','),
        ordersTopic: topics.orders,
        enrichedOrderItemsTopic: topics.enrichedOrderItems,
        orderStatusesTopic: lifecycle?.orderStatuses,
        deliveryStatusesTopic: lifecycle?.deliveryStatuses,
        alertsTopic: topics.alerts,
      });
      await controllerOk(cfg, 'POST', '/schemas', schema);
      created.push(name);
      await controllerOk(cfg, 'POST', '/tables', tableConfig);
    }
    for (const name of created) await waitQueryable(cfg, name);
  } catch (err) {
    await drop();
    throw err;
  }
  log.info({ topics, tables }, 'private topics and tables created');
  return {
    runId,
    topics,
    enricherGroup,
    group: topic,
    tables,
    lifecycle,
    env: {
      ORDERS_TOPIC: topics.orders,
      ENRICHED_ORDER_ITEMS_TOPIC: topics.enrichedOrderItems,
      DEAD_LETTER_TOPIC: topics.deadLetters,
      ENRICHER_WAITING_TOPIC: topics.enricherWaiting,
      ENRICHER_GROUP_ID: enricherGroup,
      ENRICHER_INSTANCE_ID: topic('enricher'),
      ...(lifecycle
        ? {
            ORDER_STATUSES_TOPIC: lifecycle.orderStatuses,
            DELIVERY_STATUSES_TOPIC: lifecycle.deliveryStatuses,
            DELIVERY_STATE_TOPIC: lifecycle.deliveryState,
            DELIVERY_GROUP_ID: topic('delivery'),
            DELIVERY_TRANSACTIONAL_ID: topic('delivery'),
          }
        : {}),
      ...(options.alerts ? { ALERTS_TOPIC: topics.alerts } : {}),
      ...Object.fromEntries(copied.map((table) => [TABLE_ENV[table], tableName(table)])),
    },
    drop,
  };
}

/** The run start time encoded in a private topic, group or table name; undefined for any other name. */
export function privateNameStartedAt(name: string): number | undefined {
  const runId = PRIVATE_NAME.exec(name)?.[2];
  const ms = runId === undefined ? NaN : parseInt(runId, 36);
  return Number.isFinite(ms) ? ms : undefined;
}

const isLeftover = (name: string, now: number) => {
  const startedAt = privateNameStartedAt(name);
  return startedAt !== undefined && now - startedAt > LEFTOVER_AGE_MS;
};

/** Drops private tables, topics and groups of runs that started more than LEFTOVER_AGE_MS ago (their run died before its drop()). */
async function sweepLeftovers(cfg: InfraConfig, kafka: Kafka, log: Logger): Promise<void> {
  const now = Date.now();
  const res = await controller(cfg, 'GET', '/tables');
  if (res.ok) {
    const { tables } = (await res.json()) as { tables: string[] };
    for (const name of tables.filter((t) => isLeftover(t, now))) {
      log.warn({ table: name }, 'dropping a private bench table left by a run that died');
      await dropTable(cfg, name, log);
    }
  }
  const { topics, groups } = await withAdmin(kafka, async (admin) => ({
    topics: (await admin.listTopics()).filter((t) => isLeftover(t, now)),
    groups: (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => isLeftover(g, now)),
  }));
  if (topics.length > 0 || groups.length > 0) {
    log.warn({ topics, groups }, 'deleting private bench topics and groups left by a run that died');
    await dropKafka(kafka, topics, (group) => groups.includes(group), log);
  }
  const subjects = await new RegistryApi(cfg.SCHEMA_REGISTRY_URL).subjects().catch(() => []);
  const leftTopics = subjects.filter((s) => s.endsWith('-value')).map((s) => s.slice(0, -'-value'.length)).filter((t) => isLeftover(t, now));
  if (leftTopics.length > 0) await dropSubjects(cfg, leftTopics, log);
}
