// The test stack's connection settings and MariaDB admin account, as the integration global setup
// exported them.
import { infraEnvSchema, loadConfig, type InfraConfig } from '@pizzashop/common';

/** The test stack's connection settings, set by the integration global setup. */
export function stackEnv(): InfraConfig {
  return loadConfig(infraEnvSchema, process.env, 'integration test');
}

/**
 * Connection options for the MariaDB admin account the global setup (or `clientEnv` of local-stack)
 * names, over its unix socket when given: the app user is read-only, so changing products needs it.
 */
export function mysqlAdmin(
  cfg: InfraConfig,
  env: Record<string, string | undefined> = process.env,
): { host: string; port: number; database: string; user: string; password: string; socketPath?: string } {
  const admin = env.MYSQL_ADMIN_USER;
  if (admin === undefined) {
    throw new Error('MYSQL_ADMIN_USER is not set: run through the integration global setup, or set MYSQL_ADMIN_USER/PASSWORD/SOCKET (clientEnv of local-stack)');
  }
  return {
    host: cfg.MYSQL_HOST,
    port: cfg.MYSQL_PORT,
    database: cfg.MYSQL_DATABASE,
    user: admin,
    password: env.MYSQL_ADMIN_PASSWORD ?? '',
    ...(env.MYSQL_ADMIN_SOCKET ? { socketPath: env.MYSQL_ADMIN_SOCKET } : {}),
  };
}
