// A producer's contracts in the schema registry: registered (or found) once at start-up, in the
// background and retried while the registry is unreachable; their ids are then kept in memory, so
// the registry going down later does not stop the producer. A contract the registry refuses as
// incompatible stops the service before it writes anything.
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { InfraConfig } from '../config.js';
import type { TopicContract } from '../contracts/topic-contracts.js';
import { PizzashopError } from '../errors.js';
import type { Logger } from '../logger.js';
import { retryUntilDone } from '../retry.js';
import { contractJsonSchema, valueSubject } from './json-schema.js';
import { RegistryApi } from './registry-api.js';

/** The level a new subject gets (docs/decisions.md); levels at least as strict are kept as they are. */
export const DEFAULT_COMPATIBILITY = COMPATIBILITY.BACKWARD;
const PROTECTING_CONSUMERS = new Set<string>(['BACKWARD', 'BACKWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE']);

/** The registry refused a contract (HTTP 409: not compatible with the subject's versions; 422: not a valid schema). */
export class IncompatibleContractError extends PizzashopError {
  constructor(message: string) {
    super(message, { kind: 'conflict' });
  }
}

/** A contract this producer writes, on the topic its config names. */
export interface ProducedContract {
  topic: string;
  contract: TopicContract;
}

export interface RegisteredContract {
  topic: string;
  subject: string;
  id: number;
  version: number | undefined;
  compatibility: string;
}

export interface ProducerContractsOptions {
  /** The Confluent-compatible API (SCHEMA_REGISTRY_URL). */
  url: string;
  produced: ProducedContract[];
  /** Used as the registry client id. */
  component: string;
  log: Logger;
  /** Called once when the registry refuses a contract; the service should exit (see refuseToStart). */
  onIncompatible: (err: IncompatibleContractError) => void;
  retryStepMs?: number;
}

/** `contracts` on the topics `cfg` names for them. */
export function producedContracts(cfg: InfraConfig, contracts: readonly TopicContract[]): ProducedContract[] {
  return contracts.map((contract) => ({ topic: String(cfg[contract.topicKey]), contract }));
}

/** The onIncompatible of a service: one fatal line with the registry's reason and the fix, exit code 1. */
export function refuseToStart(log: Logger): (err: IncompatibleContractError) => void {
  return (err) => {
    log.fatal({ err }, err.message);
    process.exit(1);
  };
}

const statusOf = (err: unknown): number | undefined => (err as { status?: number }).status;

/** Apicurio's answer to setting the compatibility of a subject that got one a moment ago. */
const isConcurrentLevelSetting = (err: unknown): boolean => statusOf(err) === 409 && /rule named .* already exists/i.test((err as Error).message);

export class ProducerContracts {
  private readonly registry: SchemaRegistry;
  private readonly api: RegistryApi;
  private readonly byTopic = new Map<string, RegisteredContract>();
  private readonly wanted: Map<string, ProducedContract>;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(private readonly o: ProducerContractsOptions) {
    this.wanted = new Map(o.produced.map((p) => [p.topic, p]));
    this.api = new RegistryApi(o.url);
    // Formats (uuid, date-time) are documentation here: values are validated by zod, not by ajv.
    this.registry = new SchemaRegistry({ host: o.url, clientId: o.component, retry: { retries: 0 } }, { [SchemaType.JSON]: { strict: false, validateFormats: false } });
  }

  /** Every contract has its id. */
  get registered(): boolean {
    return this.byTopic.size === this.wanted.size;
  }

  get contracts(): RegisteredContract[] {
    return [...this.byTopic.values()];
  }

  /** Starts registering in the background; resolves at once (see untilRegistered). */
  start(): void {
    this.running ??= this.registerAll();
  }

  /** Resolves once every contract has its id (never, when the registry refused one or stop() came first). */
  async untilRegistered(): Promise<void> {
    this.start();
    await this.running;
    if (!this.registered) await new Promise<never>(() => undefined);
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * The schema id to send with a record for `topic`: undefined for a topic without a contract;
   * an error for one whose contract is not registered yet (nothing is sent without its version).
   */
  schemaIdFor(topic: string): number | undefined {
    const registered = this.byTopic.get(topic);
    if (registered) return registered.id;
    if (!this.wanted.has(topic)) return undefined;
    throw new Error(`${this.o.component}: the contract of topic ${topic} is not registered in the schema registry (${this.o.url}) yet; wait for untilRegistered()`);
  }

  private async registerAll(): Promise<void> {
    let refused: IncompatibleContractError | undefined;
    await retryUntilDone(
      async () => {
        for (const produced of this.wanted.values()) {
          if (this.byTopic.has(produced.topic)) continue;
          try {
            this.byTopic.set(produced.topic, await this.register(produced));
          } catch (err) {
            if (!(err instanceof IncompatibleContractError)) throw err;
            refused = err;
            return;
          }
        }
      },
      {
        stepMs: this.o.retryStepMs ?? 1000,
        maxDelayMs: 10_000,
        keepGoing: () => !this.stopped && refused === undefined && !this.registered,
        onFailure: (err, retryInMs) =>
          this.o.log.warn(
            { err, registry: this.o.url, retryInMs },
            'schema registry unreachable: not ready until the topic contracts are registered (is the stack up? npm run stack:status); retrying',
          ),
      },
    );
    if (refused) this.o.onIncompatible(refused);
  }

  private async register({ topic, contract }: ProducedContract): Promise<RegisteredContract> {
    const subject = valueSubject(topic);
    const schema = contractJsonSchema(contract);
    const compatibility = (await this.api.compatibility(subject)) ?? DEFAULT_COMPATIBILITY;
    if (!PROTECTING_CONSUMERS.has(compatibility)) {
      this.o.log.warn(
        { subject, compatibility },
        `subject ${subject} has compatibility ${compatibility}, which lets a producer break its consumers; set it to ${DEFAULT_COMPATIBILITY} or stricter (PUT ${this.o.url}/config/${subject})`,
      );
    }
    let id: number;
    try {
      id = await this.registerSchema(subject, JSON.stringify(schema), compatibility as COMPATIBILITY);
    } catch (err) {
      const status = statusOf(err);
      if (status === 409 || status === 422) throw await this.refusal(topic, subject, contract, compatibility, err as Error);
      throw err;
    }
    const version = (await this.api.versionsOfId(id)).find((v) => v.subject === subject)?.version;
    this.o.log.info({ subject, id, version, compatibility }, `contract ${contract.name} of topic ${topic}: schema id ${id}, version ${version ?? '?'} of ${subject}`);
    return { topic, subject, id, version, compatibility };
  }

  /**
   * Registers the schema and, for a new subject, sets its compatibility. Two producers starting
   * together on a new subject (two enricher instances) both find it without a level and both set
   * it; the second gets 409 "A rule named 'COMPATIBILITY' already exists" although its schema was
   * registered. That is no refusal: asked again, the level is in place and the id comes back.
   */
  private async registerSchema(subject: string, schema: string, compatibility: COMPATIBILITY): Promise<number> {
    const attempt = async () => (await this.registry.register({ type: SchemaType.JSON, schema }, { subject, compatibility })).id;
    try {
      return await attempt();
    } catch (err) {
      if (!isConcurrentLevelSetting(err)) throw err;
      this.o.log.info({ subject }, `subject ${subject}: another producer set its compatibility at the same time; asking again`);
      return attempt();
    }
  }

  private async refusal(topic: string, subject: string, contract: TopicContract, compatibility: string, err: Error): Promise<IncompatibleContractError> {
    const latest = await this.api.version(subject, 'latest').catch(() => undefined);
    return new IncompatibleContractError(
      `${this.o.component}: refusing to start: the schema registry rejected contract ${contract.name} for topic ${topic} ` +
        `as not ${compatibility} compatible with ${latest ? `version ${latest.version} (id ${latest.id})` : 'the registered versions'} of subject ${subject} ` +
        `(${err.message.replace(/^[^-]*- /, '')}). Consumers of ${topic} would break on what this build writes. ` +
        `Fix: make the change compatible (add fields as optional; never remove, rename or retype one, nor add a required one), ` +
        'or write to a new topic; `npm run contracts` lists the registered versions.',
    );
  }
}
