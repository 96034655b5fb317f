// The header's live/stale/disconnected/connecting indicator and the outage banner, from the feed state.
import { DISCONNECTED_KINDS } from './failures.js';
import { formatClock, formatDuration } from './format.js';
import type { FeedState } from './live-feed.js';

/**
 * The header indicator: `live` (fresh data, nothing wrong), `stale` (the API answers but without
 * new data, or no update for a while), `disconnected` (the page cannot reach the API), or
 * `connecting` (nothing received yet).
 */
export type LinkStatus = 'connecting' | 'live' | 'stale' | 'disconnected';

/** Data older than this counts as stale even without an error (the stream delivers every second). */
export const STALE_AFTER_MS = 10_000;

export function linkStatus(state: Readonly<FeedState>, now: number): LinkStatus {
  if (state.failure && DISCONNECTED_KINDS.has(state.failure.kind)) return 'disconnected';
  if (!state.snapshot || state.receivedAt === undefined) return state.failure ? 'stale' : 'connecting';
  if (state.failure || now - state.receivedAt > STALE_AFTER_MS) return 'stale';
  return 'live';
}

export interface Banner {
  /** What is down, in one line. */
  title: string;
  /** The underlying message and what the page does about it. */
  detail: string;
}

/** The outage banner, or null when there is nothing to report. Says which component is down. */
export function bannerFor(state: Readonly<FeedState>, now: number, timeZone?: string): Banner | null {
  const kept = state.snapshot && state.receivedAt !== undefined ? `Showing the data of ${formatClock(state.receivedAt, timeZone)}, marked stale.` : 'No data yet.';
  const retry =
    state.transport === 'polling' && state.nextRetryAt !== undefined
      ? ` Reconnecting${state.nextRetryAt > now ? ` in ${formatDuration(state.nextRetryAt - now)}` : ''}; the page recovers by itself.`
      : ' The page recovers by itself.';
  const failure = state.failure;
  if (failure) {
    const since = state.failureSince !== undefined ? ` for ${formatDuration(now - state.failureSince)}` : '';
    const titles = {
      'dashboard-unreachable': `Dashboard server unreachable${since}`,
      'api-unreachable': `pizzashop-api unreachable${since}`,
      'pinot-unavailable': `Pinot unavailable${since}: the API answers 503`,
      'api-error': `The API answers with an error${since}`,
    } as const;
    const message = failure.message.replace(/\.$/, '');
    return { title: titles[failure.kind], detail: `${message.charAt(0).toUpperCase()}${message.slice(1)}. ${kept}${retry}` };
  }
  if (state.snapshot && state.receivedAt !== undefined && now - state.receivedAt > STALE_AFTER_MS) {
    return { title: `No update for ${formatDuration(now - state.receivedAt)}`, detail: `${kept}${retry}` };
  }
  return null;
}
