// The Pinot SQL client: keep-alive connections, per-query deadlines, broker failover and retries of transient failures.
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { BrokerPool } from './broker-pool.js';
import { errorFromExceptions, firstLine, PinotQueryError, PinotUnavailableError, type PinotException } from './errors.js';
import type { SqlFragment } from './sql.js';

export interface PinotClientOptions {
  /**
   * Broker base URLs. Queries take turns over the brokers in service; one that refuses a connection
   * or answers 503 is skipped (the query goes to the next) until it is back (see BrokerPool).
   */
  brokerUrls: string[];
  /** Whole-query deadline in ms (all failover attempts included); also sent to Pinot as its own timeoutMs. */
  timeoutMs?: number;
  /**
   * Times a query answered with a transient failure (Pinot's exceptions such as a server not
   * responding, or a broker's 503) is sent again within its deadline: 1 unless set. A broker that
   * could not reach a server stops routing to it, so the next try finds its replica.
   */
  transientRetries?: number;
  /** Keep-alive connections per broker. */
  connectionsPerBroker?: number;
  /** How often a broker out of service is asked whether it is back: 1000 ms unless set. */
  brokerRecheckMs?: number;
  /** undici dispatcher to use instead of an own keep-alive Agent (tests pass a MockAgent). */
  dispatcher?: Dispatcher;
  /** Called once per query with its outcome, for metrics. */
  onQuery?: (event: PinotQueryEvent) => void;
}

export interface PinotQueryOptions {
  /** Short stable name used in metrics, logs and error messages, e.g. "overview-window". */
  name?: string;
  timeoutMs?: number;
}

export interface PinotQueryEvent {
  name: string;
  broker: string | undefined;
  outcome: 'ok' | 'query_error' | 'unavailable';
  /** Round trip as seen by this client. */
  durationMs: number;
  /** Time Pinot reported spending on the query (`timeUsedMs`), when it answered. */
  timeUsedMs: number | undefined;
}

export interface PinotResult {
  columns: string[];
  columnTypes: string[];
  rows: unknown[][];
  /** Rows as objects keyed by column name. */
  records: Record<string, unknown>[];
  timeUsedMs: number;
  numDocsScanned: number;
  /** Column values the filter read (0 when an index answered it, e.g. the H3 index for ST_Distance). */
  numEntriesScannedInFilter: number;
  totalDocs: number;
  /** Servers the broker asked, and those that answered in time (fewer: the answer may lack their segments). */
  numServersQueried: number;
  numServersResponded: number;
  broker: string;
}

/** The query surface the API depends on, so a cache can stand in for the client. */
export interface PinotQuerier {
  query(statement: SqlFragment, options?: PinotQueryOptions): Promise<PinotResult>;
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ETIMEDOUT',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED',
]);

/** The error code of a failed connection attempt (also looked up on `cause`), or undefined for other errors. */
export function connectionErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && CONNECTION_ERROR_CODES.has(code)) return code;
    if (e instanceof AggregateError) {
      const inner = e.errors.map(connectionErrorCode).find(Boolean);
      if (inner) return inner;
    }
  }
  return undefined;
}

interface PinotResponseBody {
  exceptions?: PinotException[];
  resultTable?: { dataSchema?: { columnNames?: string[]; columnDataTypes?: string[] }; rows?: unknown[][] };
  timeUsedMs?: number;
  numDocsScanned?: number;
  numEntriesScannedInFilter?: number;
  totalDocs?: number;
  numServersQueried?: number;
  numServersResponded?: number;
}

/** Pause before a query answered with a transient failure is sent again. */
const RETRY_BACKOFF_MS = 100;
/** Longest wait for a broker out of service to answer its health check and the warm-up query. */
const BACK_CHECK_TIMEOUT_MS = 10_000;

const isTransient = (err: unknown): err is PinotUnavailableError =>
  err instanceof PinotUnavailableError && (err.reason === 'pinot-exception' || err.reason === 'broker-status');

/**
 * Pinot SQL client over undici: keep-alive connections, a deadline per query, queries spread over
 * the brokers in service with failover on connection errors, a query answered with a transient
 * failure sent again (a Pinot exception to the same broker, a broker's 503 to the next), both
 * within the deadline, and Pinot's HTTP-200 `exceptions` turned into typed errors. A broker that
 * failed comes back into the rotation once its /health answers 200 and it answered the last query
 * that succeeded elsewhere (so its first, slow queries after a restart are not a user's).
 */
export class PinotClient implements PinotQuerier {
  private readonly brokers: string[];
  private readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly onQuery: ((event: PinotQueryEvent) => void) | undefined;
  private readonly transientRetries: number;
  private readonly pool: BrokerPool;
  /** The last statement (and its query options) a broker answered, sent to a broker that is back before it takes queries again. */
  private lastAnswered: string | undefined;

  constructor(options: PinotClientOptions) {
    if (options.brokerUrls.length === 0) throw new Error('PinotClient: no broker URL given: set PINOT_BROKER_URLS (comma-separated)');
    this.brokers = options.brokerUrls.map((u) => u.replace(/\/+$/, ''));
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.onQuery = options.onQuery;
    this.transientRetries = options.transientRetries ?? 1;
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher =
      options.dispatcher ??
      new Agent({ connections: options.connectionsPerBroker ?? 32, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000, connect: { timeout: 2000 } });
    this.pool = new BrokerPool(this.brokers, { isBack: (broker) => this.isBack(broker), recheckMs: options.brokerRecheckMs ?? 1000 });
  }

  get brokerUrls(): readonly string[] {
    return this.brokers;
  }

  async query(statement: SqlFragment, options: PinotQueryOptions = {}): Promise<PinotResult> {
    const name = options.name ?? 'query';
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const started = performance.now();
    let broker: string | undefined;
    for (let attempt = 0; ; attempt++) {
      const left = Math.round(started + timeoutMs - performance.now());
      try {
        const answer = await this.send(statement.text, name, left, attempt > 0 ? broker : undefined);
        broker = answer.broker;
        if (answer.statusCode === 503) this.pool.failed(answer.broker);
        else this.pool.answered(answer.broker);
        const result = decode(name, answer.broker, answer.statusCode, answer.text);
        this.lastAnswered = answer.body;
        this.report(name, broker, 'ok', started, result.timeUsedMs);
        return result;
      } catch (err) {
        if (isTransient(err) && attempt < this.transientRetries && started + timeoutMs - performance.now() > 2 * RETRY_BACKOFF_MS) {
          if (err.reason === 'broker-status') broker = undefined;
          await sleep(RETRY_BACKOFF_MS);
          continue;
        }
        const outcome = err instanceof PinotQueryError ? 'query_error' : 'unavailable';
        this.report(name, broker, outcome, started, undefined);
        throw err;
      }
    }
  }

  /** True when at least one broker answers its /health endpoint with 200 within `timeoutMs`. */
  async ping(timeoutMs = 1000): Promise<boolean> {
    return (await Promise.all(this.brokers.map((broker) => this.healthy(broker, timeoutMs)))).some(Boolean);
  }

  /** Brokers out of the rotation now (refused a connection or answered 503, not back yet). */
  get unavailableBrokers(): string[] {
    return this.pool.unavailable;
  }

  private async healthy(broker: string, timeoutMs: number): Promise<boolean> {
    try {
      const res = await request(`${broker}/health`, { dispatcher: this.dispatcher, signal: AbortSignal.timeout(timeoutMs) });
      await res.body.dump();
      return res.statusCode === 200;
    } catch {
      return false;
    }
  }

  /** A broker out of service is back when its /health answers 200 and it answers the last statement another broker answered. */
  private async isBack(broker: string): Promise<boolean> {
    if (!(await this.healthy(broker, BACK_CHECK_TIMEOUT_MS))) return false;
    if (this.lastAnswered === undefined) return true;
    const { statusCode, text } = await this.postQuery(broker, this.lastAnswered, AbortSignal.timeout(BACK_CHECK_TIMEOUT_MS));
    decode('broker warm-up', broker, statusCode, text);
    return true;
  }

  /** POSTs a query body to a broker's /query/sql: its HTTP status and body text. */
  private async postQuery(broker: string, body: string, signal: AbortSignal): Promise<{ statusCode: number; text: string }> {
    const res = await request(`${broker}/query/sql`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      dispatcher: this.dispatcher,
      signal,
    });
    return { statusCode: res.statusCode, text: await res.body.text() };
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** Sends the statement to the brokers in the pool's order (`first` first when in service) until one answers. */
  private async send(sqlText: string, name: string, timeoutMs: number, first?: string): Promise<{ broker: string; statusCode: number; text: string; body: string }> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const body = JSON.stringify({ sql: sqlText, queryOptions: `timeoutMs=${timeoutMs}` });
    const refused: string[] = [];
    try {
      for (const broker of this.pool.order(first)) {
        try {
          return { broker, ...(await this.postQuery(broker, body, deadline.signal)), body };
        } catch (err) {
          if (deadline.signal.aborted) {
            throw new PinotUnavailableError(
              `Pinot query "${name}" timed out after ${timeoutMs} ms (broker ${broker}); check the broker and servers or raise PINOT_QUERY_TIMEOUT_MS`,
              'timeout',
            );
          }
          const code = connectionErrorCode(err);
          if (!code) {
            throw new PinotUnavailableError(`Pinot query "${name}" failed on broker ${broker}: ${(err as Error).message}`, 'connection');
          }
          this.pool.failed(broker);
          refused.push(`${broker} ${code}`);
        }
      }
    } finally {
      clearTimeout(timer);
    }
    throw new PinotUnavailableError(
      `no Pinot broker reachable (${refused.join(', ')}): start Pinot (npm run stack:up) or fix PINOT_BROKER_URLS`,
      'connection',
    );
  }

  private report(name: string, broker: string | undefined, outcome: PinotQueryEvent['outcome'], started: number, timeUsedMs: number | undefined) {
    this.onQuery?.({ name, broker, outcome, durationMs: performance.now() - started, timeUsedMs });
  }
}

function decode(name: string, broker: string, statusCode: number, text: string): PinotResult {
  if (statusCode === 503) {
    throw new PinotUnavailableError(`Pinot broker ${broker} is not ready (HTTP 503) for query "${name}"; retry shortly`, 'broker-status');
  }
  if (statusCode !== 200) {
    throw new PinotQueryError(`Pinot broker ${broker} answered HTTP ${statusCode} to query "${name}": ${firstLine(text, 200)}`);
  }
  let body: PinotResponseBody;
  try {
    body = JSON.parse(text) as PinotResponseBody;
  } catch {
    throw new PinotQueryError(`Pinot broker ${broker} sent a response to query "${name}" that is not JSON: ${firstLine(text, 200)}`);
  }
  const exceptions = Array.isArray(body.exceptions) ? body.exceptions : [];
  if (exceptions.length > 0) throw errorFromExceptions(name, broker, exceptions);
  const columns = body.resultTable?.dataSchema?.columnNames;
  const rows = body.resultTable?.rows;
  if (!Array.isArray(columns) || !Array.isArray(rows)) {
    throw new PinotQueryError(`Pinot broker ${broker} answered query "${name}" without a resultTable`);
  }
  return {
    columns,
    columnTypes: body.resultTable?.dataSchema?.columnDataTypes ?? [],
    rows,
    records: rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]]))),
    timeUsedMs: body.timeUsedMs ?? 0,
    numDocsScanned: body.numDocsScanned ?? 0,
    numEntriesScannedInFilter: body.numEntriesScannedInFilter ?? 0,
    totalDocs: body.totalDocs ?? 0,
    numServersQueried: body.numServersQueried ?? 0,
    numServersResponded: body.numServersResponded ?? 0,
    broker,
  };
}
