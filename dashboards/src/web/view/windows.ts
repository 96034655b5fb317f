// How each time window reads on the page: the current period and the one it is compared with.
import type { WindowName } from '../schemas.js';

/** How each window reads: the current period and the one it is compared with. */
export const WINDOW_TEXT: Record<WindowName, { current: string; previous: string; short: string }> = {
  '1m': { current: 'last minute', previous: 'the minute before', short: '1 min' },
  '5m': { current: 'last 5 minutes', previous: 'the 5 minutes before', short: '5 min' },
  '15m': { current: 'last 15 minutes', previous: 'the 15 minutes before', short: '15 min' },
  '1h': { current: 'last hour', previous: 'the hour before', short: '1 hour' },
};
