import { infraEnvSchema, loadConfig, type InfraConfig } from '../../src/index.js';

/** The test stack's connection settings, set by the integration global setup. */
export function stackEnv(): InfraConfig {
  return loadConfig(infraEnvSchema, process.env, 'integration test');
}

/**
 * Connection options for a MariaDB account allowed to change products: the admin account the
 * global setup names (over its unix socket when given, else TCP), else the app user over TCP.
 */
export function mysqlAdmin(
  cfg: InfraConfig,
  env: Record<string, string | undefined> = process.env,
): { host: string; port: number; database: string; user: string; password: string; socketPath?: string } {
  const admin = env.MYSQL_ADMIN_USER;
  return {
    host: cfg.MYSQL_HOST,
    port: cfg.MYSQL_PORT,
    database: cfg.MYSQL_DATABASE,
    user: admin ?? cfg.MYSQL_USER,
    password: admin === undefined ? cfg.MYSQL_PASSWORD : (env.MYSQL_ADMIN_PASSWORD ?? ''),
    ...(admin !== undefined && env.MYSQL_ADMIN_SOCKET ? { socketPath: env.MYSQL_ADMIN_SOCKET } : {}),
  };
}

/** The env a service child process needs to reach the test stack. */
export function serviceEnvOf(cfg: InfraConfig): Record<string, string> {
  return {
    KAFKA_BROKERS: cfg.KAFKA_BROKERS.join(','),
    MYSQL_HOST: cfg.MYSQL_HOST,
    MYSQL_PORT: String(cfg.MYSQL_PORT),
    MYSQL_USER: cfg.MYSQL_USER,
    MYSQL_PASSWORD: cfg.MYSQL_PASSWORD,
    MYSQL_DATABASE: cfg.MYSQL_DATABASE,
    KAFKA_CONNECT_URL: cfg.KAFKA_CONNECT_URL,
    PRODUCTS_CDC_TOPIC: cfg.PRODUCTS_CDC_TOPIC,
  };
}
