// The Debezium MySQL connector on Kafka Connect: rendered from docker/debezium/pizzashop-products.json
// for this stack, registered, and checked running.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { kafkaBootstrap, repoRoot } from '../config.js';
import { render, jsonString } from '../templates.js';
import { adminConnection } from './mariadb.js';
import type { SetupComponent, StackContext } from './types.js';

const connectorFile = join(repoRoot, 'docker', 'debezium', 'pizzashop-products.json');
const connectorBodySchema = z.object({ name: z.string(), config: z.record(z.string(), z.string()) });
const statusSchema = z.object({
  connector: z.object({ state: z.string() }),
  tasks: z.array(z.object({ state: z.string(), trace: z.string().optional() })),
});

/** Debezium 3.x has a MariaDB connector; the MySQL connector is for MySQL. Pick by what the server says. */
export function connectorClassFor(serverVersion: string): string {
  return /mariadb/i.test(serverVersion) ? 'io.debezium.connector.mariadb.MariaDbConnector' : 'io.debezium.connector.mysql.MySqlConnector';
}

async function serverVersion(ctx: StackContext): Promise<string> {
  const conn = await adminConnection(ctx);
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return String((rows as { v: string }[])[0]?.v ?? '');
  } finally {
    await conn.end();
  }
}

/** The connector body from docker/debezium with this stack's hosts, ports and credentials. */
export async function renderConnector(ctx: StackContext): Promise<z.infer<typeof connectorBodySchema>> {
  const { cfg } = ctx;
  const text = render(
    readFileSync(connectorFile, 'utf8'),
    {
      DB_CONNECTOR_CLASS: connectorClassFor(await serverVersion(ctx)),
      DB_HOST: '127.0.0.1',
      DB_PORT: String(cfg.MARIADB_PORT),
      DEBEZIUM_USER: cfg.DEBEZIUM_USER,
      DEBEZIUM_PASSWORD: cfg.DEBEZIUM_PASSWORD,
      KAFKA_BOOTSTRAP: kafkaBootstrap(cfg),
    },
    connectorFile,
    jsonString,
  );
  const body = connectorBodySchema.parse(JSON.parse(text));
  body.config['topic.prefix'] = cfg.PRODUCTS_CDC_TOPIC_PREFIX;
  return body;
}

const connectUrl = (ctx: StackContext) => `http://localhost:${ctx.cfg.CONNECT_PORT}`;

async function connectorStatus(ctx: StackContext): Promise<z.infer<typeof statusSchema> | undefined> {
  try {
    const res = await fetch(`${connectUrl(ctx)}/connectors/pizzashop-products/status`, { signal: AbortSignal.timeout(3000) });
    return res.ok ? statusSchema.parse(await res.json()) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when Connect already runs the connector with exactly this config: then nothing is PUT, since
 * every PUT is a new config version that restarts the connector and rebalances the workers.
 */
async function sameConfig(ctx: StackContext, body: z.infer<typeof connectorBodySchema>): Promise<boolean> {
  try {
    const res = await fetch(`${connectUrl(ctx)}/connectors/${body.name}/config`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return false;
    const current = z.record(z.string(), z.string()).parse(await res.json());
    const wanted = { ...body.config, name: body.name };
    return Object.keys(wanted).length === Object.keys(current).length && Object.entries(wanted).every(([k, v]) => current[k] === v);
  } catch {
    return false;
  }
}

export const debeziumConnector: SetupComponent = {
  kind: 'setup',
  name: 'debezium-connector',
  dependsOn: ['kafka-connect', 'mariadb'],
  address: (cfg) => `http://localhost:${cfg.CONNECT_PORT}/connectors/pizzashop-products`,
  async ensure(ctx) {
    const body = await renderConnector(ctx);
    if (await sameConfig(ctx, body)) return;
    const res = await fetch(`${connectUrl(ctx)}/connectors/${body.name}/config`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body.config),
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new Error(`debezium-connector: Kafka Connect refused ${connectorFile} (${res.status}): ${await res.text()}`);
  },
  async isHealthy(ctx) {
    const status = await connectorStatus(ctx);
    return status?.connector.state === 'RUNNING' && status.tasks.length > 0 && status.tasks.every((t) => t.state === 'RUNNING');
  },
  async diagnose(ctx) {
    const status = await connectorStatus(ctx);
    if (!status) return 'Kafka Connect does not know the connector.';
    const trace = status.tasks.find((t) => t.trace)?.trace?.split('\n').slice(0, 6).join('\n');
    return `Connector ${status.connector.state}, tasks ${status.tasks.map((t) => t.state).join(',') || 'none'}${trace ? `:\n${trace}` : ''}`;
  },
};
