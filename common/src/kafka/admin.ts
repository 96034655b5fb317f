// One Kafka admin session: connect, run, always disconnect. Every short admin job goes through it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, AdminConfig, Kafka } from 'kafkajs';
import { isRetriable } from '../errors.js';

/** Connects an admin client of `kafka`, runs `fn` with it and disconnects it, whether `fn` succeeded or not. */
export async function withAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>, config: AdminConfig = {}): Promise<T> {
  const admin = kafka.admin(config);
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Attempts of `topicOffsets`, and the pause before the second (doubling, at most 2 s). */
const OFFSET_ATTEMPTS = 8;
const OFFSET_RETRY_MS = 250;

/**
 * The low and high offsets of every partition of `topic`: "high" is the last stable offset (the
 * first offset of a transaction still open, read_committed), or with `readUncommitted` the high
 * watermark. kafkajs' admin asks the leaders its metadata names and fails with "not the leader"
 * right after a leader moved (a broker died or came back); a retriable error is asked again by a
 * new admin session, which reads fresh metadata.
 */
export async function topicOffsets(kafka: Kafka, topic: string, { readUncommitted = false } = {}): Promise<Awaited<ReturnType<Admin['fetchTopicOffsets']>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withAdmin(kafka, (admin) => admin.fetchTopicOffsets(topic), { readUncommitted });
    } catch (err) {
      if (attempt >= OFFSET_ATTEMPTS || !isRetriable(err)) throw err;
      await sleep(Math.min(2000, OFFSET_RETRY_MS * 2 ** (attempt - 1)));
    }
  }
}
