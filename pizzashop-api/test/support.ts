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
  const interceptor = agent.get(BROKER).intercept({ path: '/query/sql', method: 'POST' });
  if (broker === 'refuses') {
    interceptor.replyWithError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:8099'), { code: 'ECONNREFUSED' })).persist();
  }
  const answering = broker === 'refuses' ? undefined : interceptor.reply(200, (opts) => {
      const { sql } = JSON.parse(String(opts.body)) as { sql: string };
      sqls.push(sql);
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
  return { service, agent, sqls, request: (path: string, init?: RequestInit) => service.app.request(path, init) };
}

/** The end of the current period in the tests that pass `at` (2026-11-25T10:00:00Z). */
const currentEnd = Date.UTC(2026, 10, 25, 10);

/** Answers the API's queries with plausible rows, keyed by what the SQL asks for. */
export function standardAnswers(sql: string): PinotReply {
  if (sql.includes('MAX(ts)')) return { columns: ['totalOrders', 'newestTs'], rows: [[17665, NOW - 1500]] };
  if (sql.includes('periodTotal')) {
    const current = sql.endsWith('< now()') || sql.endsWith(`< ${currentEnd}`);
    return { columns: ['o', 't'], rows: [current ? [968, 4313950.0] : [958, 4281751.0]] };
  }
  if (sql.includes('GROUP BY productName')) {
    return {
      columns: ['p', 'i', 'o', 'q', 'c'],
      rows: [
        ['Margherita', 'img/m.png', 12, 30.0, 'pizzas-veg'],
        ['Farmhouse', 'img/f.png', 9, 11.0, 'pizzas-veg'],
        ['Cola', 'img/c.png', 7, 14.0, 'drinks'],
      ],
    };
  }
  if (sql.includes('GROUP BY category')) {
    return {
      columns: ['c', 'o', 'q'],
      rows: [
        ['pizzas-veg', 40, 95.0],
        ['drinks', 7, 14.0],
      ],
    };
  }
  if (sql.includes('ToEpochMinutes')) {
    const minute = Math.floor(NOW / 60_000) - 1;
    return { columns: ['m', 'o', 'r'], rows: [[minute, 598, 2589579.0]] };
  }
  return { columns: [], rows: [] };
}
