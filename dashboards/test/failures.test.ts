// Unit tests of the failure classification behind the banner.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { failureFromContract, failureFromNetworkError, failureFromResponse, failureFromStreamEvent, worstFailure } from '../src/web/failures.js';

describe('failure classification', () => {
  it('tells the dashboard proxy\'s "API unreachable" from the API\'s "Pinot unavailable"', () => {
    expect(failureFromResponse(502, { error: 'api_unreachable', message: 'cannot reach pizzashop-api at http://x:8080 (ECONNREFUSED)' })).toEqual({
      kind: 'api-unreachable',
      message: 'cannot reach pizzashop-api at http://x:8080 (ECONNREFUSED)',
      status: 502,
    });
    expect(failureFromResponse(504, { error: 'api_timeout', message: 'slow' }).kind).toBe('api-unreachable');
    expect(failureFromResponse(503, { error: 'pinot_unavailable', message: 'Pinot could not answer' })).toEqual({
      kind: 'pinot-unavailable',
      message: 'Pinot could not answer',
      status: 503,
    });
  });

  it('reports other API errors as such, with their message', () => {
    expect(failureFromResponse(502, { error: 'pinot_query_failed', message: 'Pinot rejected query' })).toMatchObject({ kind: 'api-error', message: 'Pinot rejected query' });
    expect(failureFromResponse(500, { error: 'internal', message: 'internal error', requestId: 'r1' })).toMatchObject({ kind: 'api-error', status: 500 });
    expect(failureFromResponse(400, { error: 'bad_request', message: 'window: invalid' }).kind).toBe('api-error');
  });

  it('falls back to the status when the body is not an error body', () => {
    expect(failureFromResponse(503, undefined)).toEqual({ kind: 'pinot-unavailable', message: 'HTTP 503 without an error body', status: 503 });
    expect(failureFromResponse(502, '<html>bad gateway</html>').kind).toBe('api-unreachable');
    expect(failureFromResponse(500, null).kind).toBe('api-error');
  });

  it('blames the dashboard server when fetch gets no answer', () => {
    expect(failureFromNetworkError(new TypeError('Failed to fetch'))).toEqual({
      kind: 'dashboard-unreachable',
      message: 'the dashboard server does not answer (Failed to fetch)',
    });
  });

  it('reads failure events of the stream', () => {
    expect(failureFromStreamEvent(JSON.stringify({ error: 'pinot_unavailable', message: 'broker down' }))).toEqual({
      kind: 'pinot-unavailable',
      message: 'broker down',
      status: 503,
    });
    expect(failureFromStreamEvent(JSON.stringify({ error: 'pinot_query_failed', message: 'bad sql' }))).toEqual({ kind: 'api-error', message: 'bad sql' });
    expect(failureFromStreamEvent('not json').kind).toBe('api-error');
  });

  it('names each field a body breaks the contract with, on one line', () => {
    const error = z.object({ orders: z.number(), window: z.string() }).safeParse({ orders: 'x' }).error!;
    expect(failureFromContract('an overview', error)).toEqual({
      kind: 'api-error',
      message: 'the API sent an overview that does not match its documented schema (orders: Invalid input: expected number, received string; window: Invalid input: expected string, received undefined)',
    });
  });

  it('picks the worst of several failures', () => {
    const pinot = failureFromResponse(503, { error: 'pinot_unavailable', message: 'p' });
    const api = failureFromResponse(502, { error: 'api_unreachable', message: 'a' });
    const other = failureFromContract('an overview', z.object({ orders: z.number() }).safeParse({}).error!);
    expect(worstFailure([other, pinot])).toBe(pinot);
    expect(worstFailure([pinot, api, other])).toBe(api);
    expect(worstFailure([])).toBeUndefined();
  });
});
