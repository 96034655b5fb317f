/** Query-string validation with zod, remembered per distinct query string. */
import type { z } from 'zod';
import { BadRequestError } from './errors.js';

/**
 * Validates a route's query string with its zod schema and remembers the result per distinct query
 * string, so the dashboards' repeated requests skip parsing and validation. Only valid input is
 * remembered (at most `maxEntries` strings, then it starts over); invalid input throws 400 with
 * zod's message every time. For a repeated parameter the first value counts.
 */
export class QueryInput<S extends z.ZodType> {
  private readonly memo = new Map<string, z.infer<S>>();

  constructor(
    private readonly schema: S,
    private readonly maxEntries = 1000,
  ) {}

  parse(rawQuery: string): z.infer<S> {
    const known = this.memo.get(rawQuery);
    if (known !== undefined) return known;
    const params: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(rawQuery)) if (!Object.hasOwn(params, name)) params[name] = value;
    const parsed = this.schema.safeParse(params);
    if (!parsed.success) throw BadRequestError.fromZod(parsed.error);
    if (this.memo.size >= this.maxEntries) this.memo.clear();
    this.memo.set(rawQuery, parsed.data);
    return parsed.data;
  }
}
