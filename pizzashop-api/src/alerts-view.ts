// GET /alerts: the Pinot statement over the alerts table and the decoding of its rows.
import { alertSchema, describeIssues, identifier, PinotQueryError, sql, type Alert, type PinotQuerier, type SqlFragment } from '@pizzashop/common';
import type { AlertsQuery } from '@pizzashop/common/api-contracts';

/** Pinot answers a missing string with the text "null" (no null handling in 0.11). */
const nullable = (cell: unknown) => (cell === null || cell === 'null' || cell === '' ? null : String(cell));
const jsonCell = (cell: unknown) => (typeof cell === 'string' ? (JSON.parse(cell) as unknown) : cell);
/** Pinot keeps an empty JSON array as null: an alert no webhook was told of comes back with "null". */
const listCell = (cell: unknown) => jsonCell(cell) ?? [];

/** The alerts statement: newest first, the current state of each alert (the table upserts on the alert id). */
export function alertsQuery(table: SqlFragment, query: AlertsQuery): SqlFragment {
  const where = query.status === 'all' ? sql`` : sql`WHERE status = ${query.status}`;
  return sql`
    SELECT id, metric, direction, severity, status, observed, expected, zScore, baseline, "window", openedAt, updatedAt, closedAt, notified
    FROM ${table} ${where}
    ORDER BY openedAt DESC
    LIMIT ${query.limit}`;
}

/** GET /alerts and the stream's alerts: the alerts service's alerts as Pinot holds them. */
export class AlertsView {
  private readonly table: SqlFragment;

  constructor(
    private readonly pinot: PinotQuerier,
    tableName: string,
  ) {
    this.table = identifier(tableName);
  }

  async list(query: AlertsQuery): Promise<Alert[]> {
    const result = await this.pinot.query(alertsQuery(this.table, query), { name: 'alerts' });
    return result.rows.map((row) => {
      const [id, metric, direction, severity, status, observed, expected, zScore, baseline, window, openedAt, updatedAt, closedAt, notified] = row;
      const parsed = alertSchema.safeParse({
        id, metric, direction, severity, status, observed, expected, zScore, baseline,
        window: jsonCell(window), openedAt, updatedAt, closedAt: nullable(closedAt), notified: listCell(notified),
      });
      if (!parsed.success) throw new PinotQueryError(`Pinot returned an alert row that is not an Alert: ${describeIssues(parsed.error)}`);
      return parsed.data;
    });
  }
}
