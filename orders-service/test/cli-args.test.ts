// Tests parsing of orders-service's --count and --rate flags.
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/cli-args.js';

describe('parseCliArgs', () => {
  it('reads --count and --rate max', () => {
    expect(parseCliArgs(['--count', '1000', '--rate', 'max'])).toEqual({ count: 1000, rate: Infinity });
  });
  it('reads a numeric rate and no count', () => {
    expect(parseCliArgs(['--rate', '250'])).toEqual({ rate: 250 });
    expect(parseCliArgs([])).toEqual({});
  });
  it('explains bad values', () => {
    expect(() => parseCliArgs(['--count', 'x'])).toThrow(/--count must be a positive integer/);
    expect(() => parseCliArgs(['--rate', 'fast'])).toThrow(/--rate must be "max"/);
  });
});
