// Where each TypeScript service listens: one naming scheme (<PREFIX>_HTTP_PORT, <PREFIX>_HTTP_HOST), one
// table of default ports, and the old variable names still read (with a warning) for one release.
import { z } from 'zod';

/** Each service's variable prefix and default port (`npm start` shifts them by its STACK_PORT_OFFSET). */
export const SERVICE_LISTEN = {
  'orders-service': { prefix: 'ORDERS', port: 8081 },
  enricher: { prefix: 'ENRICHER', port: 8082 },
  'delivery-service': { prefix: 'DELIVERY', port: 8084 },
  'pizzashop-api': { prefix: 'API', port: 8080 },
  alerts: { prefix: 'ALERTS', port: 8087 },
  dashboard: { prefix: 'DASHBOARD', port: 8501 },
} as const;

export type ListeningService = keyof typeof SERVICE_LISTEN;
type PrefixOf<S extends ListeningService> = (typeof SERVICE_LISTEN)[S]['prefix'];

/** The variable a service reads its port from, e.g. `API_HTTP_PORT`. */
export const portVarOf = <S extends ListeningService>(service: S): `${PrefixOf<S>}_HTTP_PORT` => `${SERVICE_LISTEN[service].prefix}_HTTP_PORT`;

/** The variable a service reads the interface to listen on from, e.g. `API_HTTP_HOST`. */
export const hostVarOf = <S extends ListeningService>(service: S): `${PrefixOf<S>}_HTTP_HOST` => `${SERVICE_LISTEN[service].prefix}_HTTP_HOST`;

type ListenShape<S extends ListeningService> = Record<`${PrefixOf<S>}_HTTP_PORT`, z.ZodDefault<z.ZodCoercedNumber<unknown>>> &
  Record<`${PrefixOf<S>}_HTTP_HOST`, z.ZodDefault<z.ZodString>>;

/** The zod keys of a service's port (0: any free one) and host, with their defaults, for its env schema. */
export function listenShape<S extends ListeningService>(service: S): ListenShape<S> {
  return {
    [portVarOf(service)]: z.coerce.number().int().min(0).max(65535).default(SERVICE_LISTEN[service].port),
    [hostVarOf(service)]: z.string().default('0.0.0.0'),
  } as ListenShape<S>;
}

/** Listen variables renamed to the one scheme; the old name is still read for one release. */
export const RENAMED_LISTEN_VARS: Readonly<Record<string, string>> = {
  API_PORT: portVarOf('pizzashop-api'),
  API_HOST: hostVarOf('pizzashop-api'),
  DASHBOARD_PORT: portVarOf('dashboard'),
  DASHBOARD_HOST: hostVarOf('dashboard'),
};

/**
 * `env` with each old listen variable's value under its new name (the new name wins when both are
 * set), passing `warn` one line per old name found.
 */
export function withRenamedListenVars(env: NodeJS.ProcessEnv, warn: (message: string) => void): NodeJS.ProcessEnv {
  const renamed: NodeJS.ProcessEnv = { ...env };
  for (const [old, name] of Object.entries(RENAMED_LISTEN_VARS)) {
    const value = env[old];
    if (value === undefined) continue;
    const used = env[name] === undefined;
    if (used) renamed[name] = value;
    warn(`${old} is renamed ${name}; the old name is ${used ? 'still read' : 'ignored because both are set'} until the next release`);
  }
  return renamed;
}
