// The cluster drills' prober, run in a worker thread so the drill's own work (workload, Pinot counts,
// restarts) cannot starve it: asks the API instances and a Pinot sample on time and records when.
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { PinotClient, sql, sqlList } from '@pizzashop/common';
import type { ProbeTurn, SampleAnswer } from './probe-figures.js';

/** What the drill process gives the worker when it starts it. */
export interface ProbeWorkerData {
  apiUrls: string[];
  brokerUrls: string[];
  intervalMs: number;
  /** Longest wait for one API request or sample query. */
  timeoutMs: number;
}

/** Drill process -> worker: the sample's order ids once acknowledged, then stop. */
export type ProbeCommand = { type: 'sample'; ids: string[] } | { type: 'stop' };

/** Worker -> drill process, once stopped: every record. */
export interface ProbeRecords {
  turns: ProbeTurn[];
  /** Sample answers once the sample was first complete. */
  answers: SampleAnswer[];
  sampleSize: number;
  stoppedAt: number;
}

const data = workerData as ProbeWorkerData;
const port = parentPort;
if (!port) throw new Error('probe-worker: must run as a worker thread');

let stopped = false;
let sampleIds: string[] | undefined;
const turns: ProbeTurn[] = [];
const answers: SampleAnswer[] = [];

async function askApi(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/orders/overview`, { signal: AbortSignal.timeout(data.timeoutMs) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** One turn every interval: the instances in turn (starting with the next one each time) until one answers 200. */
async function probeApi(): Promise<void> {
  let dueAt = Date.now();
  for (let turn = 0; !stopped; turn++) {
    const t: ProbeTurn = { dueAt, sentAt: Date.now(), endedAt: 0, requests: 0, errors: 0, ok: false };
    for (let i = 0; i < data.apiUrls.length && !t.ok; i++) {
      t.requests++;
      t.ok = await askApi(data.apiUrls[(turn + i) % data.apiUrls.length] as string);
      if (!t.ok) t.errors++;
    }
    t.endedAt = Date.now();
    turns.push(t);
    dueAt = t.endedAt + data.intervalMs;
    await sleep(data.intervalMs);
  }
}

/** The sample counted every two intervals; answers are recorded from its first complete count on. */
async function probeSample(): Promise<void> {
  const pinot = new PinotClient({ brokerUrls: data.brokerUrls, timeoutMs: data.timeoutMs });
  try {
    while (!stopped && sampleIds === undefined) await sleep(data.intervalMs);
    if (sampleIds === undefined) return;
    const size = sampleIds.length;
    const query = sql`SELECT COUNT(DISTINCT id) FROM orders WHERE id IN ${sqlList(sampleIds)}`;
    let complete = false;
    while (!stopped) {
      const at = Date.now();
      const answer: SampleAnswer = await pinot.query(query, { name: 'drill-sample' }).then(
        (r) => ({ at, count: Number(r.rows[0]?.[0]), serversQueried: r.numServersQueried, serversResponded: r.numServersResponded }),
        (err: unknown) => ({ at, count: null, error: err instanceof Error ? err.message : String(err) }),
      );
      if (complete) answers.push(answer);
      else complete = answer.count === size;
      await sleep(data.intervalMs * 2);
    }
  } finally {
    await pinot.close();
  }
}

const loops = Promise.all([probeApi(), probeSample()]);
port.on('message', (command: ProbeCommand) => {
  if (command.type === 'sample') sampleIds = command.ids;
  else {
    stopped = true;
    const stoppedAt = Date.now();
    void loops.then(() => {
      const records: ProbeRecords = { turns, answers, sampleSize: sampleIds?.length ?? 0, stoppedAt };
      port.postMessage(records);
    });
  }
});
