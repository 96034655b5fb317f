// The alerts loop: each tick scores the last window, writes the alerts that changed and delivers the webhooks owed.
import type { Alert, Logger } from '@pizzashop/common';
import type { AlertBook } from './alert-book.js';
import { baselineWindows, readings } from './detector.js';
import type { Stage, WebhookNotifier } from './webhook.js';
import type { WindowSource, WindowStats } from './window-stats.js';

export interface EngineOptions {
  intervalMs: number;
  windowMs: number;
  openAfter: number;
  ingestLagMs: number;
  dayMs: number;
  seasonalDays: number;
  seasonalMinDays: number;
  trailingWindows: number;
  minOrders: number;
}

export interface EngineDeps {
  source: WindowSource;
  book: AlertBook;
  /** Writes alerts to the alerts topic (resolves once acknowledged). */
  publish: (alerts: Alert[]) => Promise<void>;
  notifier?: WebhookNotifier;
  options: EngineOptions;
  log: Logger;
  clock?: () => number;
  onEvaluation?: (outcome: 'ok' | 'skipped' | 'failed') => void;
}

/** Fewest baseline windows a judgement needs; fewer (a fresh stack) and the evaluation is skipped. */
const MIN_BASELINE_WINDOWS = 3;

/**
 * One evaluation per `tick()`: the last window (ending `ingestLagMs` ago) against its baseline,
 * the alerts that changed written to the topic, then the webhook deliveries still owed, each
 * recorded on the topic once done (`notified`), so a restarted service does not send it again.
 */
export class AlertsEngine {
  /** Alerts owing a webhook delivery, by id (their latest state). */
  private readonly owed = new Map<string, Alert>();
  /** Periods of closed volume anomalies (bursts, outages): trailing baseline windows overlapping them are left out. */
  private anomalies: { from: number; to: number }[] = [];

  constructor(private readonly deps: EngineDeps) {}

  /** The latest state of every alert read back from the topic at start. */
  restore(alerts: Iterable<Alert>): void {
    const all = [...alerts];
    this.deps.book.restore(all);
    for (const a of all) this.noteClosed(a);
    if (this.deps.notifier) for (const a of all) if (owedStages(a).length > 0) this.owed.set(a.id, a);
  }

  async tick(): Promise<Alert[]> {
    const { source, book, options, log } = this.deps;
    const now = (this.deps.clock ?? Date.now)();
    const to = now - options.ingestLagMs;
    const from = to - options.windowMs;
    let changed: Alert[] = [];
    try {
      const oldest = await source.oldestOrderTime();
      const plan = baselineWindows(from, to, oldest, options, this.anomalyStart(from));
      if (plan.windows.length < MIN_BASELINE_WINDOWS) {
        log.debug({ baselineWindows: plan.windows.length }, 'alerts: not enough history for a baseline yet; evaluation skipped');
        this.deps.onEvaluation?.('skipped');
      } else {
        const width = options.windowMs;
        const oldestWindow = plan.windows.at(-1)![0];
        const [[current], fetched] = await Promise.all([
          source.series(from, width, 1),
          plan.kind === 'trailing-windows'
            ? source.series(oldestWindow, width, plan.windows.length)
            : Promise.all(plan.windows.map(([f]) => source.series(f, width, 1).then(([w]) => w!))),
        ]);
        const normal = (ws: WindowStats[]) => ws.filter((w) => !this.anomalies.some((a) => w.from < a.to && w.to > a.from));
        let baseline = plan.kind === 'trailing-windows' ? normal(fetched) : fetched;
        // Windows left out for a recent anomaly are replaced by as many older ones (when the data
        // reaches back that far), so a drop right after a burst still has a full baseline.
        const missing = plan.windows.length - baseline.length;
        if (plan.kind === 'trailing-windows' && missing > 0 && oldest !== null && oldestWindow - missing * width >= oldest) {
          baseline = [...normal(await source.series(oldestWindow - missing * width, width, missing)), ...baseline];
        }
        if (baseline.length < MIN_BASELINE_WINDOWS) {
          log.debug({ baselineWindows: baseline.length }, 'alerts: too few baseline windows outside recent anomalies; evaluation skipped');
          this.deps.onEvaluation?.('skipped');
          return changed;
        }
        const scored = readings(current!, baseline, { minOrders: options.minOrders, detrend: plan.kind === 'trailing-windows' });
        changed = book.evaluate(scored, plan.kind, { from, to }, now);
        log.debug({ baseline: plan.kind, windows: plan.windows.length, ms: (this.deps.clock ?? Date.now)() - now, readings: scored.map((r) => `${r.metric} ${r.observed.toFixed(2)}/${r.expected.toFixed(2)} z=${r.z.toFixed(1)}`) }, 'alerts: evaluated');
        if (changed.length > 0) await this.deps.publish(changed);
        for (const a of changed) this.noteClosed(a);
        this.anomalies = this.anomalies.filter((a) => a.to > from - options.trailingWindows * width);
        for (const a of changed) log.info({ alertId: a.id, metric: a.metric, status: a.status, severity: a.severity, observed: a.observed, expected: a.expected, z: a.zScore }, `alert ${a.status === 'open' ? 'open' : 'closed'}: ${a.metric} ${a.direction}`);
        this.deps.onEvaluation?.('ok');
      }
    } catch (err) {
      log.warn({ err }, 'alerts: evaluation failed (Pinot or Kafka unreachable?); next one at the next interval');
      this.deps.onEvaluation?.('failed');
    }
    if (this.deps.notifier) {
      for (const a of changed) this.owed.set(a.id, { ...a, notified: this.owed.get(a.id)?.notified ?? a.notified });
      await this.notifyOwed(this.deps.notifier);
    }
    return changed;
  }

  /**
   * Where the trailing baseline ends: the first anomalous window of the oldest open volume alert
   * (orders, revenue), so a lasting outage or burst is not compared with itself and stays open;
   * an anomaly older than the trailing span becomes the new normal.
   */
  private anomalyStart(from: number): number {
    const { windowMs, ingestLagMs, intervalMs, openAfter, trailingWindows } = this.deps.options;
    const starts = this.deps.book.openAlerts
      .filter((a) => a.metric === 'orders' || a.metric === 'revenue')
      .map((a) => Date.parse(a.openedAt) - ingestLagMs - windowMs - (openAfter - 1) * intervalMs)
      .filter((start) => start > from - trailingWindows * windowMs);
    return Math.min(from, ...starts);
  }

  /** Remembers the period of a closed orders or revenue alert, from its first anomalous window to its closing. */
  private noteClosed(alert: Alert): void {
    if (alert.status !== 'closed' || alert.closedAt === null || (alert.metric !== 'orders' && alert.metric !== 'revenue')) return;
    const { windowMs, ingestLagMs, intervalMs, openAfter } = this.deps.options;
    this.anomalies.push({ from: Date.parse(alert.openedAt) - ingestLagMs - windowMs - (openAfter - 1) * intervalMs, to: Date.parse(alert.closedAt) - ingestLagMs });
  }

  private async notifyOwed(notifier: WebhookNotifier): Promise<void> {
    for (let alert of [...this.owed.values()].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))) {
      for (const stage of owedStages(alert)) {
        if (!(await notifier.deliver(alert, stage))) return;
        alert = { ...alert, notified: [...alert.notified, stage] };
        this.deps.book.replace(alert);
        try {
          await this.deps.publish([alert]);
        } catch (err) {
          this.deps.log.warn({ err, alertId: alert.id }, 'alerts: could not record a webhook delivery on the topic; a restart now would send it again');
        }
        this.owed.set(alert.id, alert);
      }
      this.owed.delete(alert.id);
    }
  }

  get owedDeliveries(): number {
    return this.owed.size;
  }
}

function owedStages(alert: Alert): Stage[] {
  const stages: Stage[] = [];
  if (!alert.notified.includes('open')) stages.push('open');
  if (alert.status === 'closed' && !alert.notified.includes('closed')) stages.push('closed');
  return stages;
}
