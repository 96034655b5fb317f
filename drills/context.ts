import { createKafkaClient, infraEnvSchema, loadConfig, PinotClient, type Logger } from '@pizzashop/common';
import { mysqlAdmin } from '../common/test/support/env.js';
import type { StackContext } from '../local-stack/src/index.js';
import type { DrillContext } from './harness.js';
import { Pipeline, type PipelinePorts } from './pipeline.js';

/**
 * Everything the drills use, from the env of a running stack (`clientEnv` of local-stack): Kafka,
 * Pinot and MariaDB admin clients, and the services under drill on `ports`.
 */
export function openDrillContext(stack: StackContext, env: Record<string, string>, ports: PipelinePorts, log: Logger, progress: (line: string) => void): DrillContext {
  const infra = loadConfig(infraEnvSchema, env, 'drills');
  return {
    stack,
    pipeline: new Pipeline(env, ports),
    kafka: createKafkaClient({ brokers: infra.KAFKA_BROKERS, clientId: 'drills', log }),
    pinot: new PinotClient({ brokerUrls: infra.PINOT_BROKER_URLS, timeoutMs: 10_000 }),
    db: mysqlAdmin(infra, env),
    cdcTopic: infra.PRODUCTS_CDC_TOPIC,
    topics: { orders: infra.ORDERS_TOPIC, enriched: infra.ENRICHED_ORDER_ITEMS_TOPIC },
    log,
    progress,
  };
}

export async function closeDrillContext(ctx: DrillContext): Promise<void> {
  await ctx.pipeline.stop();
  await ctx.pinot.close();
}
