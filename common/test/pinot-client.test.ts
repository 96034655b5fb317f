// Unit tests of PinotClient against fake brokers: failover, deadlines, retries and error mapping.
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectionErrorCode, PinotClient, type PinotQueryEvent } from '../src/pinot/client.js';
import { PinotQueryError, PinotUnavailableError } from '../src/pinot/errors.js';
import { sql } from '../src/pinot/sql.js';

const A = 'http://broker-a:8099';
const B = 'http://broker-b:8099';

function pinotAnswer(rows: unknown[][], extra: Record<string, unknown> = {}) {
  return {
    resultTable: { dataSchema: { columnNames: ['n', 'label'], columnDataTypes: ['LONG', 'STRING'] }, rows },
    exceptions: [],
    timeUsedMs: 7,
    numDocsScanned: 3,
    totalDocs: 10,
    ...extra,
  };
}

function refused() {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8099'), { code: 'ECONNREFUSED' });
}

describe('PinotClient', () => {
  let agent: MockAgent;
  let events: PinotQueryEvent[];
  const client = (brokers: string[], timeoutMs = 1000) =>
    new PinotClient({ brokerUrls: brokers, timeoutMs, dispatcher: agent, onQuery: (e) => events.push(e) });

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    events = [];
  });
  afterEach(async () => {
    await agent.close();
  });

  it('POSTs {"sql"} to /query/sql and returns rows, records and timeUsedMs', async () => {
    let sent: unknown;
    agent
      .get(A)
      .intercept({ path: '/query/sql', method: 'POST' })
      .reply(200, (opts) => {
        sent = JSON.parse(String(opts.body));
        return pinotAnswer([[3, 'x']]);
      });
    const result = await client([A]).query(sql`SELECT COUNT(*) FROM orders WHERE id = ${'a'}`, { name: 'count' });
    expect(sent).toEqual({ sql: "SELECT COUNT(*) FROM orders WHERE id = 'a'", queryOptions: 'timeoutMs=1000' });
    expect(result.rows).toEqual([[3, 'x']]);
    expect(result.records).toEqual([{ n: 3, label: 'x' }]);
    expect(result.timeUsedMs).toBe(7);
    expect(events).toMatchObject([{ name: 'count', outcome: 'ok', timeUsedMs: 7, broker: A }]);
  });

  it('turns a HTTP-200 answer with exceptions into PinotQueryError without the Java stack trace', async () => {
    agent
      .get(A)
      .intercept({ path: '/query/sql', method: 'POST' })
      .reply(200, { exceptions: [{ errorCode: 150, message: 'SQLParsingError:\njava.lang.Exception: bad\n\tat org.apache.pinot.X' }] });
    const error = await client([A]).query(sql`SELEC`, { name: 'broken' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinotQueryError);
    expect((error as PinotQueryError).httpStatus).toBe(502);
    expect((error as Error).message).toContain('150: SQLParsingError:');
    expect((error as Error).message).not.toContain('org.apache');
    expect(events).toMatchObject([{ name: 'broken', outcome: 'query_error' }]);
  });

  it('treats transient Pinot exceptions (server not responding, timeouts) as unavailable once sent again in vain', async () => {
    agent
      .get(A)
      .intercept({ path: '/query/sql', method: 'POST' })
      .reply(200, { exceptions: [{ errorCode: 427, message: '1 servers [x] not responded' }] })
      .times(2);
    const error = await client([A]).query(sql`SELECT 1`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinotUnavailableError);
    expect((error as PinotUnavailableError).httpStatus).toBe(503);
    agent.assertNoPendingInterceptors();
    expect(events).toMatchObject([{ outcome: 'unavailable' }]);
  });

  it('sends a query answered with a transient exception once more to the same broker (which now routes around the failed server)', async () => {
    const pool = agent.get(A);
    pool.intercept({ path: '/query/sql', method: 'POST' }).reply(200, { exceptions: [{ errorCode: 425, message: 'Unable to send query to server' }] });
    pool.intercept({ path: '/query/sql', method: 'POST' }).reply(200, pinotAnswer([[2, 'a']]));
    agent.get(B).intercept({ path: '/query/sql', method: 'POST' }).reply(200, pinotAnswer([[3, 'b']]));
    const result = await client([A, B]).query(sql`SELECT 1`);
    expect(result.rows).toEqual([[2, 'a']]);
    expect(events).toMatchObject([{ outcome: 'ok', broker: A }]);
    expect(agent.pendingInterceptors()).toHaveLength(1);
  });

  it('sends a query a broker answered 503 (not ready) to the next broker', async () => {
    agent.get(A).intercept({ path: '/query/sql', method: 'POST' }).reply(503, 'starting');
    agent.get(B).intercept({ path: '/query/sql', method: 'POST' }).reply(200, pinotAnswer([[1, 'b']]));
    expect((await client([A, B]).query(sql`SELECT 1`)).broker).toBe(B);
    agent.assertNoPendingInterceptors();
  });

  it('does not send a query again when its deadline leaves no time, or when told not to', async () => {
    const slow427 = { exceptions: [{ errorCode: 427, message: 'not responded' }] };
    agent.get(A).intercept({ path: '/query/sql', method: 'POST' }).reply(200, slow427).delay(180);
    await expect(client([A], 200).query(sql`SELECT 1`)).rejects.toBeInstanceOf(PinotUnavailableError);
    agent.get(A).intercept({ path: '/query/sql', method: 'POST' }).reply(200, slow427);
    agent.get(A).intercept({ path: '/query/sql', method: 'POST' }).reply(200, pinotAnswer([]));
    const once = new PinotClient({ brokerUrls: [A], dispatcher: agent, transientRetries: 0 });
    await expect(once.query(sql`SELECT 1`)).rejects.toBeInstanceOf(PinotUnavailableError);
    expect(agent.pendingInterceptors()).toHaveLength(1);
  });

  it('maps non-JSON, missing resultTable and HTTP 500 to PinotQueryError and HTTP 503 to unavailable', async () => {
    const pool = agent.get(A);
    pool.intercept({ path: '/query/sql', method: 'POST' }).reply(200, '<html>oops</html>');
    pool.intercept({ path: '/query/sql', method: 'POST' }).reply(200, { exceptions: [] });
    pool.intercept({ path: '/query/sql', method: 'POST' }).reply(500, 'boom');
    pool.intercept({ path: '/query/sql', method: 'POST' }).reply(503, 'starting').times(2);
    const c = client([A]);
    await expect(c.query(sql`SELECT 1`)).rejects.toThrow(/not JSON/);
    await expect(c.query(sql`SELECT 1`)).rejects.toThrow(/without a resultTable/);
    await expect(c.query(sql`SELECT 1`)).rejects.toBeInstanceOf(PinotQueryError);
    await expect(c.query(sql`SELECT 1`)).rejects.toBeInstanceOf(PinotUnavailableError);
  });

  it('spreads queries over the brokers in turn', async () => {
    agent.get(A).intercept({ path: '/query/sql', method: 'POST' }).reply(200, pinotAnswer([[1, 'a']])).times(2);
    agent.get(B).intercept({ path: '/query/sql', method: 'POST' }).reply(200, pinotAnswer([[1, 'b']])).times(2);
    const c = client([A, B]);
    const brokers = [];
    for (let i = 0; i < 4; i++) brokers.push((await c.query(sql`SELECT 1`)).broker);
    expect(brokers).toEqual([A, B, A, B]);
    agent.assertNoPendingInterceptors();
  });

  it('fails over on connection refused and keeps the refusing broker out until its health and the last answered query say it is back', async () => {
    agent.get(A).intercept({ path: '/query/sql', method: 'POST' }).replyWithError(refused());
    agent.get(B).intercept({ path: '/query/sql', method: 'POST' }).reply(200, pinotAnswer([[1, 'b']])).times(3);
    const c = new PinotClient({ brokerUrls: [A, B], timeoutMs: 1000, dispatcher: agent, brokerRecheckMs: 50 });
    expect((await c.query(sql`SELECT 1`)).broker).toBe(B);
    expect(c.unavailableBrokers).toEqual([A]);
    expect((await c.query(sql`SELECT 1`)).broker).toBe(B);
    const warmUp: string[] = [];
    agent.get(A).intercept({ path: '/health', method: 'GET' }).reply(200, 'OK');
    agent.get(A).intercept({ path: '/query/sql', method: 'POST', body: (b) => (warmUp.push(b), true) }).reply(200, pinotAnswer([[1, 'a']]));
    await new Promise((r) => setTimeout(r, 60));
    expect((await c.query(sql`SELECT 2`)).broker).toBe(B);
    await vi.waitFor(() => expect(c.unavailableBrokers).toEqual([]));
    expect(['SELECT 1', 'SELECT 2']).toContain(JSON.parse(warmUp[0] as string).sql);
    agent.get(A).intercept({ path: '/query/sql', method: 'POST' }).reply(200, pinotAnswer([[1, 'a']]));
    agent.get(B).intercept({ path: '/query/sql', method: 'POST' }).reply(200, pinotAnswer([[1, 'b']]));
    const next = [(await c.query(sql`SELECT 3`)).broker, (await c.query(sql`SELECT 3`)).broker];
    expect(next.sort()).toEqual([A, B]);
    agent.assertNoPendingInterceptors();
  });

  it('keeps a broker out whose warm-up query fails', async () => {
    agent.get(A).intercept({ path: '/query/sql', method: 'POST' }).reply(503, 'starting');
    agent.get(B).intercept({ path: '/query/sql', method: 'POST' }).reply(200, pinotAnswer([[1, 'b']])).times(2);
    const c = new PinotClient({ brokerUrls: [A, B], timeoutMs: 1000, dispatcher: agent, brokerRecheckMs: 20 });
    expect((await c.query(sql`SELECT 1`)).broker).toBe(B);
    agent.get(A).intercept({ path: '/health', method: 'GET' }).reply(200, 'OK');
    agent.get(A).intercept({ path: '/query/sql', method: 'POST' }).reply(200, { exceptions: [{ errorCode: 410, message: 'BrokerResourceMissingError' }] });
    await new Promise((r) => setTimeout(r, 30));
    await c.query(sql`SELECT 1`);
    await vi.waitFor(() => agent.assertNoPendingInterceptors());
    expect(c.unavailableBrokers).toEqual([A]);
  });

  it('raises PinotUnavailableError naming every broker when all refuse', async () => {
    agent.get(A).intercept({ path: '/query/sql', method: 'POST' }).replyWithError(refused());
    agent.get(B).intercept({ path: '/query/sql', method: 'POST' }).replyWithError(refused());
    const error = await client([A, B]).query(sql`SELECT 1`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinotUnavailableError);
    expect((error as PinotUnavailableError).reason).toBe('connection');
    expect((error as Error).message).toContain(`${A} ECONNREFUSED`);
    expect((error as Error).message).toContain(`${B} ECONNREFUSED`);
    expect(events).toMatchObject([{ outcome: 'unavailable' }]);
  });

  it('does not retry a query that failed for another reason than the connection', async () => {
    agent.get(A).intercept({ path: '/query/sql', method: 'POST' }).replyWithError(new Error('something odd'));
    agent.get(B).intercept({ path: '/query/sql', method: 'POST' }).reply(200, pinotAnswer([]));
    await expect(client([A, B]).query(sql`SELECT 1`)).rejects.toBeInstanceOf(PinotUnavailableError);
    expect(agent.pendingInterceptors()).toHaveLength(1);
  });

  it('times out a slow broker with PinotUnavailableError(timeout) and does not retry it elsewhere', async () => {
    agent.get(A).intercept({ path: '/query/sql', method: 'POST' }).reply(200, pinotAnswer([])).delay(2000);
    agent.get(B).intercept({ path: '/query/sql', method: 'POST' }).reply(200, pinotAnswer([]));
    const started = Date.now();
    const error = await client([A, B], 150).query(sql`SELECT 1`, { name: 'slow' }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(error).toBeInstanceOf(PinotUnavailableError);
    expect((error as PinotUnavailableError).reason).toBe('timeout');
    expect((error as Error).message).toMatch(/timed out after 150 ms/);
    expect(agent.pendingInterceptors()).toHaveLength(1);
  });

  it('pings /health on the brokers', async () => {
    agent.get(A).intercept({ path: '/health', method: 'GET' }).replyWithError(refused());
    agent.get(B).intercept({ path: '/health', method: 'GET' }).reply(200, 'OK');
    expect(await client([A, B]).ping()).toBe(true);
    agent.get(A).intercept({ path: '/health', method: 'GET' }).reply(503, 'no');
    expect(await client([A]).ping()).toBe(false);
  });

  it('recognises connection errors on the cause chain', () => {
    expect(connectionErrorCode(new TypeError('fetch failed', { cause: refused() }))).toBe('ECONNREFUSED');
    expect(connectionErrorCode(new AggregateError([refused()]))).toBe('ECONNREFUSED');
    expect(connectionErrorCode(new Error('x'))).toBeUndefined();
  });

  it('refuses an empty broker list with a hint', () => {
    expect(() => new PinotClient({ brokerUrls: [] })).toThrow(/PINOT_BROKER_URLS/);
  });
});
