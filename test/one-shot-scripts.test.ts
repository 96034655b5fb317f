// The Docker path's one-shot scripts run for real here (sh, sed, awk, curl), with the env their
// compose service gives them, against stub Kafka Connect / Pinot controller servers on loopback.
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadComposeModel } from './compose-model.js';
import { repoRoot } from '@pizzashop/testkit';

interface Recorded {
  method: string;
  url: string;
  body: string;
}
type Reply = (req: Recorded) => [status: number, body: string];

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A loopback HTTP server answering with `reply` and recording every request. */
async function stubServer(reply: Reply): Promise<{ url: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', body };
      requests.push(recorded);
      const [status, text] = reply(recorded);
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, requests };
}

function run(script: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('sh', [join(repoRoot, script), ...args], { env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The template with its ${NAME} placeholders set inside the parsed JSON strings. */
function expectedJson(file: string, env: Record<string, string>): unknown {
  return JSON.parse(readFileSync(join(repoRoot, file), 'utf8'), (_key, value: unknown) =>
    typeof value === 'string' ? value.replace(/\$\{([A-Z0-9_]+)\}/g, (_m, name: string) => env[name] ?? '') : value,
  );
}

const model = loadComposeModel();
const envOf = (name: string) => ({ ...model.services.get(name)!.env });
const tools = ['curl', 'sed', 'awk', 'grep'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);

describe.skipIf(!tools)('register-connector.sh', () => {
  const connectorFile = 'docker/debezium/pizzashop-products.json';

  it('PUTs the rendered inner config to /connectors/<name>/config', async () => {
    const connect = await stubServer(() => [201, '{}']);
    const env = { ...envOf('connect-init'), KAFKA_CONNECT_URL: connect.url, DEBEZIUM_PASSWORD: 'p"w\\&|x' };
    const result = await run('docker/debezium/register-connector.sh', [join(repoRoot, connectorFile)], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('connector pizzashop-products created');
    expect(connect.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['PUT /connectors/pizzashop-products/config']);
    const sent = JSON.parse(connect.requests[0]!.body) as Record<string, string>;
    expect(sent).toEqual((expectedJson(connectorFile, env) as { config: unknown }).config);
    expect(sent['connector.class']).toBe('io.debezium.connector.mysql.MySqlConnector');
    expect(sent['database.password']).toBe('p"w\\&|x');
  });

  it('retries while Connect rebalances (409) or starts (503)', async () => {
    const answers = [409, 503, 200];
    const connect = await stubServer(() => [answers.shift() ?? 500, '{}']);
    const env = { ...envOf('connect-init'), KAFKA_CONNECT_URL: connect.url, RETRY_DELAY_SECONDS: '0' };
    const result = await run('docker/debezium/register-connector.sh', [join(repoRoot, connectorFile)], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('connector pizzashop-products updated');
    expect(connect.requests).toHaveLength(3);
    expect(new Set(connect.requests.map((r) => r.body)).size).toBe(1);
  });

  it('gives up after RETRY_ATTEMPTS when Connect stays unreachable', async () => {
    const result = await run('docker/debezium/register-connector.sh', [join(repoRoot, connectorFile)], {
      ...envOf('connect-init'),
      KAFKA_CONNECT_URL: 'http://127.0.0.1:9',
      RETRY_ATTEMPTS: '2',
      RETRY_DELAY_SECONDS: '0',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('answered HTTP 000, retrying (1/2)');
    expect(result.stderr).toContain('answered HTTP 000');
  });

  it('fails with Connect\'s answer when the config is rejected', async () => {
    const connect = await stubServer(() => [400, '{"error_code":400,"message":"Connector configuration is invalid"}']);
    const result = await run('docker/debezium/register-connector.sh', [join(repoRoot, connectorFile)], {
      ...envOf('connect-init'),
      KAFKA_CONNECT_URL: connect.url,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('answered HTTP 400');
    expect(result.stderr).toContain('Connector configuration is invalid');
  });

  it('refuses to send a file whose placeholder has no value', async () => {
    const connect = await stubServer(() => [201, '{}']);
    const env: Record<string, string> = { ...envOf('connect-init'), KAFKA_CONNECT_URL: connect.url };
    delete env.DB_HOST;
    const result = await run('docker/debezium/register-connector.sh', [join(repoRoot, connectorFile)], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('uses ${DB_HOST}: set DB_HOST');
    expect(connect.requests).toEqual([]);
  });
});

describe.skipIf(!tools)('apply-config.sh', () => {
  const configDir = join(repoRoot, 'docker/pinot/config');

  // One shell, curl or stub call per table or topic: seconds on a loaded machine.
  it('posts each schema, then its table; an existing table (409) gets its config replaced', { timeout: 30_000 }, async () => {
    const pinot = await stubServer((req) =>
      req.method === 'POST' && req.url === '/tables' && req.body.includes('"order_items_enriched"')
        ? [409, '{"code":409,"error":"already exists"}']
        : [200, '{"status":"ok"}'],
    );
    const env = { ...envOf('pinot-init'), PINOT_CONTROLLER_URL: pinot.url };
    const result = await run('docker/pinot/apply-config.sh', [configDir], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('table order_items_enriched updated');
    expect(result.stdout).toContain('table orders created');
    expect(result.stdout).toContain('table alerts created');
    expect(result.stdout).toContain('table delivery_statuses created');
    expect(result.stdout).toContain('table order_statuses created');
    // Folders in name order: alerts, delivery_statuses, order_items_by_minute, order_items_enriched, order_statuses, orders.
    expect(pinot.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      ...['alerts', 'delivery_statuses', 'order_items_by_minute', 'order_items_enriched', 'order_statuses', 'orders'].map((t) => `GET /tables/${t}?type=realtime`),
      'POST /schemas?override=true',
      'POST /tables',
      'POST /schemas?override=true',
      'POST /tables',
      'POST /schemas?override=true',
      'POST /tables',
      'POST /schemas?override=true',
      'POST /tables',
      'PUT /tables/order_items_enriched',
      'POST /schemas?override=true',
      'POST /tables',
      'POST /schemas?override=true',
      'POST /tables',
    ]);
    const sent = pinot.requests.filter((r) => r.method !== 'GET');
    const [, alertsTable, , , , rollupTable, enrichedSchema, enrichedTable, enrichedUpdate, , , , ordersTable] = sent.map((r) => JSON.parse(r.body) as unknown);
    expect(alertsTable).toEqual(expectedJson('docker/pinot/config/alerts/table.json', env));
    expect(enrichedSchema).toEqual(expectedJson('docker/pinot/config/order_items_enriched/schema.json', env));
    expect(enrichedTable).toEqual(expectedJson('docker/pinot/config/order_items_enriched/table.json', env));
    expect(enrichedUpdate).toEqual(enrichedTable);
    expect(ordersTable).toEqual(expectedJson('docker/pinot/config/orders/table.json', env));
    expect(rollupTable).toEqual(expectedJson('docker/pinot/config/order_items_by_minute/table.json', env));
    expect(sent.map((r) => r.body).join('')).not.toContain('${');
    expect(JSON.stringify(ordersTable)).toContain('"stream.kafka.broker.list":"kafka:9092"');
    expect(JSON.stringify(JSON.parse(sent[3]!.body))).toContain('"stream.kafka.topic.name":"delivery-statuses"');
  });

  // One shell, curl or stub call per table or topic: seconds on a loaded machine.
  it('refuses a table that exists without a column its schema adds, before changing anything, naming the fix', { timeout: 30_000 }, async () => {
    const ordersSchema = JSON.parse(readFileSync(join(configDir, 'orders/schema.json'), 'utf8')) as { dimensionFieldSpecs: Array<{ name: string }> };
    const before = { ...ordersSchema, dimensionFieldSpecs: ordersSchema.dimensionFieldSpecs.filter((c) => c.name !== 'tsMinute') };
    const pinot = await stubServer((req) => {
      if (req.url === '/tables/orders?type=realtime') return [200, '{"REALTIME": {"tableName": "orders_REALTIME"}}'];
      if (req.url === '/schemas/orders') return [200, JSON.stringify(before, null, 2)];
      return [200, '{}'];
    });
    const result = await run('docker/pinot/apply-config.sh', [configDir], { ...envOf('pinot-init'), PINOT_CONTROLLER_URL: pinot.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Pinot table orders exists without column(s) tsMinute');
    expect(result.stderr).toContain(`curl -X DELETE '${pinot.url}/tables/orders?type=realtime'`);
    expect(pinot.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  // One shell, curl or stub call per table or topic: seconds on a loaded machine.
  it('stops at the first rejected file and says which', { timeout: 30_000 }, async () => {
    const pinot = await stubServer((req) => (req.url === '/tables' ? [400, '{"error":"Invalid table config"}'] : [200, '{}']));
    const result = await run('docker/pinot/apply-config.sh', [configDir], { ...envOf('pinot-init'), PINOT_CONTROLLER_URL: pinot.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/table alerts \(.*alerts\/table\.json\) answered HTTP 400/);
    expect(pinot.requests.filter((r) => r.method !== 'GET')).toHaveLength(2);
  });
});

describe('create-topics.sh', () => {
  // One shell, curl or stub call per table or topic: seconds on a loaded machine.
  it('creates every topic of topics.conf with its configs and sets them again, idempotently', { timeout: 30_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'create-topics-'));
    try {
      const log = join(dir, 'calls.log');
      for (const tool of ['kafka-topics.sh', 'kafka-configs.sh']) {
        writeFileSync(join(dir, tool), `#!/bin/sh\necho "${tool} $*" >> '${log}'\n`);
        chmodSync(join(dir, tool), 0o755);
      }
      const result = await run('docker/kafka/create-topics.sh', [], { ...envOf('kafka-init'), KAFKA_BIN: dir });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const calls = readFileSync(log, 'utf8').trim().split('\n');
      const retention = 'cleanup.policy=delete,retention.ms=604800000';
      const expected: [string, number, string][] = [
        ['orders', 3, retention],
        ['enriched-order-items', 3, retention],
        ['dead-letters', 3, 'cleanup.policy=delete,retention.ms=2592000000,max.message.bytes=2097152'],
        ['mysql.pizzashop.products', 1, 'cleanup.policy=compact,min.compaction.lag.ms=604800000'],
        ['enricher-waiting-items', 3, 'cleanup.policy=compact'],
        ['order-statuses', 3, retention],
        ['delivery-statuses', 3, retention],
        ['delivery-service-state', 3, 'cleanup.policy=compact'],
        ['alerts', 1, 'cleanup.policy=compact'],
        ...['journal', 'snapshots', 'events'].map((t): [string, number, string] => [`schema-registry-${t}`, 1, 'cleanup.policy=delete,retention.ms=-1,retention.bytes=-1']),
      ];
      expect(calls).toEqual(
        expected.flatMap(([topic, partitions, configs]) => [
          `kafka-topics.sh --bootstrap-server kafka:9092 --create --if-not-exists --topic ${topic} --partitions ${partitions} --replication-factor 1 ` +
            configs.split(',').map((c) => `--config ${c}`).join(' '),
          `kafka-configs.sh --bootstrap-server kafka:9092 --alter --entity-type topics --entity-name ${topic} --add-config ${configs}`,
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const awks = ['mawk', 'gawk', 'busybox awk'].filter((awk) => spawnSync('sh', ['-c', `echo | ${awk} '{}'`]).status === 0);

describe.each(awks)('json-value.awk with %s', (awk) => {
  const doc = '{\n  "name": "a-b",\n  "config": {"x": "}{\\"", "n": [1, {"y": "]"}]},\n  "count": 5\n}\n';
  const value = (key: string) =>
    spawnSync('sh', ['-c', `${awk} -v key=${key} -f ${join(repoRoot, 'docker/lib/json-value.awk')}`], { input: doc, encoding: 'utf8' });

  it('prints a top-level value verbatim, braces inside strings included', () => {
    expect(value('name').stdout.trim()).toBe('"a-b"');
    expect(JSON.parse(value('config').stdout)).toEqual({ x: '}{"', n: [1, { y: ']' }] });
    expect(value('count').stdout.trim()).toBe('5');
  });

  it('exits 1 for a missing key', () => {
    expect(value('missing').status).toBe(1);
  });
});
