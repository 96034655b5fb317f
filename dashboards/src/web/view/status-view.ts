// Renders the header indicator, last update time, outage banner and stale marker.
import { formatClock, formatDuration } from '../format.js';
import { bannerFor, linkStatus, type LinkStatus } from '../link-status.js';
import type { FeedState } from '../live-feed.js';
import { byId, setAttr, setText } from './dom.js';

const STATUS_TEXT: Record<LinkStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  stale: 'Stale',
  disconnected: 'Disconnected',
};

/** Header indicator and last update, the outage banner, and the stale marker over the figures. */
export class StatusView {
  private readonly status = byId('link-status');
  private readonly statusText = byId('link-status-text');
  private readonly lastUpdate = byId<HTMLTimeElement>('last-update');
  private readonly lastUpdateAge = byId('last-update-age');
  private readonly banner = byId('banner');
  private readonly bannerTitle = byId('banner-title');
  private readonly bannerDetail = byId('banner-detail');
  private readonly main = byId('main');
  private readonly staleMarker = byId('stale-marker');
  private readonly transport = byId('transport');

  render(state: Readonly<FeedState>, now: number): void {
    const status = linkStatus(state, now);
    setAttr(this.status, 'data-status', status);
    setText(this.statusText, STATUS_TEXT[status]);

    if (state.snapshot && state.receivedAt !== undefined) {
      setText(this.lastUpdate, formatClock(state.receivedAt));
      setAttr(this.lastUpdate, 'datetime', new Date(state.receivedAt).toISOString());
      setText(this.lastUpdateAge, `(${formatDuration(now - state.receivedAt)} ago)`);
    }

    const banner = bannerFor(state, now);
    this.banner.hidden = banner === null;
    setText(this.bannerTitle, banner?.title ?? '');
    setText(this.bannerDetail, banner?.detail ?? '');
    if (state.failure) setAttr(this.banner, 'data-kind', state.failure.kind);
    else this.banner.removeAttribute('data-kind');

    const otherWindow = state.snapshot !== undefined && state.snapshot.overview.window !== state.window;
    const stale = state.snapshot !== undefined && (status !== 'live' || otherWindow);
    setAttr(this.main, 'data-stale', String(stale));
    this.staleMarker.hidden = !stale;
    if (stale && state.receivedAt !== undefined) {
      setText(
        this.staleMarker,
        status === 'live'
          ? 'Updating to the new window…'
          : `Stale: these figures are from ${formatClock(state.receivedAt)} (${formatDuration(now - state.receivedAt)} ago)`,
      );
    }
    setText(
      this.transport,
      state.transport === 'stream' ? 'Streaming.' : state.transport === 'polling' ? 'Stream down: polling every few seconds.' : 'Connecting…',
    );
  }
}
