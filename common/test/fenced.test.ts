// Unit tests of isFencedProducerError, including errors wrapped by kafkajs's retrier.
import { createRequire } from 'node:module';
import { KafkaJSConnectionError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isFencedProducerError } from '../src/kafka/fenced.js';

// kafkajs's own modules (untyped): the error it builds from a broker's error code, and its retrier.
const require = createRequire(import.meta.url);
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as { createErrorFromCode: (code: number) => Error };
const createRetry = require('kafkajs/src/retry/index.js') as (o: { retries: number; initialRetryTime: number }) => (fn: () => Promise<never>) => Promise<never>;

/** What kafkajs's retrier rejects with after `fn` failed with `err` (wrapped, the protocol error as its cause). */
const afterRetries = (err: Error, retries: number) => createRetry({ retries, initialRetryTime: 1 })(() => Promise.reject(err)).catch((e: unknown) => e);

const INVALID_PRODUCER_EPOCH = 47;
const TRANSACTIONAL_ID_AUTHORIZATION_FAILED = 53;
const PRODUCER_FENCED = 90;
const CONCURRENT_TRANSACTIONS = 51;
const UNKNOWN_PRODUCER_ID = 59;

describe('isFencedProducerError', () => {
  it('is true for the protocol errors that end a producer epoch', () => {
    for (const code of [INVALID_PRODUCER_EPOCH, TRANSACTIONAL_ID_AUTHORIZATION_FAILED, PRODUCER_FENCED]) expect(isFencedProducerError(createErrorFromCode(code)), String(code)).toBe(true);
  });

  it("looks through the errors kafkajs's retrier wraps them in", async () => {
    const wrapped = await afterRetries(createErrorFromCode(INVALID_PRODUCER_EPOCH), 2);
    expect(wrapped).toMatchObject({ name: 'KafkaJSNonRetriableError' });
    expect(wrapped).not.toHaveProperty('type');
    expect(isFencedProducerError(wrapped)).toBe(true);
    const exhausted = await afterRetries(createErrorFromCode(CONCURRENT_TRANSACTIONS), 1);
    expect(exhausted).toMatchObject({ name: 'KafkaJSNumberOfRetriesExceeded' });
    expect(isFencedProducerError(exhausted)).toBe(false);
  });

  it('is false for other Kafka failures and for errors that only look alike', () => {
    expect(isFencedProducerError(createErrorFromCode(CONCURRENT_TRANSACTIONS))).toBe(false);
    expect(isFencedProducerError(createErrorFromCode(UNKNOWN_PRODUCER_ID))).toBe(false);
    expect(isFencedProducerError(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))).toBe(false);
    expect(isFencedProducerError(Object.assign(new Error('INVALID_PRODUCER_EPOCH'), { type: 'INVALID_PRODUCER_EPOCH' }))).toBe(false);
    expect(isFencedProducerError(undefined)).toBe(false);
  });
});
