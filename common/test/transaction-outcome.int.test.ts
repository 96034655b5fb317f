// lastTransactionOutcome on the test stack's Kafka: it reads how the coordinator ended an id's last
// transaction from the real transaction log.
import { createLogger, lastTransactionOutcome, openTransactionalProducer, withAdmin } from '@pizzashop/common';
import { testKafka, uniqueTopic } from '@pizzashop/testkit';
import { describe, expect, it } from 'vitest';

const kafka = testKafka((process.env.KAFKA_BROKERS ?? '').split(','));
const log = createLogger('int-test', 'warn');

/** The outcome once the coordinator wrote it (it does after the markers, a moment after commit() returned). */
async function outcomeOf(transactionalId: string, outcome: 'committed' | 'aborted') {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = await lastTransactionOutcome(kafka, transactionalId, log);
    if (found?.outcome === outcome || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('lastTransactionOutcome (test stack Kafka)', () => {
  it('tells a committed from an aborted last transaction, and nothing for an id that never ended one', async () => {
    const topic = uniqueTopic('tx-outcome');
    await withAdmin(kafka, (admin) => admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] }));
    const transactionalId = `tx-outcome-${topic}`;
    expect(await lastTransactionOutcome(kafka, transactionalId, log), 'no transaction yet').toBeUndefined();

    const producer = await openTransactionalProducer(kafka, transactionalId);
    try {
      const committed = await producer.transaction();
      await committed.send({ topic, acks: -1, messages: [{ key: 'a', value: 'a' }] });
      await committed.commit();
      const afterCommit = await outcomeOf(transactionalId, 'committed');
      expect(afterCommit?.outcome).toBe('committed');

      const aborted = await producer.transaction();
      await aborted.send({ topic, acks: -1, messages: [{ key: 'b', value: 'b' }] });
      await aborted.abort();
      const afterAbort = await outcomeOf(transactionalId, 'aborted');
      expect(afterAbort?.outcome).toBe('aborted');
      expect(afterAbort?.producerEpoch, 'the same producer session').toBe(afterCommit?.producerEpoch);
    } finally {
      await producer.disconnect();
    }
  });
});
