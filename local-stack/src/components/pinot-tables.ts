// Creates or updates the Pinot schemas and tables of docker/pinot/config, with this stack's broker
// list, topics and retention.
import { readFileSync } from 'node:fs';
import { PizzashopError } from '@pizzashop/common';
import { join } from 'node:path';
import { kafkaBootstrap, pinotBrokerAddresses, repoRoot } from '../config.js';
import { render, jsonString } from '../templates.js';
import { addedColumns, schemaUpgradeMessage, type SchemaJson } from './pinot-schema-upgrade.js';
import type { SetupComponent, StackContext } from './types.js';

export const PINOT_TABLES = ['orders', 'order_items_enriched', 'order_items_by_minute', 'alerts'] as const;
/** The order lifecycle's upsert tables (latest status and courier position per order). */
export const PINOT_LIFECYCLE_TABLES = ['order_statuses', 'delivery_statuses'] as const;
const STACK_TABLES = [...PINOT_TABLES, ...PINOT_LIFECYCLE_TABLES];
const configDir = join(repoRoot, 'docker', 'pinot', 'config');

/** The values of the `${...}` placeholders in docker/pinot/config/<table>/table.json. */
export interface TableTemplateValues {
  KAFKA_BROKER_LIST: string;
  ORDERS_TOPIC: string;
  ENRICHED_ORDER_ITEMS_TOPIC: string;
  /** Only the lifecycle tables name these topics (a bench's private copies of `orders` leave them out). */
  ORDER_STATUSES_TOPIC?: string;
  DELIVERY_STATUSES_TOPIC?: string;
  /** Only the alerts table names it (a copy of the other tables may leave it out). */
  ALERTS_TOPIC?: string;
  PINOT_RETENTION_DAYS: string;
  /** Pinot servers holding each segment (default 1). */
  PINOT_REPLICAS?: string;
}

/** docker/pinot/config/<table>/table.json with its placeholders filled in (JSON text). */
export function renderTableTemplate(table: string, values: TableTemplateValues): string {
  const file = join(configDir, table, 'table.json');
  const defined = Object.fromEntries(Object.entries({ PINOT_REPLICAS: '1', ...values }).filter((e): e is [string, string] => e[1] !== undefined));
  return render(readFileSync(file, 'utf8'), defined, file, jsonString);
}

/** docker/pinot/config/<table>/schema.json (JSON text). */
export function readTableSchema(table: string): string {
  return readFileSync(join(configDir, table, 'schema.json'), 'utf8');
}

/** docker/pinot/config/<table>/table.json with this stack's broker list, topics and retention. */
export function renderTableConfig(ctx: StackContext, table: string): string {
  return renderTableTemplate(table, {
    KAFKA_BROKER_LIST: kafkaBootstrap(ctx.cfg),
    ORDERS_TOPIC: ctx.cfg.ORDERS_TOPIC,
    ENRICHED_ORDER_ITEMS_TOPIC: ctx.cfg.ENRICHED_ORDER_ITEMS_TOPIC,
    ORDER_STATUSES_TOPIC: ctx.cfg.ORDER_STATUSES_TOPIC,
    DELIVERY_STATUSES_TOPIC: ctx.cfg.DELIVERY_STATUSES_TOPIC,
    ALERTS_TOPIC: ctx.cfg.ALERTS_TOPIC,
    PINOT_RETENTION_DAYS: String(ctx.cfg.PINOT_RETENTION_DAYS),
    PINOT_REPLICAS: String(ctx.cfg.PINOT_REPLICAS),
  });
}

async function post(url: string, body: string, what: string, method = 'POST'): Promise<Response> {
  const res = await fetch(url, { method, headers: { 'Content-Type': 'application/json' }, body, signal: AbortSignal.timeout(30_000) });
  if (!res.ok && res.status !== 409) throw new Error(`pinot-tables: ${what} refused by the controller (${res.status}): ${await res.text()}`);
  return res;
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  return res.ok ? res.json() : undefined;
}

/** Throws schemaUpgradeMessage when the table exists and its schema lacks a column of the config's. */
async function refuseMissingColumns(controller: string, table: string, schema: string): Promise<void> {
  const config = (await getJson(`${controller}/tables/${table}?type=realtime`)) as { REALTIME?: unknown } | undefined;
  if (!config?.REALTIME) return;
  const existing = (await getJson(`${controller}/schemas/${table}`)) as SchemaJson | undefined;
  const added = existing ? addedColumns(existing, JSON.parse(schema) as SchemaJson) : [];
  if (added.length > 0) throw new PizzashopError(schemaUpgradeMessage(table, added, controller), { kind: 'conflict' });
}

async function applyTable(ctx: StackContext, table: string): Promise<void> {
  const controller = `http://localhost:${ctx.cfg.PINOT_CONTROLLER_PORT}`;
  await post(`${controller}/schemas?override=true`, readTableSchema(table), `docker/pinot/config/${table}/schema.json`);
  const tableConfig = renderTableConfig(ctx, table);
  const created = await post(`${controller}/tables`, tableConfig, `table ${table}`);
  if (created.status === 409) await post(`${controller}/tables/${table}`, tableConfig, `table ${table} update`, 'PUT');
}

async function queryOk(broker: string, sql: string): Promise<boolean> {
  try {
    const res = await fetch(`${broker}/query/sql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sql }),
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as { exceptions?: unknown[]; resultTable?: unknown };
    return res.ok && (body.exceptions?.length ?? 0) === 0 && body.resultTable !== undefined;
  } catch {
    return false;
  }
}

export const pinotTables: SetupComponent = {
  kind: 'setup',
  name: 'pinot-tables',
  dependsOn: ['pinot-broker', 'pinot-server', 'kafka'],
  address: (cfg) => `http://localhost:${cfg.PINOT_CONTROLLER_PORT}/#/tables`,
  async ensure(ctx) {
    const controller = `http://localhost:${ctx.cfg.PINOT_CONTROLLER_PORT}`;
    for (const table of STACK_TABLES) await refuseMissingColumns(controller, table, readTableSchema(table));
    for (const table of STACK_TABLES) await applyTable(ctx, table);
  },
  /**
   * Every broker answers a query on every table. This also warms each broker (a Pinot broker's first
   * queries take seconds), including one just restarted: clients spread queries over the brokers.
   */
  async isHealthy(ctx) {
    const queries = pinotBrokerAddresses(ctx.cfg).flatMap((broker) => STACK_TABLES.map((t) => queryOk(broker, `SELECT COUNT(*) FROM ${t}`)));
    const results = await Promise.all(queries);
    return results.every(Boolean);
  },
};
