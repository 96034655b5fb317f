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
