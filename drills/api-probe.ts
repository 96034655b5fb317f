// What the users of a cluster see while one member is down: the API instances asked in turn every
// PROBE_INTERVAL_MS (a client that tries the next instance on an error), and Pinot asked for a fixed
// sample of orders, whose count must never drop once complete (a lost server without a replica would).
import { Worker } from 'node:worker_threads';
import { startService, waitForHttpOk, type ServiceProcess } from '@pizzashop/testkit';
import { apiFigures, sampleFigures, type ApiFigures, type SampleFigures } from './probe-figures.js';
import type { ProbeCommand, ProbeRecords, ProbeWorkerData } from './probe-worker.js';
import type { PlacedOrder } from './workload.js';

const PROBE_INTERVAL_MS = 250;
/** Longest wait for one API request or sample query before it counts as failed. */
const PROBE_TIMEOUT_MS = 5000;
/** Orders in the completeness sample: the first ones the workload got acknowledged. */
const SAMPLE = 200;

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

/**
 * Probes the API and Pinot from a worker thread (probe-worker.ts) until `stop`; `acknowledged` is the
 * workload's growing list, whose first SAMPLE orders become the Pinot sample.
 */
export class ApiProbe {
  private readonly worker: Worker;
  private readonly records: Promise<ProbeRecords>;
  private readonly sampling: ReturnType<typeof setInterval>;
  private faultAt: number | undefined;

  constructor(apiUrls: string[], brokerUrls: readonly string[], acknowledged: readonly PlacedOrder[]) {
    const workerData: ProbeWorkerData = { apiUrls, brokerUrls: [...brokerUrls], intervalMs: PROBE_INTERVAL_MS, timeoutMs: PROBE_TIMEOUT_MS };
    this.worker = new Worker(tsWorkerSource(new URL('./probe-worker.ts', import.meta.url)), { eval: true, workerData });
    this.records = new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`drill probe worker exited with ${code} before reporting`)));
    });
    this.sampling = setInterval(() => {
      if (acknowledged.length < SAMPLE) return;
      clearInterval(this.sampling);
      this.worker.postMessage({ type: 'sample', ids: acknowledged.slice(0, SAMPLE).map((o) => o.id) } satisfies ProbeCommand);
    }, PROBE_INTERVAL_MS);
  }

  /** Marks when the fault was injected, so the note can place the longest gap. */
  fault(at: number): void {
    this.faultAt = at;
  }

  async stop(): Promise<ProbeFigures> {
    clearInterval(this.sampling);
    this.worker.postMessage({ type: 'stop' } satisfies ProbeCommand);
    try {
      const r = await this.records;
      return { api: apiFigures(r.turns, r.stoppedAt), sample: sampleFigures(r.answers, r.sampleSize), faultAt: this.faultAt };
    } finally {
      await this.worker.terminate();
    }
  }
}

/** Worker source that loads a TypeScript module through tsx (a worker does not inherit tsx's loader). */
function tsWorkerSource(module: URL): string {
  return `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(module.href)}, ${JSON.stringify(import.meta.url)}))`;
}

export interface ProbeFigures {
  api: ApiFigures;
  sample: SampleFigures;
  /** When the fault was injected (epoch ms), if it was. */
  faultAt: number | undefined;
}

/** The probe passes with no API gap over `gapLimitMs` and every sample answer complete. */
export const probePassed = (f: ProbeFigures, gapLimitMs: number): boolean =>
  f.api.longestGapMs <= gapLimitMs && f.sample.incomplete === 0 && f.sample.errors === 0;

const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The probe's figures as a drill note. */
export function probeNote(f: ProbeFigures): string {
  const { api, sample } = f;
  const when = f.faultAt === undefined ? '' : `, from ${s1(api.longestGapAt - f.faultAt)} after the fault`;
  return (
    `API: ${api.errors} errors in ${api.requests} requests (${api.turns} turns), longest gap ${s1(api.longestGapMs)}${when} ` +
    `(prober late by up to ${s1(api.gapLatenessMs)} within it; at most ${s1(api.maxLatenessMs)} overall; longest time between 200s ${s1(api.longestSilenceMs)}); ` +
    `Pinot sample of ${SAMPLE} orders: ${sample.incomplete} incomplete and ${sample.errors} failed of ${sample.queries} answers` +
    (sample.partialServers > 0 ? `, ${sample.partialServers} with servers not responding` : '') +
    (sample.firstError ? ` (first failure: ${sample.firstError.slice(0, 200)})` : '')
  );
}
