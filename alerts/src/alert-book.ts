// The alerts' state machine: opens, updates and closes one alert per metric from its z-scores, with hysteresis.
import { randomUUID } from 'node:crypto';
import type { Alert } from '@pizzashop/common';
import type { BaselineKind, Reading } from './detector.js';

export interface AlertBookOptions {
  zWarning: number;
  zCritical: number;
  zClose: number;
  openAfter: number;
  closeAfter: number;
}

interface Streak {
  direction: Alert['direction'] | 'normal';
  count: number;
}

/**
 * The alerts' state machine: a metric whose |z| reaches the warning level `openAfter` evaluations
 * in a row (same direction) opens an alert; while open, a change of severity or direction updates
 * it; `closeAfter` evaluations in a row with |z| under the close level close it. Between the two
 * levels nothing changes (hysteresis). One open alert per metric at most.
 */
export class AlertBook {
  private readonly open = new Map<string, Alert>();
  private readonly streaks = new Map<string, Streak>();

  constructor(
    private readonly options: AlertBookOptions,
    private readonly newId: () => string = randomUUID,
  ) {}

  /** Takes back the open alerts of an earlier run (their latest state from the topic). */
  restore(alerts: Iterable<Alert>): void {
    for (const alert of alerts) if (alert.status === 'open') this.open.set(alert.metric, alert);
  }

  get openAlerts(): Alert[] {
    return [...this.open.values()];
  }

  /** Applies one evaluation; returns the alerts that opened, changed or closed (to be written). */
  evaluate(readings: readonly Reading[], baseline: BaselineKind, window: { from: number; to: number }, now: number): Alert[] {
    const changed: Alert[] = [];
    const at = new Date(now).toISOString();
    const win = { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() };
    for (const r of readings) {
      const abs = Math.abs(r.z);
      const kind: Streak['direction'] | 'between' = abs >= this.options.zWarning ? (r.z < 0 ? 'drop' : 'spike') : abs < this.options.zClose ? 'normal' : 'between';
      const previous = this.streaks.get(r.metric);
      const streak: Streak = kind === 'between' ? { direction: 'normal', count: 0 } : { direction: kind, count: previous?.direction === kind ? previous.count + 1 : 1 };
      this.streaks.set(r.metric, streak);
      const current = this.open.get(r.metric);
      const figures = { observed: round(r.observed), expected: round(r.expected), zScore: round(r.z), baseline, window: win, updatedAt: at };
      if (kind === 'drop' || kind === 'spike') {
        const severity: Alert['severity'] = abs >= this.options.zCritical ? 'critical' : 'warning';
        if (current) {
          if (current.severity !== severity || current.direction !== kind) {
            const updated: Alert = { ...current, ...figures, severity, direction: kind };
            this.open.set(r.metric, updated);
            changed.push(updated);
          }
        } else if (streak.count >= this.options.openAfter) {
          const opened: Alert = { id: this.newId(), metric: r.metric, direction: kind, severity, status: 'open', ...figures, openedAt: at, closedAt: null, notified: [] };
          this.open.set(r.metric, opened);
          changed.push(opened);
        }
      } else if (kind === 'normal' && current && streak.count >= this.options.closeAfter) {
        const closed: Alert = { ...current, ...figures, status: 'closed', closedAt: at };
        this.open.delete(r.metric);
        changed.push(closed);
      }
    }
    return changed;
  }

  /** Records a change made outside an evaluation (a webhook delivery) on an open alert. */
  replace(alert: Alert): void {
    if (alert.status === 'open' && this.open.get(alert.metric)?.id === alert.id) this.open.set(alert.metric, alert);
  }
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
