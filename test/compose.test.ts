// Static checks of the Docker path (compose files, Dockerfiles, one-shot wiring). There is no
// Docker engine on these machines, so this is what proves the compose files are right; when the
// `docker compose` plugin is installed, `docker compose config` validates them too.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { infraEnvSchema, STACK_ENV_KEYS, TOPICS } from '@pizzashop/common';
import { loadStackConfig, readVersions, registryProperties, SCHEMA_REGISTRY_TOPICS, stackEnvSchema } from '@pizzashop/local-stack';
import {
  clusterOverride,
  composeFiles,
  dockerfileInstructions,
  hostPathOf,
  isOneShot,
  loadComposeModel,
  readEnvFile,
  type Service,
} from './compose-model.js';
import { repoRoot } from '@pizzashop/testkit';

const model = loadComposeModel();
const services = [...model.services.values()];
const built = services.filter((s) => s.build);
/** versions.json, read the way the local stack reads it. */
const versions = readVersions();
const servicesEnv = readEnvFile(join(repoRoot, 'docker/services.env'));
const workspaces = z.object({ workspaces: z.array(z.string()) }).parse(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))).workspaces;

const svc = (name: string): Service => {
  const found = model.services.get(name);
  if (!found) throw new Error(`no service "${name}" in ${composeFiles.join(', ')}`);
  return found;
};
const exists = (repoPath: string) => existsSync(join(repoRoot, repoPath));
const placeholders = (text: string): string[] => [...new Set([...text.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!))];

/** A service's Dockerfile: its instructions, final stage, bundled workspace, healthcheck and port variable. */
function dockerfileOf(service: Service) {
  const instructions = dockerfileInstructions(join(repoRoot, service.build!.dockerfile), service.build!.args);
  const lastFrom = instructions.map(([i]) => i).lastIndexOf('FROM');
  const runtime = instructions.slice(lastFrom);
  const arg = (name: string) => instructions.find(([i, rest]) => i === 'ARG' && rest.startsWith(`${name}=`))?.[1].split('=')[1];
  const bundled = instructions.map(([, rest]) => /node docker\/bundle-service\.mjs (\S+)/.exec(rest)?.[1]).find(Boolean);
  const healthcheck = runtime.find(([i]) => i === 'HEALTHCHECK')?.[1];
  const env = Object.fromEntries(
    runtime
      .filter(([i]) => i === 'ENV')
      .flatMap(([, rest]) => rest.split(/\s+/).map((kv) => kv.split('=') as [string, string])),
  );
  const portVar = healthcheck && /process\.env\.([A-Z0-9_]+)/.exec(healthcheck)?.[1];
  return { instructions, runtime, arg, bundled, healthcheck, env, portVar };
}

const hasHealthcheck = (s: Service) => s.healthcheck !== undefined || (s.build !== undefined && dockerfileOf(s).healthcheck !== undefined);

/** Env keys whose zod default is a loopback address: inside a container they must be set. */
function loopbackDefaults(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape).filter((key) => {
    const parsed = schema.shape[key]!.safeParse(undefined);
    return parsed.success && /localhost|127\.0\.0\.1/.test(JSON.stringify(parsed.data));
  });
}

/** The object schema under any transforms (`.transform()` wraps it in a pipe). */
function objectOf(schema: z.ZodType): z.ZodObject | undefined {
  if (schema instanceof z.ZodObject) return schema;
  if (schema instanceof z.ZodPipe) return objectOf(schema.in as z.ZodType);
  return undefined;
}

/** Every config.ts under a folder, recursively. */
function configFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? configFiles(join(dir, e.name)) : e.name === 'config.ts' ? [join(dir, e.name)] : [],
  );
}

/** Every `*EnvSchema` exported by a config.ts under the workspace's src/ (infraEnvSchema if none). */
async function envSchemasOf(workspace: string): Promise<z.ZodType[]> {
  const own: z.ZodType[] = [];
  for (const file of configFiles(join(repoRoot, workspace, 'src'))) {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) if (name.endsWith('EnvSchema') && value instanceof z.ZodType) own.push(value);
  }
  return own.length ? own : [infraEnvSchema];
}

/** The env keys a service's schemas read. */
async function envKeysOf(s: Service): Promise<Set<string>> {
  const schemas = await envSchemasOf(dockerfileOf(s).bundled!);
  return new Set(schemas.flatMap((schema) => Object.keys(objectOf(schema)?.shape ?? {})));
}

/** host:port pairs or URLs in an env value, as {host, port}. */
function endpoints(value: string): { host: string; port: number }[] {
  return value.split(',').map((part) => {
    const url = new URL(part.includes('://') ? part.trim() : `tcp://${part.trim()}`);
    return { host: url.hostname, port: Number(url.port) };
  });
}

/** The port a compose service listens on inside the network (what other containers dial). */
const internalPorts: Record<string, number> = {
  mysql: 3306,
  kafka: 9092,
  connect: 8083,
  zookeeper: 2181,
  'pinot-controller': 9000,
  'pinot-broker': 8099,
  'pinot-server': 8098,
  'schema-registry': 8085,
};

/** The port a service listens on in the network: known for the images, from env for ours. */
function listeningPort(s: Service): number | undefined {
  if (!s.build) return internalPorts[s.name];
  const { portVar, env } = dockerfileOf(s);
  return Number(s.env[portVar!] ?? env[portVar!]);
}

describe('compose files', () => {
  it('define each service once, on one network', () => {
    expect(model.duplicates).toEqual([]);
    expect([...model.networks]).toEqual(['default']);
    for (const s of services) expect(s.raw.networks, `${s.name} should stay on the default network`).toBeUndefined();
  });

  it('pin every image to versions.json', () => {
    const expected: Record<string, string> = {
      mysql: versions.mysql,
      'apache/kafka': versions.kafka,
      'quay.io/debezium/connect': versions.debezium,
      zookeeper: versions.zookeeper,
      'apachepinot/pinot': versions.pinot,
      'apicurio/apicurio-registry': versions.apicurioRegistry,
    };
    const used = new Set<string>();
    for (const s of services.filter((x) => !x.build)) {
      const image = s.image ?? '';
      const colon = image.lastIndexOf(':');
      const [repo, tag] = [image.slice(0, colon), image.slice(colon + 1)];
      expect(Object.keys(expected), `${s.name}: image ${image} is not one of the pinned components`).toContain(repo);
      expect(tag, `${s.name}: ${repo} tag`).toBe(expected[repo]);
      used.add(repo);
    }
    expect([...used].sort()).toEqual(Object.keys(expected).sort());
  });

  it('declare every named volume and mount every host file that exists', () => {
    for (const s of services) {
      for (const m of s.mounts) {
        if (m.type === 'volume') expect([...model.volumes], `${s.name}: volume ${m.source}`).toContain(m.source);
        else {
          expect(exists(m.source), `${s.name}: mounted ${m.source} does not exist`).toBe(true);
          expect(m.readOnly, `${s.name}: ${m.source} should be mounted read-only`).toBe(true);
        }
      }
      for (const f of s.envFiles) expect(exists(f), `${s.name}: env_file ${f}`).toBe(true);
    }
  });

  it('publish the ports of the root README, each host port once', () => {
    const published = Object.fromEntries(
      services.filter((s) => s.ports.length).map((s) => [s.name, s.ports.map((p) => `${p.host}:${p.container}`)]),
    );
    expect(published).toEqual({
      mysql: ['3307:3306'],
      kafka: ['29092:29092'],
      connect: ['8083:8083'],
      'schema-registry': ['8085:8085'],
      'pinot-controller': ['9000:9000'],
      'pinot-broker': ['8099:8099'],
      'orders-service': ['8081:8081'],
      enricher: ['8082:8082'],
      'delivery-service': ['8084:8084'],
      'pizzashop-api': ['8080:8080'],
      alerts: ['8087:8087'],
      dashboard: ['8501:8501'],
    });
    const hostPorts = services.flatMap((s) => s.ports.map((p) => p.host));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('restart long-running services and give each a healthcheck; one-shots run once', () => {
    for (const s of services) {
      if (isOneShot(s)) {
        expect(s.name, 'one-shot services are named *-init').toMatch(/-init$/);
      } else {
        expect(s.restart, `${s.name}: restart policy`).toBe('unless-stopped');
        expect(hasHealthcheck(s), `${s.name}: healthcheck`).toBe(true);
      }
    }
  });

  it('wait on dependencies by health or by successful completion', () => {
    for (const s of services) {
      for (const [target, condition] of Object.entries(s.dependsOn)) {
        const dep = model.services.get(target);
        expect(dep, `${s.name} depends on unknown service ${target}`).toBeDefined();
        const wanted = isOneShot(dep!) ? 'service_completed_successfully' : 'service_healthy';
        expect(condition, `${s.name} -> ${target}`).toBe(wanted);
        if (wanted === 'service_healthy') expect(hasHealthcheck(dep!), `${target} needs a healthcheck`).toBe(true);
      }
    }
  });

  it('start each dependency before the services that read from it', () => {
    const needs: Record<string, string[]> = {
      'kafka-init': ['kafka'],
      connect: ['kafka'],
      'connect-init': ['connect', 'mysql'],
      'schema-registry': ['kafka', 'kafka-init'],
      'orders-service': ['kafka', 'kafka-init', 'mysql', 'schema-registry'],
      enricher: ['kafka', 'kafka-init', 'connect-init', 'schema-registry'],
      'delivery-service': ['kafka', 'kafka-init', 'schema-registry'],
      'pinot-init': ['pinot-controller', 'pinot-broker', 'pinot-server', 'kafka-init'],
      'pizzashop-api': ['pinot-broker', 'pinot-init'],
      alerts: ['kafka', 'kafka-init', 'schema-registry', 'pinot-broker', 'pinot-init'],
      dashboard: ['pizzashop-api'],
    };
    for (const [name, deps] of Object.entries(needs)) expect(Object.keys(svc(name).dependsOn)).toEqual(expect.arrayContaining(deps));
  });
});

describe('service images', () => {
  it.each(built.map((s) => [s.name, s] as const))('%s: Dockerfile and build context exist', (_name, s) => {
    expect(exists(s.build!.context)).toBe(true);
    expect(exists(s.build!.dockerfile), s.build!.dockerfile).toBe(true);
    expect(exists('.dockerignore')).toBe(true);
    expect(readFileSync(join(repoRoot, '.dockerignore'), 'utf8')).toMatch(/^\*\*\/node_modules$/m);
  });

  it('send the build what it needs and nothing local (.dockerignore)', () => {
    const patterns = readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(patterns.filter((p) => p.startsWith('!')), 'no exceptions: the matcher below does not model them').toEqual([]);
    const regexes = patterns.map((p) => {
      const body = p
        .split('**/')
        .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
        .join('(?:.*/)?');
      return new RegExp(`^${body}(?:/.*)?$`);
    });
    const ignored = (path: string) => regexes.some((re) => re.test(path));
    const needed = [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.base.json',
      'docker/bundle-service.mjs',
      'common/src/index.ts',
      ...workspaces.map((ws) => `${ws}/package.json`),
      ...built.map((s) => `${dockerfileOf(s).bundled!}/src/main.ts`),
    ];
    expect(needed.filter(ignored)).toEqual([]);
    const local = ['node_modules/zod/package.json', 'orders-service/node_modules/x', 'enricher/dist/main.js', '.git/HEAD', '.stack/data/x', 'common/test/config.test.ts'];
    expect(local.filter((p) => !ignored(p))).toEqual([]);
  });

  it.each(built.map((s) => [s.name, s] as const))('%s: multi-stage node image of versions.json, non-root, with a healthcheck', (_name, s) => {
    const { instructions, runtime, arg, bundled, healthcheck } = dockerfileOf(s);
    expect(arg('NODE_VERSION')).toBe(versions.node);
    const froms = instructions.filter(([i]) => i === 'FROM').map(([, rest]) => rest);
    expect(froms).toEqual(['node:${NODE_VERSION}-bookworm-slim AS build', 'node:${NODE_VERSION}-bookworm-slim']);
    expect(bundled, 'bundle step').toBeDefined();
    expect(workspaces).toContain(bundled);
    expect(runtime.find(([i]) => i === 'USER')?.[1]).toBe('node');
    expect(healthcheck).toMatch(/\/healthz/);
    expect(runtime.at(-1)).toEqual(['CMD', '["node", "dist/main.js"]']);
  });

  it.each(built.map((s) => [s.name, s] as const))('%s: installs from the lockfile with every workspace manifest and the npm patches', (_name, s) => {
    const copies = dockerfileOf(s).instructions.filter(([i]) => i === 'COPY').map(([, rest]) => rest);
    expect(copies).toContain('package.json package-lock.json ./');
    for (const ws of workspaces) expect(copies, `${s.build!.dockerfile} copies ${ws}/package.json`).toContain(`${ws}/package.json ${ws}/`);
    const npmCi = dockerfileOf(s).instructions.findIndex(([i, rest]) => i === 'RUN' && /npm ci\b/.test(rest));
    expect(npmCi).toBeGreaterThan(-1);
    const patches = dockerfileOf(s).instructions.findIndex(([i, rest]) => i === 'COPY' && rest === 'patches/ patches/');
    expect(patches, `${s.build!.dockerfile} copies patches/ before npm ci (its postinstall applies them)`).toBeGreaterThan(-1);
    expect(patches).toBeLessThan(npmCi);
  });

  it.each(built.map((s) => [s.name, s] as const))('%s: HEALTHCHECK passes on a 200 from /healthz, fails when nothing listens', async (_name, s) => {
    const { healthcheck, portVar } = dockerfileOf(s);
    const argv = z.array(z.string()).parse(JSON.parse(healthcheck!.replace(/^.*?CMD\s+/, '')));
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(200).end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const probe = (p: number) =>
      new Promise<number>((resolve) => {
        const child = spawn(process.execPath, argv.slice(1), { env: { [portVar!]: String(p) }, stdio: 'ignore' });
        child.on('exit', (code) => resolve(code ?? -1));
      });
    try {
      expect(argv[0]).toBe('node');
      expect(await probe(port)).toBe(0);
      expect(paths).toEqual(['/healthz']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(await probe(port)).toBe(1);
  });

  it.for(built.map((s) => [s.name, s] as const))('%s: bundles an entry point that exists', ([, s], ctx) => {
    const ws = dockerfileOf(s).bundled!;
    const sources = existsSync(join(repoRoot, ws, 'src')) ? readdirSync(join(repoRoot, ws, 'src')).filter((f) => f.endsWith('.ts')) : [];
    if (sources.length === 0) ctx.skip(`${ws} has no source yet`);
    expect(sources, `${ws}/src/main.ts (the image's entry point)`).toContain('main.ts');
  });

  it.each(built.filter((s) => Object.keys(s.build!.args).length > 0).map((s) => [s.name, s] as const))('%s: a parametrised image gets every build arg it declares, and probes the port its service listens on', (_name, s) => {
    const declared = dockerfileOf(s)
      .instructions.filter(([i, rest]) => i === 'ARG' && !rest.includes('='))
      .map(([, rest]) => rest);
    expect(Object.keys(s.build!.args).sort()).toEqual([...new Set(declared)].sort());
    const ownPorts = Object.entries(s.env).filter(([key]) => key.endsWith('_HTTP_PORT'));
    expect(ownPorts.map(([, value]) => value), 'the service\'s own *_HTTP_PORT is the PORT build arg').toEqual([s.build!.args.PORT]);
  });

  it.each(built.map((s) => [s.name, s] as const))('%s: publishes the port the service listens on', (_name, s) => {
    expect(dockerfileOf(s).portVar, 'the HEALTHCHECK reads the port from the service env').toBeDefined();
    expect(s.ports.map((p) => p.container)).toEqual([listeningPort(s)]);
  });
});

describe('service environment', () => {
  const serverSideKeys = Object.keys(infraEnvSchema.shape);

  it.each(built.map((s) => [s.name, s] as const))('%s: satisfies its zod env schema, loopback defaults overridden', async (_name, s) => {
    for (const schema of await envSchemasOf(dockerfileOf(s).bundled!)) {
      expect(schema.safeParse(s.env).error?.issues ?? []).toEqual([]);
      const shape = objectOf(schema);
      expect(shape, 'env schemas are zod objects, possibly transformed').toBeDefined();
      for (const key of loopbackDefaults(shape!)) expect(s.env[key], `${s.name}: ${key} defaults to loopback; set it`).toBeDefined();
    }
    for (const [key, value] of Object.entries(s.env)) expect(value, `${s.name}: ${key} uses interpolation`).not.toContain('${');
  });

  it.each(built.map((s) => [s.name, s] as const))('%s: sets no variable its schemas do not read', async (_name, s) => {
    const workspace = dockerfileOf(s).bundled!;
    expect(configFiles(join(repoRoot, workspace, 'src')).length, `${workspace}/src has a config.ts exporting *EnvSchema`).toBeGreaterThan(0);
    const known = await envKeysOf(s);
    const shared = s.envFiles.includes('docker/services.env') ? new Set(Object.keys(servicesEnv)) : new Set<string>();
    expect(Object.keys(s.env).filter((key) => !known.has(key) && !shared.has(key))).toEqual([]);
  });

  it.each(built.map((s) => [s.name, s] as const))('%s: reaches infrastructure by compose service name and port', async (_name, s) => {
    const reads = await envKeysOf(s);
    for (const key of serverSideKeys.filter((k) => reads.has(k) && /BROKERS|_URLS?$|_HOST$/.test(k))) {
      const value = s.env[key];
      expect(value, `${s.name}: ${key}`).toBeDefined();
      const targets = key.endsWith('_HOST') ? [{ host: value!, port: Number(s.env[key.replace(/_HOST$/, '_PORT')]) }] : endpoints(value!);
      for (const { host, port } of targets) {
        expect(model.services.has(host), `${s.name}: ${key}=${value} names no compose service`).toBe(true);
        expect(port, `${s.name}: ${key}=${value} port`).toBe(internalPorts[host]);
      }
    }
  });

  it.each(built.map((s) => [s.name, s] as const))('%s: other URLs name a service and its port, or a published host port', (_name, s) => {
    const hostPorts = new Set(services.flatMap((x) => x.ports.map((p) => p.host)));
    for (const [key, value] of Object.entries(s.env).filter(([k]) => !serverSideKeys.includes(k))) {
      if (!/^https?:\/\//.test(value)) continue;
      for (const { host, port } of endpoints(value)) {
        if (host === 'localhost') {
          expect(hostPorts.has(port), `${s.name}: ${key}=${value} (as seen by a browser) is no published port`).toBe(true);
        } else {
          expect(model.services.has(host), `${s.name}: ${key}=${value} names no compose service`).toBe(true);
          expect(port, `${s.name}: ${key}=${value} port`).toBe(listeningPort(svc(host)));
        }
      }
    }
  });

  it('uses the database credentials the MySQL init scripts create', () => {
    const mysql = svc('mysql').env;
    expect(servicesEnv.MYSQL_USER).toBe(mysql.MYSQL_APP_USER);
    expect(servicesEnv.MYSQL_PASSWORD).toBe(mysql.MYSQL_APP_PASSWORD);
    expect(servicesEnv.MYSQL_DATABASE).toBe('pizzashop');
    expect(svc('connect-init').env.DEBEZIUM_USER).toBe(mysql.DEBEZIUM_USER);
    expect(svc('connect-init').env.DEBEZIUM_PASSWORD).toBe(mysql.DEBEZIUM_PASSWORD);
  });

  it('keeps the topic names in one env file that services and one-shots share', () => {
    for (const name of ['orders-service', 'enricher', 'delivery-service', 'pizzashop-api', 'alerts', 'kafka-init', 'connect-init', 'pinot-init']) {
      expect(svc(name).envFiles, name).toEqual(['docker/services.env']);
    }
    expect(Object.keys(servicesEnv).sort(), 'docker/services.env sets what a stack sets for its services (common STACK_ENV_KEYS), and LOG_LEVEL').toEqual([...STACK_ENV_KEYS, 'LOG_LEVEL'].sort());
    const defaults = infraEnvSchema.parse({});
    for (const [key, name] of Object.entries(TOPICS)) {
      expect(servicesEnv[key], `${key} in docker/services.env is common's TOPICS name`).toBe(name);
      expect(defaults[key as keyof typeof TOPICS], key).toBe(name);
    }
  });
});

describe('configs shared with the local stack', () => {
  it('mounts the MySQL server config, init scripts and grants template', () => {
    const mysql = svc('mysql');
    expect(hostPathOf(mysql, '/etc/mysql/conf.d/pizzashop.cnf')).toBe('docker/mysql/conf/pizzashop.cnf');
    expect(hostPathOf(mysql, '/docker-entrypoint-initdb.d')).toBe('docker/mysql/init');
    expect(hostPathOf(mysql, '/etc/pizzashop/grants.sql.template')).toBe('docker/mysql/grants.sql.template');
    expect(readdirSync(join(repoRoot, 'docker/mysql/init'))).toEqual(expect.arrayContaining(['00-schema.sql', '90-grants.sh']));
    expect(statSync(join(repoRoot, 'docker/mysql/init/90-grants.sh')).mode & 0o111, '90-grants.sh is executable').not.toBe(0);
  });

  it('registers docker/debezium/pizzashop-products.json with every placeholder set', () => {
    const init = svc('connect-init');
    const [script, connectorFile] = [init.entrypoint.at(-1)!, init.command[0]!];
    expect(hostPathOf(init, script)).toBe('docker/debezium/register-connector.sh');
    expect(hostPathOf(init, connectorFile)).toBe('docker/debezium/pizzashop-products.json');
    expect(hostPathOf(init, '/opt/pizzashop/lib/render-template.sh')).toBe('docker/lib/render-template.sh');
    const template = readFileSync(join(repoRoot, 'docker/debezium/pizzashop-products.json'), 'utf8');
    for (const name of placeholders(template)) expect(init.env[name], `connect-init sets \${${name}}`).toBeDefined();
    expect(init.env.DB_CONNECTOR_CLASS).toBe('io.debezium.connector.mysql.MySqlConnector');
    expect(`${init.env.DB_HOST}:${init.env.DB_PORT}`).toBe(`mysql:${internalPorts.mysql}`);
    expect(init.env.KAFKA_BOOTSTRAP).toBe(servicesEnv.KAFKA_BROKERS);
  });

  it('applies every table of docker/pinot/config with every placeholder set', () => {
    const init = svc('pinot-init');
    const [script, configDir] = [init.entrypoint.at(-1)!, init.command[0]!];
    expect(hostPathOf(init, script)).toBe('docker/pinot/apply-config.sh');
    expect(hostPathOf(init, configDir)).toBe('docker/pinot/config');
    const tables = readdirSync(join(repoRoot, 'docker/pinot/config'));
    expect(tables.sort()).toEqual(['alerts', 'delivery_statuses', 'order_items_by_minute', 'order_items_enriched', 'order_statuses', 'orders']);
    for (const table of tables) {
      for (const file of ['schema.json', 'table.json']) {
        const text = readFileSync(join(repoRoot, 'docker/pinot/config', table, file), 'utf8');
        for (const name of placeholders(text)) expect(init.env[name], `pinot-init sets \${${name}} (${table}/${file})`).toBeDefined();
      }
    }
    expect(init.env.KAFKA_BROKER_LIST).toBe(servicesEnv.KAFKA_BROKERS);
  });

  it('are the files the local stack applies', () => {
    const sources = (dir: string): string[] =>
      readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [readFileSync(join(repoRoot, dir, e.name), 'utf8')] : [],
      );
    const localStack = sources('local-stack/src').join('\n');
    const sep = `['"\\s,/]+`;
    expect(localStack, 'local stack reads docker/debezium/pizzashop-products.json').toMatch(new RegExp(`docker${sep}debezium${sep}pizzashop-products\\.json`));
    expect(localStack, 'local stack reads docker/pinot/config').toMatch(new RegExp(`docker${sep}pinot${sep}config`));
  });

  it('run the schema registry with the local stack\'s settings, on topics kafka-init creates', () => {
    const env = svc('schema-registry').env;
    const local = registryProperties({ port: internalPorts['schema-registry']!, managementPort: 1, host: 'unused', kafkaBootstrap: servicesEnv.KAFKA_BROKERS!, snapshotDir: 'unused' });
    // Host and management interface: the container's own network (management on its 9000, not published).
    const perContainer = new Set(['quarkus.http.host', 'quarkus.management.host', 'quarkus.management.port', 'apicurio.storage.snapshot.location']);
    for (const [key, value] of Object.entries(local).filter(([k]) => !perContainer.has(k))) {
      expect(env[key.toUpperCase().replace(/[.-]/g, '_')], key).toBe(value);
    }
    const topics = readFileSync(join(repoRoot, 'docker/kafka/topics.conf'), 'utf8');
    for (const topic of Object.values(SCHEMA_REGISTRY_TOPICS)) expect(topics).toMatch(new RegExp(`^${topic} 1 cleanup\\.policy=delete,retention\\.ms=-1,retention\\.bytes=-1$`, 'm'));
    expect(servicesEnv.SCHEMA_REGISTRY_URL).toBe(`http://schema-registry:${internalPorts['schema-registry']}/apis/ccompat/v7`);
  });

  it('name the CDC topic the enricher reads', () => {
    const connector = z
      .object({ config: z.object({ 'topic.prefix': z.string(), 'table.include.list': z.string() }) })
      .parse(JSON.parse(readFileSync(join(repoRoot, 'docker/debezium/pizzashop-products.json'), 'utf8')));
    const { 'topic.prefix': prefix, 'table.include.list': tables } = connector.config;
    expect(`${prefix}.${tables.split(',')[0]}`).toBe(servicesEnv.PRODUCTS_CDC_TOPIC);
  });

  it('creates the pipeline topics with the services\' names', () => {
    const init = svc('kafka-init');
    expect(hostPathOf(init, init.command.at(-1)!)).toBe('docker/kafka/create-topics.sh');
    expect(init.env.TOPIC_PARTITIONS).toBe('3');
  });

  it('give the topics the retention and size limits the local stack gives them', () => {
    const stack = stackEnvSchema.parse({});
    const init = svc('kafka-init');
    expect(init.env.TOPIC_PARTITIONS).toBe(String(stack.KAFKA_PARTITIONS));
    for (const key of ['TOPIC_RETENTION_MS', 'DEAD_LETTER_RETENTION_MS', 'DEAD_LETTER_MAX_MESSAGE_BYTES'] as const) {
      expect(init.env[key], key).toBe(String(stack[key]));
    }
    expect(svc('kafka').env.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
  });
});

describe('compose-cluster.yaml (the scaled-out layout of STACK_PROFILE=cluster)', () => {
  const cluster = loadComposeModel([...composeFiles, clusterOverride], [clusterOverride]);
  const all = [...cluster.services.values()];
  const profile = loadStackConfig({ STACK_PROFILE: 'cluster' });
  const named = (role: string) => all.filter((s) => s.name === role || s.name.startsWith(`${role}-`) && /-\d$/.test(s.name)).map((s) => s.name).sort();
  const env = (name: string) => cluster.services.get(name)!.env;

  it('runs as many members of each role as the cluster profile', () => {
    expect(cluster.duplicates).toEqual([]);
    expect(named('kafka')).toHaveLength(profile.KAFKA_NODES);
    expect(named('pinot-server')).toHaveLength(profile.PINOT_SERVERS);
    expect(named('pinot-broker')).toHaveLength(profile.PINOT_BROKERS);
    expect(named('enricher')).toHaveLength(profile.ENRICHER_INSTANCES);
    expect(named('pizzashop-api')).toHaveLength(profile.API_INSTANCES);
  });

  it('makes every Kafka node a voter of one quorum, with its own id and the replication of the profile', () => {
    const nodes = named('kafka').map(env);
    const voters = nodes.map((e) => e.KAFKA_CONTROLLER_QUORUM_VOTERS);
    expect(new Set(voters).size).toBe(1);
    expect(voters[0]!.split(',').map((v) => v.split('@')[1]!.split(':')[0]).sort()).toEqual(named('kafka'));
    expect(new Set(nodes.map((e) => e.KAFKA_NODE_ID)).size).toBe(nodes.length);
    expect(new Set(nodes.map((e) => e.CLUSTER_ID)).size).toBe(1);
    for (const e of nodes) {
      expect(e.KAFKA_DEFAULT_REPLICATION_FACTOR).toBe(String(profile.KAFKA_REPLICATION_FACTOR));
      expect(e.KAFKA_MIN_INSYNC_REPLICAS).toBe(String(profile.KAFKA_MIN_INSYNC_REPLICAS));
      expect(e.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR).toBe(String(profile.KAFKA_MIN_INSYNC_REPLICAS));
    }
    expect(env('kafka-init').TOPIC_REPLICATION_FACTOR).toBe(String(profile.KAFKA_REPLICATION_FACTOR));
    for (const key of ['CONFIG', 'OFFSET', 'STATUS']) expect(env('connect')[`CONNECT_${key}_STORAGE_REPLICATION_FACTOR`]).toBe(String(profile.KAFKA_REPLICATION_FACTOR));
    expect(env('pinot-init').PINOT_REPLICAS).toBe(String(profile.PINOT_REPLICAS));
  });

  it('gives every Kafka and Pinot client all the nodes and brokers', () => {
    const nodes = named('kafka').map((n) => `${n}:${internalPorts.kafka}`);
    const brokers = named('pinot-broker').map((n) => `http://${n}:${internalPorts['pinot-broker']}`);
    for (const s of all.filter((x) => x.env.KAFKA_BROKERS !== undefined)) expect(s.env.KAFKA_BROKERS!.split(','), s.name).toEqual(nodes);
    for (const s of all.filter((x) => x.build && x.env.PINOT_BROKER_URLS !== undefined)) expect(s.env.PINOT_BROKER_URLS!.split(','), s.name).toEqual(brokers);
    expect(env('connect').BOOTSTRAP_SERVERS!.split(',')).toEqual(nodes);
    expect(env('connect-init').KAFKA_BOOTSTRAP!.split(',')).toEqual(nodes);
    expect(env('schema-registry').APICURIO_KAFKASQL_BOOTSTRAP_SERVERS!.split(',')).toEqual(nodes);
    expect(env('pinot-init').KAFKA_BROKER_LIST!.split(',')).toEqual(nodes);
  });

  it('publishes each host port once, declares every volume and waits on known, healthy dependencies', () => {
    const hostPorts = all.flatMap((s) => s.ports.map((p) => p.host));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    for (const s of all) {
      for (const m of s.mounts.filter((x) => x.type === 'volume')) expect([...cluster.volumes], `${s.name}: volume ${m.source}`).toContain(m.source);
      if (!isOneShot(s)) expect(s.restart, `${s.name}: restart policy`).toBe('unless-stopped');
      for (const [target, condition] of Object.entries(s.dependsOn)) {
        const dep = cluster.services.get(target);
        expect(dep, `${s.name} depends on unknown service ${target}`).toBeDefined();
        expect(condition, `${s.name} -> ${target}`).toBe(isOneShot(dep!) ? 'service_completed_successfully' : 'service_healthy');
      }
    }
    expect(Object.keys(cluster.services.get('pinot-init')!.dependsOn)).toEqual(expect.arrayContaining([...named('pinot-server'), ...named('pinot-broker').slice(0, 1)]));
    expect(Object.keys(cluster.services.get('kafka-init')!.dependsOn)).toEqual(expect.arrayContaining(named('kafka')));
  });
});

const composePlugin = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!composePlugin)('docker compose config', () => {
  it('accepts the three files together', () => {
    const args = ['compose', ...composeFiles.flatMap((f) => ['-f', f]), 'config', '--quiet'];
    const result = spawnSync('docker', args, { cwd: repoRoot, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('accepts the cluster override on top of them', () => {
    const args = ['compose', ...[...composeFiles, clusterOverride].flatMap((f) => ['-f', f]), 'config', '--quiet'];
    const result = spawnSync('docker', args, { cwd: repoRoot, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
