/**
 * Load test of the stream's fan-out: N SSE subscribers spread round-robin over every allowed
 * channel (window x limit x minutes presets), and the Pinot queries the API made meanwhile, read
 * from its /metrics (`pinot_query_duration_seconds_count`, every query the API sent). Used by the
 * integration test on the real stack and by the API bench.
 */
import { request, type ClientRequest } from 'node:http';
import { STREAM_LIMITS, STREAM_MINUTES, WINDOWS } from '@pizzashop/common/api-contracts';
import { apiPinotQueryCount } from '@pizzashop/testkit/bench';

const SNAPSHOT = 'event: snapshot';

export interface FanOutResult {
  subscribers: number;
  channels: number;
  seconds: number;
  streamIntervalMs: number;
  ticks: number;
  /** Fewest and most snapshots one subscriber got in the measured interval (one per tick when the stack keeps up). */
  snapshotsPerSubscriber: { min: number; max: number };
  snapshotsReceived: number;
  refused: number;
  pinotQueries: number;
  pinotQueriesPerTick: number;
  pinotQueriesPerChannelPerTick: number;
}

export function allChannels(): string[] {
  return Object.keys(WINDOWS).flatMap((window) => STREAM_LIMITS.flatMap((limit) => STREAM_MINUTES.map((minutes) => `window=${window}&limit=${limit}&minutes=${minutes}`)));
}

/**
 * Opens `subscribers` streams on `baseUrl`, waits until each has its first snapshot, then counts
 * snapshots and Pinot queries for `seconds`; closes every stream before returning.
 */
export async function measureStreamFanOut(baseUrl: string, subscribers: number, seconds: number, streamIntervalMs: number): Promise<FanOutResult> {
  const channels = allChannels();
  const url = new URL(baseUrl);
  const requests: ClientRequest[] = [];
  const received = new Array<number>(subscribers).fill(0);
  let refused = 0;
  let counting = false;
  const firstSnapshot = Array.from({ length: subscribers }, (_, i) => {
    return new Promise<void>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: `/orders/stream?${channels[i % channels.length]}`, agent: false, headers: { accept: 'text/event-stream' } },
        (res) => {
          if (res.statusCode !== 200) {
            refused++;
            res.resume();
            resolve();
            return;
          }
          res.setEncoding('utf8');
          let first = true;
          let carry = '';
          res.on('data', (chunk: string) => {
            const text = carry + chunk;
            const events = text.split(SNAPSHOT).length - 1;
            carry = text.slice(Math.max(text.lastIndexOf(SNAPSHOT) + SNAPSHOT.length, text.length - SNAPSHOT.length + 1));
            if (events === 0) return;
            if (counting) received[i] = (received[i] ?? 0) + events;
            if (first) {
              first = false;
              resolve();
            }
          });
          res.on('error', () => undefined);
        },
      );
      req.on('error', reject);
      req.end();
      requests.push(req);
    });
  });
  try {
    await Promise.all(firstSnapshot);
    const before = await apiPinotQueryCount(baseUrl);
    counting = true;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    counting = false;
    const pinotQueries = (await apiPinotQueryCount(baseUrl)) - before;
    const ticks = Math.round((seconds * 1000) / streamIntervalMs);
    const perTick = pinotQueries / ticks;
    return {
      subscribers,
      channels: channels.length,
      seconds,
      streamIntervalMs,
      ticks,
      snapshotsPerSubscriber: { min: Math.min(...received), max: Math.max(...received) },
      snapshotsReceived: received.reduce((a, b) => a + b, 0),
      refused,
      pinotQueries,
      pinotQueriesPerTick: Math.round(perTick * 10) / 10,
      pinotQueriesPerChannelPerTick: Math.round((perTick / channels.length) * 100) / 100,
    };
  } finally {
    for (const req of requests) req.destroy();
  }
}
