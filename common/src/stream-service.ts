// Start-up and shutdown of a Kafka stream processor (enricher, delivery-service): config, logger,
// metrics, the schema registry contracts of what it writes, ops routes, start and ordered stop.
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import type { InfraConfig } from './config.js';
import { loadConfig } from './config.js';
import { topicContract, type ContractName } from './contracts/topic-contracts.js';
import { createKafkaClient } from './kafka/client.js';
import { createLogger, type Logger } from './logger.js';
import { createMetricsRegistry } from './metrics/registry.js';
import { notFoundAsJson } from './http/not-found.js';
import { opsRoutes, type ReadinessCheck } from './http/ops-routes.js';
import { closeServer, listen } from './http/serve.js';
import { ProducerContracts, producedContracts, refuseToStart } from './schema-registry/producer-contracts.js';
import { withContractHeaders } from './schema-registry/contract-headers.js';
import { onShutdown } from './shutdown.js';

export interface StreamProcessor {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface StreamServiceContext<C> {
  cfg: C;
  log: Logger;
  registry: Registry;
  /** Stamps every record it sends with the schema id of its topic's contract. */
  kafka: Kafka;
}

export interface StreamServiceSpec<C extends InfraConfig, P extends StreamProcessor> {
  component: string;
  envSchema: z.ZodType<C>;
  /** The contracts of the topics it writes: registered (or found) before it starts. */
  produces: ContractName[];
  listenOn: (cfg: C) => { port: number; host: string };
  create: (ctx: StreamServiceContext<C>) => P;
  /** Readiness checks besides the schema registry's. */
  checks: (processor: P) => ReadinessCheck[];
  notFoundHint: string;
  /** Fields of the "starting" and "running" log lines. */
  startingFields: (cfg: C) => Record<string, unknown>;
  runningFields?: (processor: P) => Record<string, unknown>;
}

/**
 * Loads the config, serves /healthz, /readyz and /metrics, registers the contracts, then starts the
 * processor; on SIGTERM/SIGINT stops the registry polling, the HTTP server and the processor, in
 * that order. A failed start is fatal: logged with where Kafka was expected, exit code 1.
 */
export async function runStreamService<C extends InfraConfig, P extends StreamProcessor>(spec: StreamServiceSpec<C, P>): Promise<void> {
  const { component } = spec;
  const log = createLogger(component);
  const cfg = loadConfig(spec.envSchema, process.env, component);
  const registry = createMetricsRegistry(component);
  const contracts = new ProducerContracts({
    url: cfg.SCHEMA_REGISTRY_URL,
    produced: producedContracts(cfg, spec.produces.map(topicContract)),
    component,
    log,
    onIncompatible: refuseToStart(log),
  });
  const kafka = withContractHeaders(createKafkaClient({ brokers: cfg.KAFKA_BROKERS, clientId: cfg.KAFKA_CLIENT_ID, log }), contracts);
  const processor = spec.create({ cfg, log, registry, kafka });

  const app = opsRoutes(registry, [{ name: 'schema-registry', check: () => contracts.registered }, ...spec.checks(processor)]);
  app.notFound(notFoundAsJson({ hint: spec.notFoundHint }));
  const { port, host } = spec.listenOn(cfg);
  const server = await listen(app, port, host, log);

  onShutdown(log, async () => {
    contracts.stop();
    await closeServer(server);
    await processor.stop();
  });

  log.info(spec.startingFields(cfg), `${component} starting`);
  try {
    await contracts.untilRegistered();
    await processor.start();
    log.info(spec.runningFields?.(processor) ?? {}, `${component} running`);
  } catch (err) {
    log.fatal({ err }, `${component} failed to start (Kafka at ${cfg.KAFKA_BROKERS.join(',')}; npm run stack:status shows the stack)`);
    process.exit(1);
  }
}
