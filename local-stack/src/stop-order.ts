// The order `down` stops the stack's processes in, derived from their dependsOn: the reverse of the start order.

import type { Component } from './components/index.js';

/**
 * The processes' names in waves, each stopped in parallel after the one before: a component's start
 * depth is one more than its deepest dependency's, and the deepest stop first, so whatever depends on
 * a process (Connect on Kafka, a Pinot broker on the controller) is gone before it stops.
 */
export function stopWaves(components: Component[]): string[][] {
  const byName = new Map(components.map((c) => [c.name, c]));
  const depths = new Map<string, number>();
  const depthOf = (c: Component): number => {
    let depth = depths.get(c.name);
    if (depth === undefined) {
      depth = Math.max(-1, ...c.dependsOn.flatMap((d) => (byName.has(d) ? [depthOf(byName.get(d)!)] : []))) + 1;
      depths.set(c.name, depth);
    }
    return depth;
  };
  const waves: string[][] = [];
  for (const c of components.filter((x) => x.kind === 'process')) (waves[depthOf(c)] ??= []).push(c.name);
  return waves.filter(Boolean).reverse();
}
