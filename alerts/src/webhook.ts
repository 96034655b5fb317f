// Sends an alert's opening or closing to a Slack-compatible webhook, retrying with a doubling backoff.
import type { Alert, Logger } from '@pizzashop/common';

export type Stage = 'open' | 'closed';

export interface WebhookOptions {
  url: string;
  attempts: number;
  timeoutMs: number;
  /** First pause between attempts; doubles each time. */
  backoffMs: number;
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : String(Math.round(n * 1000) / 1000));

/** The Slack-compatible text of an alert's opening or closing. */
export function alertText(alert: Alert, stage: Stage): string {
  const window = `${alert.window.from} - ${alert.window.to}`;
  if (stage === 'closed') {
    return `:white_check_mark: resolved: ${alert.metric} back to normal (${fmt(alert.observed)}, expected ${fmt(alert.expected)}; window ${window}). Alert ${alert.id}, opened ${alert.openedAt}.`;
  }
  return (
    `:rotating_light: [${alert.severity}] ${alert.metric} ${alert.direction}: ${fmt(alert.observed)} in ${window}, expected ${fmt(alert.expected)} ` +
    `(robust z ${fmt(alert.zScore)}, baseline: ${alert.baseline}). Alert ${alert.id}.`
  );
}

/**
 * POSTs `{"text": ...}` to a Slack-compatible webhook, `attempts` times at most with a doubling
 * pause, each attempt bounded by `timeoutMs`. True once a 2xx answered; false when every attempt
 * failed (logged; the caller keeps the delivery pending and tries again later).
 */
export class WebhookNotifier {
  constructor(
    private readonly options: WebhookOptions,
    private readonly log: Logger,
    private readonly onAttempt: (outcome: 'delivered' | 'failed') => void = () => undefined,
  ) {}

  async deliver(alert: Alert, stage: Stage): Promise<boolean> {
    const body = JSON.stringify({ text: alertText(alert, stage) });
    let pause = this.options.backoffMs;
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      let problem: { status: number } | { err: unknown };
      try {
        const res = await fetch(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        await res.body?.cancel();
        if (res.ok) {
          this.onAttempt('delivered');
          return true;
        }
        problem = { status: res.status };
      } catch (err) {
        problem = { err };
      }
      this.onAttempt('failed');
      this.log.warn({ alertId: alert.id, stage, attempt, of: this.options.attempts, ...problem }, `alerts webhook ${this.options.url} failed; retrying`);
      if (attempt < this.options.attempts) await new Promise((r) => setTimeout(r, pause));
      pause *= 2;
    }
    this.log.error({ alertId: alert.id, stage }, `alerts webhook ${this.options.url}: every attempt failed; the delivery stays pending and is tried again at the next evaluation (check ALERTS_WEBHOOK_URL)`);
    return false;
  }
}
