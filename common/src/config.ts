// The shared infra env schema (Kafka, Pinot, topics) and loadConfig, which names the offending variable.
import { z } from 'zod';
import { parseLatLon } from './geo.js';
import { PizzashopError } from './errors.js';
import { issueLines } from './contracts/validation-message.js';
import { TOPIC_KEYS, TOPICS, type TopicKey } from './infra-env.js';

const pinotTable = (fallback: string) =>
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a Pinot table name (letters, digits, underscore)').default(fallback);

/** A variable per topic, defaulting to its name in TOPICS. */
const topicShape = () => Object.fromEntries(TOPIC_KEYS.map((key) => [key, z.string().min(1).default(TOPICS[key])])) as Record<TopicKey, z.ZodDefault<z.ZodString>>;

/** Connection settings every service shares; each service extends this with its own keys. */
export const infraEnvSchema = z.object({
  KAFKA_BROKERS: z.string().default('localhost:9092').transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean)),
  KAFKA_CLIENT_ID: z.string().default('pizzashop'),
  MYSQL_HOST: z.string().default('127.0.0.1'),
  MYSQL_PORT: z.coerce.number().int().positive().default(3307),
  MYSQL_USER: z.string().default('mysqluser'),
  MYSQL_PASSWORD: z.string().default('mysqlpw'),
  MYSQL_DATABASE: z.string().default('pizzashop'),
  PINOT_BROKER_URLS: z.string().default('http://localhost:8099').transform((s) => s.split(',').map((u) => u.trim()).filter(Boolean)),
  PINOT_CONTROLLER_URL: z.string().url().default('http://localhost:9000'),
  KAFKA_CONNECT_URL: z.string().url().default('http://localhost:8083'),
  /** The schema registry's Confluent-compatible API (Apicurio: /apis/ccompat/v7 under its address). */
  SCHEMA_REGISTRY_URL: z.string().url().default('http://localhost:8085/apis/ccompat/v7'),
  ...topicShape(),
  /** The shop, "lat,lon": where couriers start (delivery-service) and the map's origin (API). */
  SHOP_LOCATION: z
    .string()
    .default('12.975,77.625')
    .transform((raw, ctx) => {
      try {
        return parseLatLon(raw);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** The Pinot tables readers query (a bench points its own API at private copies). */
  PINOT_ORDERS_TABLE: pinotTable('orders'),
  PINOT_ORDER_ITEMS_TABLE: pinotTable('order_items_enriched'),
  /** The per-minute rollup of the enriched items (Pinot pre-aggregates it at ingestion). */
  PINOT_ORDER_ITEMS_BY_MINUTE_TABLE: pinotTable('order_items_by_minute'),
  PINOT_ORDER_STATUSES_TABLE: pinotTable('order_statuses'),
  PINOT_DELIVERY_STATUSES_TABLE: pinotTable('delivery_statuses'),
  PINOT_ALERTS_TABLE: pinotTable('alerts'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type InfraConfig = z.infer<typeof infraEnvSchema>;

/** The environment does not match the component's config schema: fix it and start again. */
export class ConfigError extends PizzashopError {
  constructor(message: string) {
    super(message, { kind: 'invalid-input' });
  }
}

/**
 * Validates `env` against `schema` at start-up. On failure throws one ConfigError naming every
 * offending variable, so a service fails fast with a readable message instead of later at runtime.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env, component = 'config'): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = issueLines(parsed.error).map((line) => `  ${line}`);
  throw new ConfigError(`${component}: invalid environment\n${lines.join('\n')}\nFix the variables above (see README "Configuration").`);
}
