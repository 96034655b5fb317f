/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation from the median. */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

export interface RobustScore {
  expected: number;
  /** The spread used: 1.4826 x MAD (the standard deviation of normal data), at least `noiseFloor`. */
  scale: number;
  z: number;
}

/**
 * Robust z-score of `observed` against `baseline`: (observed - median) / max(1.4826 x MAD, noiseFloor).
 * The floor is the metric's own sampling noise at the baseline's level (e.g. sqrt(n) for a Poisson
 * count), so a baseline that happens to be very steady does not turn small wobbles into alerts.
 */
export function robustScore(observed: number, baseline: readonly number[], noiseFloor: number): RobustScore {
  const expected = median(baseline);
  const scale = Math.max(1.4826 * mad(baseline), noiseFloor, 1e-9);
  return { expected, scale, z: (observed - expected) / scale };
}

/**
 * Theil-Sen slope of the points (x, y): the median of the slopes between every pair, robust to
 * outliers (a burst or an outage in a few of the points barely moves it).
 */
export function theilSenSlope(points: readonly { x: number; y: number }[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dx = points[j]!.x - points[i]!.x;
      if (dx !== 0) slopes.push((points[j]!.y - points[i]!.y) / dx);
    }
  }
  return slopes.length === 0 ? 0 : median(slopes);
}

/** The points' values carried to x = 0 along their robust trend (unchanged when `detrend` is false or too few points). */
export function carriedToNow(points: readonly { x: number; y: number }[], detrend: boolean): number[] {
  if (!detrend || points.length < 3) return points.map((p) => p.y);
  const slope = theilSenSlope(points);
  return points.map((p) => p.y - slope * p.x);
}
