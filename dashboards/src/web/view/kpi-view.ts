// Renders the KPI cards with their changes, and the freshness card.
import { formatClock, formatCount, formatDuration } from '../format.js';
import { freshnessOf } from '../freshness.js';
import { kpisOf } from '../kpis.js';
import type { DashboardSnapshot } from '../schemas.js';
import { byId, el, setAttr, setText } from './dom.js';
import { WINDOW_TEXT } from './windows.js';

/** "+22.8% (+₹76,721)" as two unbreakable parts, so a narrow card wraps between them, not inside. */
function renderDeltaText(target: Element, text: string): void {
  if (target.textContent === text) return;
  const cut = text.indexOf(' (');
  if (cut < 0) {
    target.textContent = text;
    return;
  }
  target.replaceChildren(el('span', 'nowrap', text.slice(0, cut)), ' ', el('span', 'nowrap', text.slice(cut + 1)));
}

/** The KPI cards (orders, revenue, average order value with their changes) and the freshness card. */
export class KpiView {
  private readonly windowLabel = byId('kpi-window');
  private readonly freshness = byId('freshness');
  private readonly freshnessValue = byId('freshness-value');
  private readonly freshnessDetail = byId('freshness-detail');

  render(snapshot: DashboardSnapshot, receivedAt: number, now: number): void {
    setText(this.windowLabel, WINDOW_TEXT[snapshot.overview.window].current);
    for (const kpi of kpisOf(snapshot.overview)) {
      const card = document.querySelector(`[data-kpi="${kpi.key}"]`);
      if (!card) continue;
      const value = card.querySelector('.kpi-value')!;
      setText(value, kpi.text);
      setAttr(value, 'data-value', kpi.value === null ? '' : String(kpi.value));
      const delta = card.querySelector('.kpi-delta')!;
      setAttr(delta, 'data-tone', kpi.delta.tone);
      setText(delta.querySelector('.delta-label')!, kpi.delta.label);
      setText(delta.querySelector('.arrow')!, kpi.delta.arrow);
      renderDeltaText(delta.querySelector('.delta-text')!, kpi.delta.text);
    }
    this.renderFreshness(snapshot, receivedAt, now);
  }

  private renderFreshness(snapshot: DashboardSnapshot, receivedAt: number, now: number): void {
    const { ageMs, newestAt, level } = freshnessOf(snapshot, receivedAt, now);
    setAttr(this.freshness, 'data-level', level);
    setText(this.freshnessValue, ageMs === null ? 'No orders yet' : `${formatDuration(ageMs)} ago`);
    const total = `${formatCount(snapshot.overview.totalOrders)} orders in Pinot`;
    setText(this.freshnessDetail, newestAt === null ? total : `Newest order seen at ${formatClock(newestAt)} · ${total}`);
  }
}
