// Classifies why the page has no fresh data (dashboard, API or Pinot unreachable) for the banner.
import { describeIssues } from '@pizzashop/common/validation-message';
import type { z } from 'zod';
import { errorResponseSchema } from './schemas.js';

/**
 * Why the page has no fresh data, in the words the banner uses:
 * - `dashboard-unreachable`: the page cannot reach its own server (fetch failed);
 * - `api-unreachable`: the dashboard server cannot reach pizzashop-api (its proxy answered 502/504);
 * - `pinot-unavailable`: the API answers but Pinot does not (API 503 `pinot_unavailable`);
 * - `api-error`: the API answered something else that is not data (500, a rejected query, a body
 *   that does not match the contract).
 */
export type FailureKind = 'dashboard-unreachable' | 'api-unreachable' | 'pinot-unavailable' | 'api-error';

export interface Failure {
  kind: FailureKind;
  /** The detail: the API's or the proxy's own message. */
  message: string;
  status?: number;
}

/** Kinds that mean the page is cut off from the API (as opposed to the API answering without data). */
export const DISCONNECTED_KINDS: ReadonlySet<FailureKind> = new Set(['dashboard-unreachable', 'api-unreachable']);

/** How bad a failure is, for picking the one to show when several requests fail at once. */
const SEVERITY: Record<FailureKind, number> = { 'dashboard-unreachable': 4, 'api-unreachable': 3, 'pinot-unavailable': 2, 'api-error': 1 };

export function worstFailure(failures: Failure[]): Failure | undefined {
  return failures.reduce<Failure | undefined>((worst, f) => (!worst || SEVERITY[f.kind] > SEVERITY[worst.kind] ? f : worst), undefined);
}

/** Classifies an HTTP answer that is not 2xx, from its `{error, message}` body when it has one. */
export function failureFromResponse(status: number, body: unknown): Failure {
  const parsed = errorResponseSchema.safeParse(body);
  const error = parsed.success ? parsed.data.error : undefined;
  const message = parsed.success ? parsed.data.message : `HTTP ${status} without an error body`;
  if (error === 'api_unreachable' || error === 'api_timeout') return { kind: 'api-unreachable', message, status };
  if (error === 'pinot_unavailable' || (error === undefined && status === 503)) return { kind: 'pinot-unavailable', message, status };
  if (error === undefined && (status === 502 || status === 504)) return { kind: 'api-unreachable', message, status };
  return { kind: 'api-error', message, status };
}

/** A fetch that never got an answer: the dashboard server itself is gone. */
export function failureFromNetworkError(err: unknown): Failure {
  const detail = err instanceof Error ? err.message : String(err);
  return { kind: 'dashboard-unreachable', message: `the dashboard server does not answer (${detail})` };
}

/** A `failure` event on the API's stream: the API is up, its snapshot failed (body as in an error response). */
export function failureFromStreamEvent(data: string): Failure {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    body = undefined;
  }
  const parsed = errorResponseSchema.safeParse(body);
  if (!parsed.success) return { kind: 'api-error', message: 'the API reported a failure the dashboard cannot read' };
  return parsed.data.error === 'pinot_unavailable'
    ? { kind: 'pinot-unavailable', message: parsed.data.message, status: 503 }
    : { kind: 'api-error', message: parsed.data.message };
}

/** A body that is JSON but not what the contract says, naming each field that breaks it. */
export function failureFromContract(what: string, error: z.ZodError): Failure {
  return { kind: 'api-error', message: `the API sent ${what} that does not match its documented schema (${describeIssues(error)})` };
}
