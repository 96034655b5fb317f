/**
 * The lifecycle bench's accounting: a few of its orders (probes) are followed through
 * `GET /orders/{id}` of each API it runs, and every status change in the answer's history is
 * measured once per API, from the change's `ts` (the time the delivery-service's plan gives it, so a
 * late publishing cycle counts) to the answer time of the first read that shows it.
 */
import { ORDER_STATUSES } from '@pizzashop/common';
import { summariseLatencies, type LatencySummary } from '@pizzashop/testkit/bench';

/** What the bench reads in a `GET /orders/{id}` answer. */
export interface HistoryEntry {
  status: string;
  at: string;
}

interface Probe {
  /** Wall-clock time the order's produce batch was sent (it cannot be consumed earlier). */
  sentAt: number;
  /** Per API: the first-sight latency of each status seen so far. */
  seen: Map<string, Map<string, number>>;
  /** PLACED_ORDER ts minus the order's send time: how long the delivery-service took to take the order in. */
  intakeMs?: number;
  duplicates: number;
}

export interface ProbeAccount {
  probes: number;
  /** Status changes expected per API: every probe through all its statuses. */
  expectedChanges: number;
  /** Per API: status change -> visible, over every change of every probe (missing ones ranked last). */
  visible: Record<string, LatencySummary>;
  /** Per API: probes whose history never reached DELIVERED within the wait. */
  unfinished: Record<string, number>;
  intakeMs: LatencySummary;
  /** Status rows of a probe seen more than once in one history (exactly-once broken). */
  duplicates: number;
}

export class ProbeLedger {
  private readonly probes = new Map<string, Probe>();

  constructor(private readonly apis: readonly string[]) {}

  add(id: string, sentAt: number): void {
    this.probes.set(id, { sentAt, seen: new Map(this.apis.map((api) => [api, new Map()])), duplicates: 0 });
  }

  /** Probes whose history on `api` has not reached DELIVERED yet. */
  pending(api: string): string[] {
    return [...this.probes].filter(([, p]) => !p.seen.get(api)?.has('DELIVERED')).map(([id]) => id);
  }

  allDone(): boolean {
    return this.apis.every((api) => this.pending(api).length === 0);
  }

  /** Records what one answer of `api`, received at wall-clock `answeredAt`, shows of probe `id`. */
  observe(api: string, id: string, answeredAt: number, history: readonly HistoryEntry[]): void {
    const probe = this.probes.get(id);
    const seen = probe?.seen.get(api);
    if (!probe || !seen) throw new Error(`lifecycle bench: ${id} is not a probe or ${api} not one of its APIs`);
    const counts = new Map<string, number>();
    for (const { status, at } of history) {
      if (!(ORDER_STATUSES as readonly string[]).includes(status)) throw new Error(`lifecycle bench: order ${id} has unknown status ${JSON.stringify(status)} in its history`);
      counts.set(status, (counts.get(status) ?? 0) + 1);
      const ts = Date.parse(at);
      if (!Number.isFinite(ts)) throw new Error(`lifecycle bench: order ${id} status ${status} has no valid time (${JSON.stringify(at)})`);
      if (!seen.has(status)) seen.set(status, answeredAt - ts);
      if (status === 'PLACED_ORDER' && probe.intakeMs === undefined) probe.intakeMs = ts - probe.sentAt;
    }
    probe.duplicates = Math.max(probe.duplicates, [...counts.values()].reduce((sum, n) => sum + n - 1, 0));
  }

  account(): ProbeAccount {
    const all = [...this.probes.values()];
    const expectedChanges = all.length * ORDER_STATUSES.length;
    const visible: Record<string, LatencySummary> = {};
    const unfinished: Record<string, number> = {};
    for (const api of this.apis) {
      const latencies = all.flatMap((p) => [...(p.seen.get(api)?.values() ?? [])]);
      visible[api] = summariseLatencies(latencies, `status change -> GET /orders/{id} (${api})`, expectedChanges - latencies.length);
      unfinished[api] = this.pending(api).length;
    }
    const intake = all.map((p) => p.intakeMs).filter((ms): ms is number => ms !== undefined);
    return {
      probes: all.length,
      expectedChanges,
      visible,
      unfinished,
      intakeMs: summariseLatencies(intake, 'order sent -> PLACED_ORDER', all.length - intake.length),
      duplicates: all.reduce((sum, p) => sum + p.duplicates, 0),
    };
  }
}
