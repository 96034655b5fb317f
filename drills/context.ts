// Opens and closes the drill context: Kafka, Pinot and MariaDB clients and the services under drill.
import { createKafkaClient, infraEnvSchema, loadConfig, PinotClient, type Logger } from '@pizzashop/common';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { mysqlAdmin, repoRoot } from '@pizzashop/testkit';
import type { StackContext } from '@pizzashop/local-stack';
import type { DrillContext } from './harness.js';
import { NpmStartPipeline } from './npm-start.js';
import { Pipeline, type PipelinePorts } from './pipeline.js';

/**
 * Where a drill keeps a whole log (its services' output, the broker's log at a failure):
 * `.test-output/drill-logs/` (gitignored), outside the stack's state dir, which later tests of the
 * suite may reset.
 */
export function drillLogFile(name: string): string {
  const dir = join(repoRoot, '.test-output', 'drill-logs');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.log`);
}

/**
 * Everything the drills use, from the env of a running stack (`clientEnv` of local-stack): Kafka,
 * Pinot and MariaDB admin clients, and the services under drill on `ports` (as separate processes, or
 * under `npm start` for the supervision drills).
 */
export function openDrillContext(
  stack: StackContext,
  env: Record<string, string>,
  ports: PipelinePorts & { api: number; dashboard: number; delivery: number },
  log: Logger,
  progress: (line: string) => void,
): DrillContext {
  const infra = loadConfig(infraEnvSchema, env, 'drills');
  const processes = new Pipeline(env, ports, drillLogFile);
  return {
    stack,
    pipeline: processes,
    processes,
    npmStart: new NpmStartPipeline(env, ports, stack.paths.root),
    kafka: createKafkaClient({ brokers: infra.KAFKA_BROKERS, clientId: 'drills', log }),
    pinot: new PinotClient({ brokerUrls: infra.PINOT_BROKER_URLS, timeoutMs: 10_000 }),
    infra,
    deliveryPort: ports.delivery,
    db: mysqlAdmin(infra, env),
    cdcTopic: infra.PRODUCTS_CDC_TOPIC,
    topics: { orders: infra.ORDERS_TOPIC, enriched: infra.ENRICHED_ORDER_ITEMS_TOPIC, deadLetters: infra.DEAD_LETTER_TOPIC },
    log,
    progress,
  };
}

export async function closeDrillContext(ctx: DrillContext): Promise<void> {
  await Promise.all([ctx.processes.stop(), ctx.npmStart.stop()]);
  await ctx.pinot.close();
}
