// What the users of a cluster see while one member is down: the API instances asked in turn every
// PROBE_INTERVAL_MS (a client that tries the next instance on an error), and Pinot asked for a fixed
// sample of orders, whose count must never drop once complete (a lost server without a replica would).
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, sqlList, type PinotClient } from '@pizzashop/common';
import { startService, waitForHttpOk, type ServiceProcess } from '@pizzashop/testkit';
import type { PlacedOrder } from './workload.js';

const PROBE_INTERVAL_MS = 250;
/** Orders in the completeness sample: the first ones the workload got acknowledged. */
const SAMPLE = 200;

export interface ProbeFigures {
  /** API requests, and those answered with an error or not at all (each tried on the next instance). */
  apiRequests: number;
  apiErrors: number;
  /** Longest time no API instance answered 200 (ms). */
  apiLongestGapMs: number;
  /** Sample queries once the sample was complete, and those that failed or found fewer orders. */
  sampleQueries: number;
  sampleIncomplete: number;
}

/** API instances `a`, `b`, ... on consecutive member ports, run for the length of the drill set. */
export class ApiInstances {
  private readonly running: ServiceProcess[] = [];

  constructor(
    private readonly env: Record<string, string>,
    readonly urls: string[],
  ) {}

  async start(): Promise<void> {
    if (this.running.length > 0) return;
    for (const url of this.urls) {
      const service = startService('pizzashop-api/src/main.ts', { ...this.env, API_HTTP_PORT: new URL(url).port, API_HTTP_HOST: '127.0.0.1', QUERY_CACHE_TTL_MS: '0', LOG_LEVEL: 'warn' });
      this.running.push(service);
      await waitForHttpOk(`${url}/docs`, 150_000, service);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.running.splice(0).map((s) => s.stop('SIGTERM')));
  }
}

/** Probes the API and Pinot until `stop`; `acknowledged` is the workload's growing list. */
export class ApiProbe {
  private readonly figures: ProbeFigures = { apiRequests: 0, apiErrors: 0, apiLongestGapMs: 0, sampleQueries: 0, sampleIncomplete: 0 };
  private stopped = false;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly apiUrls: string[],
    private readonly pinot: PinotClient,
    private readonly acknowledged: readonly PlacedOrder[],
  ) {
    this.loops = [this.probeApi(), this.probeSample()];
  }

  async stop(): Promise<ProbeFigures> {
    this.stopped = true;
    await Promise.all(this.loops);
    return this.figures;
  }

  private async probeApi(): Promise<void> {
    let lastOk = Date.now();
    for (let turn = 0; !this.stopped; turn++) {
      let ok = false;
      for (let i = 0; i < this.apiUrls.length && !ok; i++) {
        const url = this.apiUrls[(turn + i) % this.apiUrls.length];
        this.figures.apiRequests++;
        ok = await fetch(`${url}/orders/overview`, { signal: AbortSignal.timeout(5000) }).then(
          async (res) => (await res.arrayBuffer(), res.ok),
          () => false,
        );
        if (!ok) this.figures.apiErrors++;
      }
      if (ok) {
        this.figures.apiLongestGapMs = Math.max(this.figures.apiLongestGapMs, Date.now() - lastOk);
        lastOk = Date.now();
      }
      await sleep(PROBE_INTERVAL_MS);
    }
    this.figures.apiLongestGapMs = Math.max(this.figures.apiLongestGapMs, Date.now() - lastOk);
  }

  private async probeSample(): Promise<void> {
    while (!this.stopped && this.acknowledged.length < SAMPLE) await sleep(PROBE_INTERVAL_MS);
    const ids = sqlList(this.acknowledged.slice(0, SAMPLE).map((o) => o.id));
    const count = () =>
      this.pinot.query(sql`SELECT COUNT(DISTINCT id) FROM orders WHERE id IN ${ids}`, { name: 'drill-sample', timeoutMs: 5000 }).then(
        (r) => Number(r.rows[0]?.[0]),
        () => -1,
      );
    let complete = false;
    while (!this.stopped) {
      const n = await count();
      if (complete) {
        this.figures.sampleQueries++;
        if (n !== SAMPLE) this.figures.sampleIncomplete++;
      } else complete = n === SAMPLE;
      await sleep(PROBE_INTERVAL_MS * 2);
    }
  }
}

/** The probe's figures as a drill note. */
export const probeNote = (f: ProbeFigures): string =>
  `API: ${f.apiErrors} errors in ${f.apiRequests} requests, longest gap ${(f.apiLongestGapMs / 1000).toFixed(1)} s; ` +
  `Pinot sample of ${SAMPLE} orders: ${f.sampleIncomplete} incomplete of ${f.sampleQueries} answers`;
