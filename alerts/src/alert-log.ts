// The alerts topic as the service's memory: the latest record per alert id, read back at start
// (open alerts stay open under the same id, webhook deliveries already made are not made again).
import { alertSchema, TopicFollower, type Alert, type Logger } from '@pizzashop/common';
import type { Kafka } from 'kafkajs';

/** The latest state of every alert on `topic` (read committed, up to its end at the time of the call). */
export async function readAlerts(kafka: Kafka, topic: string, log: Logger): Promise<Alert[]> {
  const latest = new Map<string, Alert>();
  let unreadable = 0;
  const follower = new TopicFollower(kafka, {
    topic,
    groupPrefix: 'alerts-readback',
    log,
    apply: (records) => {
      for (const r of records) {
        if (r.value === null) continue;
        try {
          const parsed = alertSchema.safeParse(JSON.parse(r.value.toString('utf8')));
          if (parsed.success) latest.set(parsed.data.id, parsed.data);
          else unreadable++;
        } catch {
          unreadable++;
        }
      }
    },
  });
  await follower.start();
  try {
    await follower.caughtUp();
  } finally {
    await follower.stop();
  }
  if (unreadable > 0) log.warn({ topic, unreadable }, 'alerts topic holds records that are not alerts; ignored');
  return [...latest.values()];
}
