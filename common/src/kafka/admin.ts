// One Kafka admin session: connect, run, always disconnect. Every short admin job goes through it.
import type { Admin, Kafka } from 'kafkajs';

/** Connects an admin client of `kafka`, runs `fn` with it and disconnects it, whether `fn` succeeded or not. */
export async function withAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}
