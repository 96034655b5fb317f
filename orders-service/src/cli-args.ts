// Parses orders-service's --count and --rate flags (bounded benchmark mode).
import { parseArgs } from 'node:util';

export interface CliArgs {
  /** Bounded benchmark mode: produce this many orders, report, exit. */
  count?: number;
  /** Orders per second, or Infinity for `max`; overrides SIMULATOR_RATE. */
  rate?: number;
}

export function parseCliArgs(argv: string[]): CliArgs {
  const { values } = parseArgs({ args: argv, options: { count: { type: 'string' }, rate: { type: 'string' } } });
  const result: CliArgs = {};
  if (values.count !== undefined) {
    const count = Number(values.count);
    if (!Number.isInteger(count) || count <= 0) throw new Error(`--count must be a positive integer, got "${values.count}"`);
    result.count = count;
  }
  if (values.rate !== undefined) {
    const rate = values.rate === 'max' ? Infinity : Number(values.rate);
    if (!(rate > 0)) throw new Error(`--rate must be "max" or a positive number of orders per second, got "${values.rate}"`);
    result.rate = rate;
  }
  return result;
}
