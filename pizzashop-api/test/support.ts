// Test support for pizzashop-api: a service over a mocked Pinot broker that records each SQL
// statement, and a fixed clock.
import { createLogger, type Logger } from '@pizzashop/common';
import { MockAgent } from 'undici';
import { apiEnvSchema } from '../src/config.js';
import { createApiService } from '../src/service.js';

export const BROKER = 'http://pinot-broker.test:8099';
export const NOW = Date.UTC(2026, 10, 25, 13, 37, 30, 500);

export type PinotReply =
  | { columns: string[]; rows: unknown[][]; timeUsedMs?: number }
  | { exceptions: Array<{ errorCode: number; message: string }> };

/** How the mocked broker behaves: answers, refuses connections, or answers after 5 s. */
export type BrokerBehaviour = 'answers' | 'refuses' | 'hangs';

/**
 * An API service whose Pinot broker is an undici MockAgent answering every /query/sql call with
 * `answer(sql)`; `sqls` records each statement that reached "Pinot".
 */
export function mockedApi(
  answer: (sql: string) => PinotReply,
  env: Record<string, string> = {},
  broker: BrokerBehaviour = 'answers',
  log: Logger = createLogger('pizzashop-api-test', 'silent'),
) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const sqls: string[] = [];
  /** The alerts queries (GET /alerts, the stream's alerts channel), apart from the order queries counted in `sqls`. */
  const alertSqls: string[] = [];
  const interceptor = agent.get(BROKER).intercept({ path: '/query/sql', method: 'POST' });
  if (broker === 'refuses') {
    interceptor.replyWithError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:8099'), { code: 'ECONNREFUSED' })).persist();
  }
  const answering = broker === 'refuses' ? undefined : interceptor.reply(200, (opts) => {
      const { sql } = JSON.parse(String(opts.body)) as { sql: string };
      (isAlertsQuery(sql) ? alertSqls : sqls).push(sql);
      const reply = answer(sql);
      if ('exceptions' in reply) return { exceptions: reply.exceptions };
      return {
        resultTable: { dataSchema: { columnNames: reply.columns, columnDataTypes: reply.columns.map(() => 'STRING') }, rows: reply.rows },
        exceptions: [],
        timeUsedMs: reply.timeUsedMs ?? 3,
      };
    });
  if (broker === 'hangs') answering?.delay(5000);
  answering?.persist();
  const config = apiEnvSchema.parse({ PINOT_BROKER_URLS: BROKER, PINOT_QUERY_TIMEOUT_MS: '500', STREAM_INTERVAL_MS: '200', ...env });
  const service = createApiService(config, log, { pinotDispatcher: agent, clock: () => NOW });
  return { service, agent, sqls, alertSqls, request: (path: string, init?: RequestInit) => service.app.request(path, init) };
}

/** The end of the current period in the tests that pass `at` (2026-11-25T10:00:00Z). */
const currentEnd = Date.UTC(2026, 10, 25, 10);

const isAlertsQuery = (sql: string) => /FROM alerts\b/.test(sql);

/** One open alert as the Pinot alerts table returns it (JSON columns as text, a missing closedAt as "null"). */
export const ALERT_ROW = [
  '6f1c3f5e-8f7a-4d7e-9a59-1d3c0f1e2a4b', 'orders', 'drop', 'critical', 'open', 3, 612, -24.5, 'trailing-windows',
  '{"from":"2026-11-25T09:58:00.000Z","to":"2026-11-25T09:59:00.000Z"}', '2026-11-25T09:59:10.000Z', '2026-11-25T09:59:10.000Z', 'null', '["open"]',
];

/** Answers the API's queries with plausible rows, keyed by what the SQL asks for. */
export function standardAnswers(sql: string): PinotReply {
  if (isAlertsQuery(sql)) return { columns: ['id'], rows: [ALERT_ROW] };
  if (sql.includes('MAX(ts)')) return { columns: ['totalOrders', 'newestTs'], rows: [[17665, NOW - 1500]] };
  if (sql.includes('periodTotal')) {
    const current = sql.endsWith('< now()') || sql.endsWith(`< ${currentEnd / 60_000}`);
    return { columns: ['o', 't'], rows: [current ? [968, 4313950.0] : [958, 4281751.0]] };
  }
  if (sql.includes('FROM order_items_by_minute')) {
    return {
      columns: ['p', 'i', 'c', 'lines', 'units', 'categoryOrders'],
      rows: [
        ['Margherita', 'img/m.png', 'pizzas-veg', 10, 25.0, 30.0],
        ['Farmhouse', 'img/f.png', 'pizzas-veg', 9, 11.0, 5.0],
        ['Cola', 'img/c.png', 'drinks', 6, 12.0, 6.0],
      ],
    };
  }
  if (sql.includes('GROUP BY productName')) {
    return {
      columns: ['p', 'i', 'c', 'lines', 'units', 'categoryOrders'],
      rows: [
        ['Margherita', 'img/m.png', 'pizzas-veg', 2, 5.0, 5.0],
        ['Cola', 'img/c.png', 'drinks', 1, 2.0, 1.0],
      ],
    };
  }
  if (sql.includes('GROUP BY tsMinute')) {
    const minute = Math.floor(NOW / 60_000) - 1;
    return { columns: ['m', 'o', 'r'], rows: [[minute, 598, 2589579.0]] };
  }
  return { columns: [], rows: [] };
}

/** Reads an SSE body until `marker` appears or `timeoutMs` passed, then cancels it; resolves with what was read. */
export async function readUntil(body: ReadableStream<Uint8Array>, marker: string, timeoutMs: number): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (!text.includes(marker) && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<undefined>((r) => setTimeout(() => r(undefined), deadline - Date.now()))]);
      if (!chunk || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    await reader.cancel();
  }
  return text;
}
