import { setTimeout as sleep } from 'node:timers/promises';
import { stopComponent, up } from '../local-stack/src/index.js';
import type { Drill } from './harness.js';
import { pinotCounts } from './pinot-counts.js';

/**
 * The broker lost for a while under HTTP load (issue 13, drill 7c): orders-service must answer 503
 * at once while it is away (no send started that could land later), turn `/readyz` not-ready
 * within seconds and ready again on its return; an order answered 503 (the client abandons it)
 * must never reach Pinot, and every 202 must be there exactly once (the harness counts those).
 */

/** Longest a 503 may take to count as immediate. */
const IMMEDIATE_MS = 1000;
/** Longest after the broker stopped until `/readyz` says not-ready. */
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

const seconds = (ms: number | undefined) => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);

export function kafkaOutageDrill(outageMs = 30_000): Drill {
  let trace: ReadinessTrace | undefined;
  let stoppingAt = 0;
  let stoppedAt = 0;
  let backAt = 0;
  return {
    name: 'kafka-outage',
    fault: `stop the Kafka broker for ${outageMs / 1000} s while POSTs continue; a 503 is not retried`,
    on503: 'abandon',
    holdMs: outageMs,
    inject: async (ctx) => {
      trace = new ReadinessTrace(`${ctx.pipeline.ordersUrl}/readyz`);
      stoppingAt = Date.now();
      await stopComponent(ctx.stack, 'kafka', 'stop');
      stoppedAt = Date.now();
    },
    repair: async (ctx) => {
      await up(ctx.stack);
      backAt = Date.now();
    },
    verify: async (ctx, workload) => {
      const deadline = Date.now() + READY_WITHIN_MS;
      while (trace!.firstAfter(backAt, true) === undefined && Date.now() < deadline) await sleep(POLL_MS);
      await trace!.stop();
      const notReady = trace!.firstAfter(stoppingAt, false);
      const notReadyAfter = notReady === undefined ? undefined : Math.max(0, notReady - stoppedAt);
      const readyAgain = trace!.firstAfter(backAt, true);
      const readyAfter = readyAgain === undefined ? undefined : readyAgain - backAt;
      const refused = workload.refused;
      const slowest = Math.max(0, ...refused.map((r) => r.ms));
      const inPinot = await pinotCounts(ctx.pinot, refused.map((r) => r.order));
      const ok =
        refused.length > 0 &&
        slowest < IMMEDIATE_MS &&
        notReadyAfter !== undefined &&
        notReadyAfter <= NOT_READY_WITHIN_MS &&
        readyAfter !== undefined &&
        inPinot.orders === 0 &&
        inPinot.items === 0;
      return {
        ok,
        note:
          `${refused.length} answered 503 (slowest ${Math.round(slowest)} ms), ${inPinot.orders} of them in Pinot orders, ${inPinot.items} items; ` +
          `/readyz not-ready ${seconds(notReadyAfter)} after the broker stopped, ready ${seconds(readyAfter)} after it was back`,
      };
    },
  };
}
