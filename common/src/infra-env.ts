// The topic names (one table: infraEnvSchema's defaults, the local stack's, and what docker/services.env must
// say) and the one function that writes a service's connection settings back out as env.
import type { InfraConfig } from './config.js';

/** Every topic variable and its default name. */
export const TOPICS = {
  ORDERS_TOPIC: 'orders',
  ENRICHED_ORDER_ITEMS_TOPIC: 'enriched-order-items',
  PRODUCTS_CDC_TOPIC: 'mysql.pizzashop.products',
  DEAD_LETTER_TOPIC: 'dead-letters',
  /** Compacted topic of order items waiting for their product (the enricher's, see its README). */
  ENRICHER_WAITING_TOPIC: 'enricher-waiting-items',
  /** The order lifecycle (delivery-service): every status change, courier positions, and its own compacted state. */
  ORDER_STATUSES_TOPIC: 'order-statuses',
  DELIVERY_STATUSES_TOPIC: 'delivery-statuses',
  DELIVERY_STATE_TOPIC: 'delivery-service-state',
  /** Compacted topic of anomaly alerts (the alerts service's; latest record per alert id). */
  ALERTS_TOPIC: 'alerts',
} as const;

export type TopicKey = keyof typeof TOPICS;
export const TOPIC_KEYS = Object.keys(TOPICS) as TopicKey[];

/** Where the infrastructure is: what a stack (local, compose) decides for every service. */
export const CONNECTION_KEYS = [
  'KAFKA_BROKERS',
  'MYSQL_HOST',
  'MYSQL_PORT',
  'MYSQL_USER',
  'MYSQL_PASSWORD',
  'MYSQL_DATABASE',
  'PINOT_BROKER_URLS',
  'PINOT_CONTROLLER_URL',
  'KAFKA_CONNECT_URL',
  'SCHEMA_REGISTRY_URL',
] as const;

/** The keys a stack sets for the services it runs: connections and topic names. */
export const STACK_ENV_KEYS = [...CONNECTION_KEYS, ...TOPIC_KEYS] as const;
export type StackSettings = Pick<InfraConfig, (typeof STACK_ENV_KEYS)[number]>;

/** A stack's settings as the env a service child process reads (lists comma-separated). */
export function infraEnv(settings: StackSettings): Record<string, string> {
  return Object.fromEntries(
    STACK_ENV_KEYS.map((key) => {
      const value = settings[key];
      return [key, Array.isArray(value) ? value.join(',') : String(value)];
    }),
  );
}
