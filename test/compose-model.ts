// Reads the three compose files into one normalised model (what `docker compose -f ... -f ...`
// would merge), so the static tests can check it without a Docker engine.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '@pizzashop/testkit';

export const composeFiles = ['compose.yaml', 'compose-pinot.yaml', 'compose-dashboard.yaml'];
/** The override that scales the system out (the local stack's STACK_PROFILE=cluster). */
export const clusterOverride = 'compose-cluster.yaml';

export interface PortMapping {
  host: number;
  container: number;
}

export interface Mount {
  type: 'bind' | 'volume';
  /** Repo-relative path for a bind mount, volume name otherwise. */
  source: string;
  target: string;
  readOnly: boolean;
}

export interface Service {
  name: string;
  file: string;
  image?: string;
  /** `args`: the build args (`build.args`), substituted into the Dockerfile by dockerfileInstructions. */
  build?: { context: string; dockerfile: string; args: Record<string, string> };
  /** env_file entries first, then `environment`, as compose applies them. */
  env: Record<string, string>;
  envFiles: string[];
  ports: PortMapping[];
  mounts: Mount[];
  dependsOn: Record<string, string>;
  healthcheck?: unknown;
  restart?: string;
  entrypoint: string[];
  command: string[];
  raw: Record<string, unknown>;
}

export interface ComposeModel {
  services: Map<string, Service>;
  volumes: Set<string>;
  networks: Set<string>;
  /** Services defined in more than one file that is not an override (compose would merge them; we do not expect any). */
  duplicates: string[];
}

type Raw = Record<string, unknown>;

const asRecord = (value: unknown): Raw => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {});
const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const words = (value: unknown): string[] => (typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : asList(value).map(String));

/** KEY=VALUE lines of an env file; comments and blank lines skipped. */
export function readEnvFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 1) throw new Error(`${path}: "${trimmed}" is not KEY=VALUE`);
    env[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return env;
}

function environment(value: unknown): Record<string, string> {
  if (Array.isArray(value)) {
    return Object.fromEntries(value.map((entry) => {
      const [key, ...rest] = String(entry).split('=');
      return [key, rest.join('=')];
    }));
  }
  return Object.fromEntries(Object.entries(asRecord(value)).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function port(entry: unknown): PortMapping {
  if (typeof entry === 'object' && entry !== null) {
    const { published, target } = entry as { published?: unknown; target?: unknown };
    return { host: Number(published), container: Number(target) };
  }
  const parts = String(entry).split(':');
  if (parts.length !== 2) throw new Error(`port "${String(entry)}": expected HOST:CONTAINER`);
  return { host: Number(parts[0]), container: Number(parts[1]) };
}

function mount(entry: unknown, composeDir: string): Mount {
  if (typeof entry === 'object' && entry !== null) {
    const { type, source, target, read_only: readOnly } = entry as Raw;
    const bind = type === 'bind';
    return {
      type: bind ? 'bind' : 'volume',
      source: bind ? relative(repoRoot, resolve(composeDir, String(source))) : String(source),
      target: String(target),
      readOnly: readOnly === true,
    };
  }
  const [source = '', target = '', mode = ''] = String(entry).split(':');
  const bind = source.startsWith('.') || source.startsWith('/');
  return {
    type: bind ? 'bind' : 'volume',
    source: bind ? relative(repoRoot, resolve(composeDir, source)) : source,
    target,
    readOnly: mode.split(',').includes('ro'),
  };
}

function dependsOn(value: unknown): Record<string, string> {
  if (Array.isArray(value)) return Object.fromEntries(value.map((name) => [String(name), 'service_started']));
  return Object.fromEntries(
    Object.entries(asRecord(value)).map(([name, spec]) => [name, String(asRecord(spec).condition ?? 'service_started')]),
  );
}

function service(name: string, raw: Raw, file: string): Service {
  const composeDir = dirname(join(repoRoot, file));
  const envFiles = asList(raw.env_file).map((entry) =>
    relative(repoRoot, resolve(composeDir, typeof entry === 'string' ? entry : String(asRecord(entry).path))),
  );
  const env: Record<string, string> = {};
  for (const envFile of envFiles) {
    if (existsSync(join(repoRoot, envFile))) Object.assign(env, readEnvFile(join(repoRoot, envFile)));
  }
  Object.assign(env, environment(raw.environment));
  const build = raw.build === undefined ? undefined : asRecord(typeof raw.build === 'string' ? { context: raw.build } : raw.build);
  const context = build ? relative(repoRoot, resolve(composeDir, String(build.context ?? '.'))) || '.' : undefined;
  return {
    name,
    file,
    ...(typeof raw.image === 'string' ? { image: raw.image } : {}),
    ...(build && context
      ? { build: { context, dockerfile: join(context, String(build.dockerfile ?? 'Dockerfile')), args: environment(build.args) } }
      : {}),
    env,
    envFiles,
    ports: asList(raw.ports).map(port),
    mounts: asList(raw.volumes).map((entry) => mount(entry, composeDir)),
    dependsOn: dependsOn(raw.depends_on),
    ...(raw.healthcheck === undefined ? {} : { healthcheck: raw.healthcheck }),
    ...(raw.restart === undefined ? {} : { restart: String(raw.restart) }),
    entrypoint: words(raw.entrypoint),
    command: words(raw.command),
    raw,
  };
}

/** Keys whose lists compose appends across files (others, like command, the later file replaces). */
const APPENDED = new Set(['ports', 'volumes', 'env_file']);

/** A service as compose merges an override into it: mappings merged key by key, the lists above appended, the rest replaced. */
function mergeRaw(base: Raw, override: Raw): Raw {
  const merged: Raw = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const prior = base[key];
    if (APPENDED.has(key)) merged[key] = [...new Set([...asList(prior), ...asList(value)])];
    else if (Object.keys(asRecord(prior)).length > 0 && Object.keys(asRecord(value)).length > 0) merged[key] = mergeRaw(asRecord(prior), asRecord(value));
    else merged[key] = value;
  }
  return merged;
}

/** The files merged as `docker compose -f` would; services of `overrides` files are merged into earlier definitions. */
export function loadComposeModel(files: string[] = composeFiles, overrides: string[] = []): ComposeModel {
  const model: ComposeModel = { services: new Map(), volumes: new Set(), networks: new Set(), duplicates: [] };
  for (const file of files) {
    const doc = asRecord(parse(readFileSync(join(repoRoot, file), 'utf8'), { merge: true }));
    for (const [name, raw] of Object.entries(asRecord(doc.services))) {
      const prior = model.services.get(name);
      if (prior && !overrides.includes(file)) model.duplicates.push(name);
      model.services.set(name, service(name, prior && overrides.includes(file) ? mergeRaw(prior.raw, asRecord(raw)) : asRecord(raw), prior?.file ?? file));
    }
    Object.keys(asRecord(doc.volumes)).forEach((v) => model.volumes.add(v));
    Object.keys(asRecord(doc.networks)).forEach((n) => model.networks.add(n));
  }
  return model;
}

/** The host file a path inside a service's container comes from, through its bind mounts. */
export function hostPathOf(svc: Service, containerPath: string): string | undefined {
  const binds = svc.mounts
    .filter((m) => m.type === 'bind' && (containerPath === m.target || containerPath.startsWith(`${m.target}/`)))
    .sort((a, b) => b.target.length - a.target.length);
  const best = binds[0];
  return best && join(best.source, containerPath.slice(best.target.length));
}

/** One-shot services run to completion (restart "no"); everything else is long-running. */
export const isOneShot = (svc: Service): boolean => svc.restart === 'no';

/** A Dockerfile's instructions (continuation lines joined), as [INSTRUCTION, rest] pairs, with `${NAME}` of each given build arg replaced by its value. */
export function dockerfileInstructions(path: string, args: Record<string, string> = {}): [string, string][] {
  const joined = readFileSync(path, 'utf8')
    .replace(/\\\n/g, ' ')
    .replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => args[name] ?? whole);
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [instruction = '', ...rest] = line.split(/\s+/);
      return [instruction.toUpperCase(), rest.join(' ')];
    });
}
