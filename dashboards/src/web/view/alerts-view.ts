// The alerts banner (open alerts, most severe first) and the table of recent alerts, with metric labels and figures.
import type { FeedState } from '../live-feed.js';
import { formatCount, formatRupees } from '../format.js';
import { byId, el, setText } from './dom.js';

type Alert = NonNullable<FeedState['alerts']>[number];

const METRIC_LABELS: Record<string, string> = { orders: 'Orders', revenue: 'Revenue', averageOrderValue: 'Average order value' };

/** "Orders", "Revenue", "Share of beverages". */
export function metricLabel(metric: string): string {
  return METRIC_LABELS[metric] ?? (metric.startsWith('categoryShare:') ? `Share of ${metric.slice('categoryShare:'.length)}` : metric);
}

/** The metric's figure as the dashboard shows it elsewhere. */
export function figure(metric: string, value: number): string {
  if (metric === 'orders') return formatCount(value);
  if (metric === 'revenue' || metric === 'averageOrderValue') return formatRupees(value);
  return `${(value * 100).toFixed(1)}%`;
}

const time = (iso: string) => new Date(iso).toISOString().slice(11, 19);

/** The banner naming the open alerts (most severe first) and the table of recent alerts. */
export class AlertsView {
  private readonly banner = byId('alert-banner');
  private readonly bannerText = byId('alert-banner-text');
  private readonly body = byId<HTMLTableSectionElement>('alerts-body');
  private readonly empty = byId('alerts-empty');
  private rendered: FeedState['alerts'];

  render(alerts: FeedState['alerts']): void {
    if (alerts === this.rendered) return;
    this.rendered = alerts;
    const list = alerts ?? [];
    const open = list.filter((a) => a.status === 'open').sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));
    this.banner.hidden = open.length === 0;
    this.banner.dataset.severity = open[0]?.severity ?? 'none';
    setText(this.bannerText, open.map((a) => `${metricLabel(a.metric)} ${a.direction}: ${figure(a.metric, a.observed)} vs ${figure(a.metric, a.expected)} expected (${a.severity})`).join(' · '));
    this.empty.hidden = list.length > 0;
    this.body.replaceChildren(...list.map((a) => this.row(a)));
  }

  private row(a: Alert): HTMLTableRowElement {
    const tr = el('tr');
    tr.dataset.status = a.status;
    tr.dataset.severity = a.severity;
    tr.append(
      el('td', 'alert-status', a.status === 'open' ? `● open` : 'closed'),
      el('td', 'alert-severity', a.severity),
      el('td', undefined, `${metricLabel(a.metric)} ${a.direction}`),
      el('td', 'num', figure(a.metric, a.observed)),
      el('td', 'num', figure(a.metric, a.expected)),
      el('td', 'num', a.zScore.toFixed(1)),
      el('td', undefined, `${time(a.window.from)}–${time(a.window.to)}`),
      el('td', undefined, time(a.openedAt)),
      el('td', undefined, a.closedAt ? time(a.closedAt) : '—'),
    );
    return tr;
  }
}
