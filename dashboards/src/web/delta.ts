// A KPI's change from the previous window to the current one: amount, ratio, direction and its text.
import { formatSigned, formatSignedPercent } from './format.js';

export type Direction = 'up' | 'down' | 'flat';

/** A change from the previous window to the current one. */
export interface Delta {
  direction: Direction;
  /** current - previous, rounded to hundredths (no float noise). */
  absolute: number;
  /** absolute / previous; null when the previous window had nothing to compare with. */
  ratio: number | null;
}

const hundredths = (n: number) => Math.round(n * 100) / 100;

/** The change of a KPI; null when either side has no value (e.g. average order value of 0 orders). */
export function computeDelta(current: number | null, previous: number | null): Delta | null {
  if (current === null || previous === null || !Number.isFinite(current) || !Number.isFinite(previous)) return null;
  const absolute = hundredths(current) - hundredths(previous);
  const rounded = hundredths(absolute) || 0;
  const direction: Direction = rounded > 0 ? 'up' : rounded < 0 ? 'down' : 'flat';
  return { direction, absolute: rounded, ratio: previous === 0 ? null : rounded / hundredths(previous) };
}

/** How a delta is shown: arrow and text (not colour alone), the tone the card colours it with, and a spoken label. */
export interface DeltaView {
  tone: 'positive' | 'negative' | 'neutral';
  arrow: '▲' | '▼' | '■';
  text: string;
  label: string;
}

const arrows = { up: '▲', down: '▼', flat: '■' } as const;
const tones = { up: 'positive', down: 'negative', flat: 'neutral' } as const;

/**
 * "+12.5% (+₹1,200)" for a change against `previousLabel`; "+₹1,200 (none before)" when the previous
 * window was empty; "no change". More orders, revenue and order value are good news, so up is positive.
 */
export function describeDelta(delta: Delta | null, formatValue: (n: number) => string, previousLabel: string): DeltaView {
  if (!delta) return { tone: 'neutral', arrow: '■', text: 'no comparison', label: `no comparison with ${previousLabel}` };
  const amount = formatSigned(delta.absolute, formatValue);
  const base = { tone: tones[delta.direction], arrow: arrows[delta.direction] };
  if (delta.direction === 'flat') return { ...base, text: 'no change', label: `no change from ${previousLabel}` };
  const word = delta.direction === 'up' ? 'up' : 'down';
  if (delta.ratio === null) return { ...base, text: `${amount} (none before)`, label: `${word} ${amount} from none in ${previousLabel}` };
  const percent = formatSignedPercent(delta.ratio);
  return { ...base, text: `${percent} (${amount})`, label: `${word} ${percent.replace(/^[+-]/, '')}, ${amount}, against ${previousLabel}` };
}
