/**
 * Number and time formatting for people: Indian-English grouping (₹12,34,567, as the chain's
 * operators read amounts), whole units where decimals would only be float noise.
 */
export const LOCALE = 'en-IN';

const countFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const rupeeFormat = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'INR', maximumFractionDigits: 0 });
const rupeePaiseFormat = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'INR', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const compactFormat = new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 });
const ratioFormat = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percentFormat = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' });

/** Avoids "-0" after rounding. */
const clean = (n: number) => (Object.is(n, -0) ? 0 : n);

/** Whole count with grouping: 12345 -> "12,345". */
export function formatCount(n: number): string {
  return countFormat.format(clean(Math.round(n)));
}

/** Whole rupees: 4313950 -> "₹43,13,950". */
export function formatRupees(n: number): string {
  return rupeeFormat.format(clean(Math.round(n)));
}

/** Rupees and paise, for averages: 1039.666 -> "₹1,039.67". */
export function formatRupeesPaise(n: number): string {
  return rupeePaiseFormat.format(clean(Math.round(n * 100) / 100));
}

/** Short form for chart axes: 4313950 -> "43L", 1200 -> "1.2K". */
export function formatCompact(n: number): string {
  return compactFormat.format(clean(n));
}

/** A ratio such as quantity per order, two decimals so a column lines up: 2.5 -> "2.50", 2 -> "2.00". */
export function formatRatio(n: number): string {
  return ratioFormat.format(clean(Math.round(n * 100) / 100));
}

/** A relative change: 0.125 -> "+12.5%", -0.02 -> "-2%", 0 -> "0%". */
export function formatSignedPercent(ratio: number): string {
  return percentFormat.format(clean(Math.round(ratio * 1000) / 1000));
}

/** A signed amount with `format` for the magnitude: "+₹1,200", "-12". */
export function formatSigned(n: number, format: (n: number) => string): string {
  if (n > 0) return `+${format(n)}`;
  if (n < 0) return `-${format(-n)}`;
  return format(0);
}

/** A duration as people say it: "0.4 s", "12 s", "4 min 5 s", "2 h 3 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${(Math.floor(s * 10) / 10).toLocaleString(LOCALE)} s`;
  if (s < 60) return `${Math.floor(s)} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${Math.floor(s % 60)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Wall-clock time of day, 24-hour: "13:37:05" (in `timeZone`, default the browser's). */
export function formatClock(epochMs: number, timeZone?: string): string {
  return new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone }).format(epochMs);
}

/** Hour and minute, 24-hour: "13:37" (chart axes). */
export function formatHourMinute(epochMs: number, timeZone?: string): string {
  return new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(epochMs);
}
