/** A [0,1) random source. */
export type Random = () => number;

/**
 * A deterministic [0,1) source (mulberry32) from a 32-bit seed: the same seed gives the same
 * sequence, so a simulator run with SIMULATOR_SEED can be replayed.
 */
export function seededRandom(seed: number): Random {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An exponential variate with mean 1. */
export function exponential(random: Random): number {
  return -Math.log(1 - random());
}
