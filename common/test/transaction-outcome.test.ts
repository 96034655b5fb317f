// Unit tests of the transaction log's reading: Kafka's partition of an id and a record's fields.
import { describe, expect, it } from 'vitest';
import { parseTransactionLogRecord, transactionLogPartition } from '../src/kafka/transaction-outcome.js';

/** A transaction log record as Kafka writes it (key version 0, value version 1, trailing fields cut short). */
function record(transactionalId: string, producerId: bigint, producerEpoch: number, state: number) {
  const id = Buffer.from(transactionalId, 'utf8');
  const key = Buffer.alloc(4 + id.length);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(id.length, 2);
  id.copy(key, 4);
  const value = Buffer.alloc(30);
  value.writeInt16BE(1, 0);
  value.writeBigInt64BE(producerId, 2);
  value.writeInt16BE(producerEpoch, 10);
  value.writeInt32BE(30000, 12);
  value.writeInt8(state, 16);
  return { key, value };
}

describe('transaction log', () => {
  it("places an id where Kafka does (Java's String.hashCode, non-negative, modulo the partitions)", () => {
    // seen on the test stack: enricher-orders-1's records are on __transaction_state-6 of 10
    expect(transactionLogPartition('enricher-orders-1', 10)).toBe(6);
    // "polygenelubricants".hashCode() is Integer.MIN_VALUE, which Kafka's Utils.abs makes 0
    expect(transactionLogPartition('polygenelubricants', 50)).toBe(0);
    expect(transactionLogPartition('a', 50)).toBe(97 % 50);
  });

  it('reads the id, producer and state of a record; nothing of a tombstone or a short record', () => {
    const { key, value } = record('enricher-orders-1', 7n, 34, 4);
    expect(parseTransactionLogRecord(key, value)).toEqual({ transactionalId: 'enricher-orders-1', producerId: 7n, producerEpoch: 34, state: 4 });
    expect(parseTransactionLogRecord(key, null)).toBeUndefined();
    expect(parseTransactionLogRecord(key, value.subarray(0, 16))).toBeUndefined();
    expect(parseTransactionLogRecord(Buffer.from([0, 0, 0, 9, 65]), value)).toBeUndefined();
  });
});
