// The per-minute charts (uPlot), with a text summary as their accessible description.
import uPlot from 'uplot';
import { formatHourMinute } from '../format.js';
import { seriesOf, type Series } from '../per-minute.js';
import type { OrdersPerMinute } from '../schemas.js';
import { byId, setAttr, setText } from './dom.js';

export interface ChartSpec {
  hostId: string;
  summaryId: string;
  measure: 'orders' | 'revenue';
  label: string;
  kind: 'bars' | 'line';
  stroke: string;
  fill: string;
  /** Full value (legend, summary). */
  format: (n: number) => string;
  /** Short value (axis ticks). */
  formatAxis: (n: number) => string;
}

const AXIS = { stroke: '#374151', grid: { stroke: '#e5e7eb', width: 1 }, ticks: { stroke: '#d1d5db', width: 1 }, font: '12px system-ui, sans-serif' };

/** One per-minute chart drawn by uPlot, resized with its box; its text summary doubles as the accessible description. */
export class PerMinuteChart {
  private readonly host: HTMLElement;
  private readonly summary: HTMLElement;
  private plot: uPlot | undefined;
  private lastKey = '';

  constructor(private readonly spec: ChartSpec) {
    this.host = byId(spec.hostId);
    this.summary = byId(spec.summaryId);
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(this.host);
  }

  render(rows: OrdersPerMinute): void {
    const key = JSON.stringify(rows);
    if (key === this.lastKey) return;
    this.lastKey = key;
    const series = seriesOf(rows, this.spec.measure);
    const data: uPlot.AlignedData = [series.xs, series.ys];
    if (this.plot) this.plot.setData(data);
    else this.plot = new uPlot(this.options(), data, this.host);
    setAttr(this.host, 'data-points', String(series.xs.length));
    setAttr(this.host, 'data-total', String(series.total));
    setText(this.summary, this.describe(series));
  }

  private size(): { width: number; height: number } {
    const width = Math.max(240, Math.floor(this.host.clientWidth));
    return { width, height: width < 480 ? 180 : 165 };
  }

  private options(): uPlot.Options {
    const { label, kind, stroke, fill, format, formatAxis } = this.spec;
    return {
      ...this.size(),
      legend: { show: false },
      cursor: { points: { show: kind === 'line' }, drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { ...AXIS, values: (_u, splits) => splits.map((s) => formatHourMinute(s * 1000)) },
        { ...AXIS, size: 56, space: 28, values: (_u, splits) => splits.map(formatAxis) },
      ],
      series: [
        {},
        {
          label,
          stroke,
          fill,
          width: kind === 'line' ? 2 : 1,
          points: { show: false },
          value: (_u, v) => (v === null ? '—' : format(v)),
          ...(kind === 'bars' ? { paths: uPlot.paths.bars!({ size: [0.7, 24] }) } : {}),
        },
      ],
    };
  }

  private describe(series: Series): string {
    const { label, format } = this.spec;
    if (series.total === 0) return `${label}: no orders in the last hour.`;
    const peak = series.peak ? `, peak ${format(series.peak.y)} at ${formatHourMinute(series.peak.x * 1000)}` : '';
    return `${label}: ${format(series.latest ?? 0)} in the current minute so far${peak}, ${format(series.total)} over the hour.`;
  }
}
