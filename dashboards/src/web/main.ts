// Entry point of the operator page: wires the LiveFeed to the views and ticks the relative times every second.
import { formatCompact, formatCount, formatRupees } from './format.js';
import { startLifecyclePanel } from './lifecycle-panel.js';
import { browserFeedDependencies, DEFAULT_FEED_OPTIONS, LiveFeed, type FeedState } from './live-feed.js';
import { browserFetchJson } from './rest-snapshot.js';
import { AlertsView } from './view/alerts-view.js';
import { PerMinuteChart } from './view/chart-view.js';
import { KpiView } from './view/kpi-view.js';
import { StatusView } from './view/status-view.js';
import { TablesView } from './view/table-view.js';
import { bindWindowPicker, windowFromLocation } from './view/window-picker.js';

/**
 * The operator page: one LiveFeed (SSE with backoff, polling fallback) drives the views; a 1 s tick
 * keeps the relative times and the live/stale/disconnected indicator current between updates.
 */
const status = new StatusView();
const kpis = new KpiView();
const tables = new TablesView();
const alertsView = new AlertsView();
const ordersChart = new PerMinuteChart({
  hostId: 'orders-chart',
  summaryId: 'orders-chart-summary',
  measure: 'orders',
  label: 'Orders per minute',
  kind: 'bars',
  stroke: '#9a3412',
  fill: 'rgba(234, 88, 12, 0.75)',
  format: formatCount,
  formatAxis: formatCompact,
});
const revenueChart = new PerMinuteChart({
  hostId: 'revenue-chart',
  summaryId: 'revenue-chart-summary',
  measure: 'revenue',
  label: 'Revenue per minute',
  kind: 'line',
  stroke: '#1d4ed8',
  fill: 'rgba(29, 78, 216, 0.12)',
  format: formatRupees,
  formatAxis: (n) => `₹${formatCompact(n)}`,
});

function render(state: Readonly<FeedState>): void {
  const now = Date.now();
  status.render(state, now);
  alertsView.render(state.alerts);
  const { snapshot, receivedAt } = state;
  if (!snapshot || receivedAt === undefined) return;
  kpis.render(snapshot, receivedAt, now);
  tables.render(snapshot.popular, snapshot.overview.window);
  ordersChart.render(snapshot.ordersPerMinute);
  revenueChart.render(snapshot.ordersPerMinute);
}

const window0 = windowFromLocation();
const feed = new LiveFeed(window0, render, browserFeedDependencies(browserFetchJson), DEFAULT_FEED_OPTIONS);
bindWindowPicker(window0, (w) => feed.setWindow(w));
feed.start();
startLifecyclePanel();
setInterval(() => render(feed.current), 1000);
