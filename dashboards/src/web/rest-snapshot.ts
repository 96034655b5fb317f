// The page's REST fallback: fetches a dashboard snapshot from the API routes, and the stream URL.
import type { z } from 'zod';
import { failureFromContract, failureFromNetworkError, failureFromResponse, worstFailure, type Failure } from './failures.js';
import { ordersPerMinuteResponseSchema, overviewResponseSchema, popularSchema, type DashboardSnapshot, type WindowName } from './schemas.js';

/** One GET: status and parsed JSON body (undefined when the body is not JSON); throws when no answer came. */
export type FetchJson = (url: string) => Promise<{ status: number; body: unknown }>;

export const browserFetchJson: FetchJson = async (url) => {
  const res = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
};

export interface SnapshotQuery {
  basePath: string;
  window: WindowName;
  limit: number;
  minutes: number;
}

export const streamUrl = ({ basePath, window, limit, minutes }: SnapshotQuery) =>
  `${basePath}/orders/stream?${new URLSearchParams({ window, limit: String(limit), minutes: String(minutes) })}`;

type Outcome<T> = { data: T } | { failure: Failure };

async function getValid<S extends z.ZodType>(fetchJson: FetchJson, url: string, schema: S, what: string): Promise<Outcome<z.infer<S>>> {
  let answer: { status: number; body: unknown };
  try {
    answer = await fetchJson(url);
  } catch (err) {
    return { failure: failureFromNetworkError(err) };
  }
  if (answer.status < 200 || answer.status >= 300) return { failure: failureFromResponse(answer.status, answer.body) };
  const parsed = schema.safeParse(answer.body);
  return parsed.success ? { data: parsed.data } : { failure: failureFromContract(what, parsed.error) };
}

/**
 * The polling fallback: the three REST endpoints the stream combines, fetched in parallel and put
 * together as a snapshot; or the worst of their failures.
 */
export async function fetchSnapshot(fetchJson: FetchJson, query: SnapshotQuery, now: number): Promise<Outcome<DashboardSnapshot>> {
  const { basePath, window, limit, minutes } = query;
  const [overview, popular, ordersPerMinute] = await Promise.all([
    getValid(fetchJson, `${basePath}/orders/overview?${new URLSearchParams({ window })}`, overviewResponseSchema, 'an overview'),
    getValid(fetchJson, `${basePath}/orders/popular?${new URLSearchParams({ window, limit: String(limit) })}`, popularSchema, 'a popular list'),
    getValid(fetchJson, `${basePath}/orders/ordersPerMinute?${new URLSearchParams({ minutes: String(minutes) })}`, ordersPerMinuteResponseSchema, 'a per-minute series'),
  ]);
  if ('data' in overview && 'data' in popular && 'data' in ordersPerMinute) {
    return { data: { generatedAt: new Date(now).toISOString(), overview: overview.data, popular: popular.data, ordersPerMinute: ordersPerMinute.data } };
  }
  const failures = [overview, popular, ordersPerMinute].flatMap((o) => ('failure' in o ? [o.failure] : []));
  return { failure: worstFailure(failures)! };
}
