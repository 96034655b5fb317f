// Unit tests of linkStatus and bannerFor.
import { describe, expect, it } from 'vitest';
import { bannerFor, linkStatus, STALE_AFTER_MS } from '../src/web/link-status.js';
import type { FeedState } from '../src/web/live-feed.js';
import { snapshot, T0 } from './fixtures.js';

const base: FeedState = { window: '1m', transport: 'stream', streamFailures: 0 };
const withData: FeedState = { ...base, snapshot: snapshot(), receivedAt: T0 };

describe('linkStatus', () => {
  it('is connecting before any data, live while data is fresh', () => {
    expect(linkStatus(base, T0)).toBe('connecting');
    expect(linkStatus(withData, T0 + 1000)).toBe('live');
  });

  it('turns stale when updates stop or the API answers without data', () => {
    expect(linkStatus(withData, T0 + STALE_AFTER_MS + 1)).toBe('stale');
    expect(linkStatus({ ...withData, failure: { kind: 'pinot-unavailable', message: 'm' } }, T0 + 1000)).toBe('stale');
    expect(linkStatus({ ...base, failure: { kind: 'api-error', message: 'm' } }, T0)).toBe('stale');
  });

  it('is disconnected when the API or the dashboard server cannot be reached', () => {
    expect(linkStatus({ ...withData, failure: { kind: 'api-unreachable', message: 'm' } }, T0 + 1000)).toBe('disconnected');
    expect(linkStatus({ ...base, failure: { kind: 'dashboard-unreachable', message: 'm' } }, T0)).toBe('disconnected');
  });
});

describe('bannerFor', () => {
  it('shows nothing while all is well', () => {
    expect(bannerFor(withData, T0 + 2000)).toBeNull();
    expect(bannerFor(base, T0)).toBeNull();
  });

  it('names the API as unreachable, keeps the last data and counts down to the retry', () => {
    const banner = bannerFor(
      {
        ...withData,
        transport: 'polling',
        nextRetryAt: T0 + 9000,
        failure: { kind: 'api-unreachable', message: 'the dashboard server cannot reach pizzashop-api at http://localhost:8080 (ECONNREFUSED).' },
        failureSince: T0 + 2000,
      },
      T0 + 5000,
      'UTC',
    );
    expect(banner).toEqual({
      title: 'pizzashop-api unreachable for 3 s',
      detail:
        'The dashboard server cannot reach pizzashop-api at http://localhost:8080 (ECONNREFUSED). Showing the data of 13:37:30, marked stale. Reconnecting in 4 s; the page recovers by itself.',
    });
  });

  it('names Pinot when the API answers 503', () => {
    const banner = bannerFor({ ...withData, failure: { kind: 'pinot-unavailable', message: 'Pinot could not answer', status: 503 }, failureSince: T0 }, T0 + 1000, 'UTC');
    expect(banner?.title).toBe('Pinot unavailable for 1 s: the API answers 503');
    expect(banner?.detail).toBe('Pinot could not answer. Showing the data of 13:37:30, marked stale. The page recovers by itself.');
  });

  it('reports silence without an error, and a failure before any data', () => {
    expect(bannerFor(withData, T0 + 30_000, 'UTC')?.title).toBe('No update for 30 s');
    expect(bannerFor({ ...base, failure: { kind: 'dashboard-unreachable', message: 'x' } }, T0)?.detail).toBe('X. No data yet. The page recovers by itself.');
  });
});
