// Unit test of createKafkaClient's logging: kafkajs errors to the service logger, routine retries at debug.
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createKafkaClient } from '../src/index.js';

/** A logger whose records are collected (pino writes JSON lines to the destination). */
function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'debug', base: { component: 'test' } }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { log, lines };
}

describe('createKafkaClient logging', () => {
  it('routes kafkajs errors to the service logger, but the routine CONCURRENT_TRANSACTIONS retry at debug', () => {
    const { log, lines } = capturingLogger();
    const kafka = createKafkaClient({ brokers: ['localhost:1'], clientId: 't', log });
    kafka.logger().error('Failed to send messages: The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing', {});
    kafka.logger().error('Response AddPartitionsToTxn(key: 24, version: 1)', {
      error: 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
    });
    kafka.logger().error('Connection error: connect ECONNREFUSED', {});
    expect(lines.map((l) => [l.level, l.msg.slice(0, 30)])).toEqual([
      [20, 'Failed to send messages: The p'],
      [20, 'Response AddPartitionsToTxn(ke'],
      [50, 'Connection error: connect ECON'],
    ]);
  });
});
