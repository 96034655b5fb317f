// The fixed-width tables `stack:status` prints: the stack's components, and the services that
// `npm start` supervises.
import type { ServiceState } from './services-state.js';
import type { ComponentStatus } from './stack.js';

/** A fixed-width table: component, address, state, pid, launch-to-healthy time and resident memory. */
export function formatStatusTable(rows: ComponentStatus[]): string {
  return table(
    ['component', 'address', 'state', 'pid', 'healthy after', 'rss'],
    rows.map((r) => [
      r.name,
      r.address,
      r.state,
      r.pid === null ? '-' : String(r.pid),
      r.startupSeconds === null ? '-' : `${r.startupSeconds.toFixed(1)} s`,
      r.rssMiB === null ? '-' : `${r.rssMiB} MiB`,
    ]),
  );
}

/** The services `npm start` supervises: service, address, state, pid, restarts and the last unexpected exit. */
export function formatServicesTable(rows: ServiceState[]): string {
  return table(
    ['service', 'address', 'state', 'pid', 'restarts', 'last exit'],
    rows.map((r) => [r.name, r.url, r.state, r.pid === null ? '-' : String(r.pid), String(r.restarts), r.lastExit ?? '-']),
  );
}

function table(header: string[], cells: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
