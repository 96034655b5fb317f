// The shared kafkajs client factory: brokers from config, kafkajs logs routed to the service logger.
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from '../logger.js';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  log: Logger;
  /** Overrides for tests and tools (e.g. fewer retries against a closed port). */
  overrides?: Partial<Omit<KafkaConfig, 'brokers' | 'clientId' | 'logCreator'>>;
}

const levelNames = {
  [logLevel.NOTHING]: 'silent',
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
} as const satisfies Record<number, string>;

/**
 * kafkajs errors that are a normal moment of a healthy client and that it retries by itself: right
 * after a commit the coordinator answers the next transaction's first request with
 * CONCURRENT_TRANSACTIONS until its markers are written. Logged at debug, not error.
 */
const ROUTINE_RETRIES = /another concurrent operation on the same transaction was ongoing/;

/** kafkajs logs routed to the service's pino logger, tagged with kafkajs' namespace. */
function pinoLogCreator(log: Logger) {
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      const { message, timestamp: _timestamp, ...extra } = entry;
      // The text is in the message ("Failed to send messages: ...") or, for a broker's error answer,
      // in `error` beside the message "Response AddPartitionsToTxn(...)".
      const routine = level === logLevel.ERROR && ROUTINE_RETRIES.test(`${message} ${String(extra.error ?? '')}`);
      const name = routine ? 'debug' : levelNames[level];
      if (name !== 'silent') log[name]({ kafkajs: namespace, ...extra }, message);
    };
}

/**
 * Retries of every kafkajs request: the pause grows from 300 ms to at most 2 s (kafkajs' default
 * grows to 30 s, so a call made during a broker outage could go through up to 30 s after the broker
 * was back), and 30 of them keep about the minute kafkajs waited before (8 retries up to 30 s).
 */
const CLIENT_RETRY = { initialRetryTime: 300, maxRetryTime: 2000, retries: 30 };

/** The one kafkajs client factory every service uses. */
export function createKafkaClient({ brokers, clientId, log, overrides }: KafkaClientOptions): Kafka {
  const kafkaLog = log.child({ component: `${log.bindings().component ?? clientId}/kafka` });
  return new Kafka({
    brokers,
    clientId,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: CLIENT_RETRY,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(kafkaLog),
    ...overrides,
  });
}
