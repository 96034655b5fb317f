// Pinot's own execution statistics and EXPLAIN PLAN of a statement, and the forms the API's time-range
// statements replaced, so the Pinot bench shows where the time goes and what the star-tree and the rollup save.
import { sql, type SqlFragment } from '@pizzashop/common';
import { ALL_GROUPS, periodQuery, popularByMinuteQuery, timeFilter, type PinotTables } from '../src/queries.js';
import type { SqlRange } from '../src/time-windows.js';

/** The broker response fields that say how a query ran (Pinot 0.11). */
const STAT_FIELDS = [
  'timeUsedMs',
  'totalDocs',
  'numDocsScanned',
  'numEntriesScannedInFilter',
  'numEntriesScannedPostFilter',
  'numSegmentsQueried',
  'numSegmentsProcessed',
  'numSegmentsMatched',
  'numConsumingSegmentsQueried',
  'numServersQueried',
  'numServersResponded',
] as const;

export type PlanStats = Partial<Record<(typeof STAT_FIELDS)[number], number>>;

interface BrokerBody {
  resultTable?: { rows?: unknown[][] };
  exceptions?: Array<{ message?: string }>;
}

async function post(brokerUrl: string, text: string): Promise<BrokerBody & Record<string, unknown>> {
  const res = await fetch(`${brokerUrl}/query/sql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sql: text }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as BrokerBody & Record<string, unknown>;
  if (!res.ok || (body.exceptions?.length ?? 0) > 0) throw new Error(`Pinot answered ${res.status}: ${JSON.stringify(body.exceptions ?? body).slice(0, 300)}`);
  return body;
}

/** The statement's rows and Pinot's statistics of one run of it. */
export async function runWithStats(brokerUrl: string, statement: SqlFragment): Promise<{ rows: unknown[][]; stats: PlanStats }> {
  const body = await post(brokerUrl, statement.text);
  const stats = Object.fromEntries(STAT_FIELDS.filter((f) => typeof body[f] === 'number').map((f) => [f, body[f] as number]));
  return { rows: body.resultTable?.rows ?? [], stats };
}

/** EXPLAIN PLAN FOR the statement, one line per operator ("OPERATOR(args) id parent"). */
export async function explainPlan(brokerUrl: string, statement: SqlFragment): Promise<string[]> {
  const body = await post(brokerUrl, `EXPLAIN PLAN FOR ${statement.text}`);
  return (body.resultTable?.rows ?? []).map((row) => row.map(String).join(' '));
}

/**
 * The API's time-range statements of the measured hour by metric name, each in the form the API
 * sends (`minute`: on tsMinute, its range being whole minutes) and in the form it replaced (`ts`):
 * the same statement on `ts`, or for popular the items table grouped the same way over the same range.
 */
export function timeRangeStatements(tables: PinotTables, current: SqlRange, previous: SqlRange): Record<string, { minute: SqlFragment; ts: SqlFragment }> {
  const onTs = ({ from, to }: SqlRange): SqlRange => ({ from, to });
  const both = (build: (range: SqlRange) => SqlFragment, range: SqlRange) => ({ minute: build(range), ts: build(onTs(range)) });
  const minutes = current.minutes;
  if (!minutes) throw new Error('timeRangeStatements: the measured hour must have whole-minute edges');
  return {
    'overview-current': both((r) => periodQuery(tables, r), current),
    'overview-previous': both((r) => periodQuery(tables, r), previous),
    'popular-by-minute': { minute: popularByMinuteQuery(tables, minutes), ts: popularFromItemsTable(tables, onTs(current)) },
  };
}

/** What popular asked before the rollup: order lines and units per product straight from the items table. */
function popularFromItemsTable(tables: PinotTables, range: SqlRange): SqlFragment {
  return sql`
    SELECT productName, image, category, COUNT(*) AS lineCount, SUM(quantity) AS unitCount
    FROM ${tables.orderItems}
    WHERE ${timeFilter(range)}
    GROUP BY productName, image, category
    LIMIT ${ALL_GROUPS}`;
}
