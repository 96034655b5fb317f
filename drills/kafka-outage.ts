// The Kafka outage drill: the broker lost under HTTP load; 503s at once, readiness follows, no loss.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopComponent, up } from '@pizzashop/local-stack';
import type { Drill } from './harness.js';
import { pinotCounts } from './pinot-counts.js';

/**
 * The broker lost for a while under HTTP load (issue 13, drill 7c): orders-service must answer 503
 * at once while it is away (no send started that could land later), turn `/readyz` not-ready
 * within seconds and ready again on its return; an order answered 503 (the client abandons it)
 * must never reach Pinot, and every 202 must be there exactly once (the harness counts those).
 */

/**
 * Longest orders-service may take to answer 503 (its own histogram bucket, so client-side delays
 * on a busy machine do not count): an order queued when the broker goes away waits at most
 * ORDERS_PRODUCE_STALL_MS (2 s) before it is withdrawn; later ones are refused at once.
 */
const IMMEDIATE_S = 2.5;
/** Longest after the broker began to stop until `/readyz` says not-ready. */
const NOT_READY_WITHIN_MS = 10_000;
const READY_WITHIN_MS = 30_000;
const POLL_MS = 200;

/** `/readyz` of orders-service polled in the background: when it answered ready or not. */
class ReadinessTrace {
  private readonly samples: { at: number; ready: boolean }[] = [];
  private running = true;
  private readonly done: Promise<void>;

  constructor(url: string) {
    this.done = (async () => {
      while (this.running) {
        const ready = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
          (r) => r.status === 200,
          () => false,
        );
        this.samples.push({ at: Date.now(), ready });
        await sleep(POLL_MS);
      }
    })();
  }

  /** First time at or after `since` that /readyz answered `ready`. */
  firstAfter(since: number, ready: boolean): number | undefined {
    return this.samples.find((s) => s.at >= since && s.ready === ready)?.at;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

/** Resolves with the time the port first accepts a TCP connection. */
async function whenListening(port: number): Promise<number> {
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return Date.now();
    await sleep(100);
  }
}

/** 503 answers orders-service counted (its `orders_http_order_seconds` histogram): in total and within `withinS`. */
async function server503s(ordersUrl: string, withinS: number): Promise<{ total: number; within: number }> {
  const text = await (await fetch(`${ordersUrl}/metrics`)).text();
  const bucket = (le: string) => {
    const line = text.split('\n').find((l) => l.startsWith('orders_http_order_seconds_bucket{') && l.includes(`le="${le}"`) && l.includes('status="503"'));
    return Number(line?.split(' ').at(-1) ?? 0);
  };
  return { total: bucket('+Inf'), within: bucket(String(withinS)) };
}

const seconds = (ms: number | undefined) => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);

export function kafkaOutageDrill(outageMs = 30_000): Drill {
  let trace: ReadinessTrace | undefined;
  let stoppingAt = 0;
  let before = { total: 0, within: 0 };
  let stoppedAt = 0;
  let backAt = 0;
  return {
    name: 'kafka-outage',
    fault: `stop the Kafka broker for ${outageMs / 1000} s while POSTs continue; a 503 is not retried`,
    on503: 'abandon',
    holdMs: outageMs,
    inject: async (ctx) => {
      trace = new ReadinessTrace(`${ctx.pipeline.ordersUrl}/readyz`);
      before = await server503s(ctx.pipeline.ordersUrl, IMMEDIATE_S);
      stoppingAt = Date.now();
      await stopComponent(ctx.stack, 'kafka', 'stop');
      stoppedAt = Date.now();
    },
    repair: async (ctx) => {
      const listening = whenListening(ctx.stack.cfg.KAFKA_PORT);
      await up(ctx.stack);
      backAt = await listening;
    },
    verify: async (ctx, workload) => {
      const deadline = Date.now() + READY_WITHIN_MS;
      while (trace!.firstAfter(backAt, true) === undefined && Date.now() < deadline) await sleep(POLL_MS);
      await trace!.stop();
      const notReady = trace!.firstAfter(stoppingAt, false);
      const notReadyAfter = notReady === undefined ? undefined : notReady - stoppingAt;
      const readyAgain = trace!.firstAfter(backAt, true);
      const readyAfter = readyAgain === undefined ? undefined : readyAgain - backAt;
      const refused = workload.refused;
      const latencies = refused.map((r) => r.ms).sort((a, b) => a - b);
      const p99 = latencies[Math.floor(latencies.length * 0.99)] ?? 0;
      const slowest = latencies.at(-1) ?? 0;
      const after = await server503s(ctx.pipeline.ordersUrl, IMMEDIATE_S);
      const served = { total: after.total - before.total, within: after.within - before.within };
      const inPinot = await pinotCounts(ctx.pinot, refused.map((r) => r.order));
      const ok =
        refused.length > 0 &&
        served.within === served.total &&
        notReadyAfter !== undefined &&
        notReadyAfter <= NOT_READY_WITHIN_MS &&
        readyAfter !== undefined &&
        inPinot.orders === 0 &&
        inPinot.items === 0;
      return {
        ok,
        note:
          `${refused.length} answered 503 (${served.within}/${served.total} within ${IMMEDIATE_S} s in orders-service; at the client p99 ${p99} ms, slowest ${slowest} ms), ` +
          `${inPinot.orders} of them in Pinot orders, ${inPinot.items} items; ` +
          `/readyz not-ready ${seconds(notReadyAfter)} after the broker began to stop (its shutdown took ${seconds(stoppedAt - stoppingAt)}), ` +
          `ready ${seconds(readyAfter)} after it listened again`,
      };
    },
  };
}
