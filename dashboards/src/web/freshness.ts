// How old the dashboard's data is: fresh, lagging or behind, from the snapshot's freshness.
import type { DashboardSnapshot } from './schemas.js';

export type FreshnessLevel = 'unknown' | 'fresh' | 'lagging' | 'behind';

export interface Freshness {
  /** How long ago the newest order was placed, as of `now`; null while Pinot holds no order. */
  ageMs: number | null;
  /** When the newest order was placed (API clock). */
  newestAt: number | null;
  level: FreshnessLevel;
}

/** Up to this old the data counts as fresh; up to LAGGING_MS as lagging; beyond, behind. */
export const FRESH_MS = 10_000;
export const LAGGING_MS = 60_000;

/**
 * Data freshness: the API's `freshnessMs` (its clock minus the newest order time when it made the
 * snapshot) plus the time since the page received it, so the figure keeps counting between updates.
 */
export function freshnessOf(snapshot: DashboardSnapshot, receivedAt: number, now: number): Freshness {
  const { freshnessMs } = snapshot.overview;
  if (freshnessMs === null) return { ageMs: null, newestAt: null, level: 'unknown' };
  const ageMs = freshnessMs + Math.max(0, now - receivedAt);
  const level: FreshnessLevel = ageMs <= FRESH_MS ? 'fresh' : ageMs <= LAGGING_MS ? 'lagging' : 'behind';
  return { ageMs, newestAt: Date.parse(snapshot.generatedAt) - freshnessMs, level };
}
