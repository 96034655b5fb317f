import type { ComponentStatus } from './stack.js';

/** A fixed-width table: component, address, state, pid. */
export function formatStatusTable(rows: ComponentStatus[]): string {
  const header = ['component', 'address', 'state', 'pid'];
  const cells = rows.map((r) => [r.name, r.address, r.state, r.pid === null ? '-' : String(r.pid)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
