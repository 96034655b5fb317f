/** The response cache of overview, popular and ordersPerMinute, shared by the REST routes and the stream. */
import { SharedCache, type SharedCacheOptions } from '@pizzashop/common';
import type { OrdersAnalytics } from './analytics.js';
import { DerivedMemo, render, type Rendered } from './rendered.js';
import {
  ordersPerMinuteResponseSchema,
  overviewResponseSchema,
  popularResponseSchema,
  type OrdersPerMinute,
  type OrdersPerMinuteQuery,
  type Overview,
  type OverviewQuery,
  type Popular,
  type PopularQuery,
  type StreamQuery,
} from '@pizzashop/common/api-contracts';

/** A cached answer is returned as is; only a miss costs a promise. */
export type Lookup<T> = T | Promise<T>;

/** Popular is fetched once per window with the largest limit anyone may ask for, and cut per request. */
const POPULAR_FETCH_LIMIT = 50;

/**
 * The answers of the dashboard routes, shared by REST and the stream: each parameter set (`at`
 * already rounded to the minute) is loaded from Pinot at most once per cache TTL however many
 * clients ask, and served as pre-serialised JSON bytes with an ETag. Popular lists of every
 * `limit` come from one top-50 query per window. With a TTL of 0 every request loads.
 */
export class ApiViews {
  private readonly overviews: SharedCache<Rendered<Overview>>;
  private readonly popularLists: SharedCache<Popular>;
  private readonly perMinute: SharedCache<Rendered<OrdersPerMinute>>;
  private readonly popularByLimit = new DerivedMemo<Popular, number, Rendered<Popular>>();

  constructor(
    private readonly analytics: OrdersAnalytics,
    cache: SharedCacheOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.overviews = new SharedCache(cache);
    this.popularLists = new SharedCache(cache);
    this.perMinute = new SharedCache(cache);
  }

  overview(query: OverviewQuery): Lookup<Rendered<Overview>> {
    const key = `${query.window}|${query.at ?? ''}`;
    const load = async () => render(overviewResponseSchema, await this.analytics.overview(query));
    return this.overviews.peek(key, 'overview', load) ?? this.overviews.get(key, 'overview', load);
  }

  popular(query: PopularQuery): Lookup<Rendered<Popular>> {
    const key = `${query.window}|${query.at ?? ''}`;
    const load = () => this.analytics.popular({ window: query.window, at: query.at, limit: POPULAR_FETCH_LIMIT });
    const cut = (list: Popular) =>
      this.popularByLimit.get(list, query.limit, () =>
        render(popularResponseSchema, { items: list.items.slice(0, query.limit), categories: list.categories.slice(0, query.limit) }),
      );
    const ready = this.popularLists.peek(key, 'popular', load);
    return ready ? cut(ready) : this.popularLists.get(key, 'popular', load).then(cut);
  }

  ordersPerMinute(query: OrdersPerMinuteQuery): Lookup<Rendered<OrdersPerMinute>> {
    const key = `${query.minutes}|${query.at ?? ''}`;
    const load = async () => render(ordersPerMinuteResponseSchema, await this.analytics.ordersPerMinute(query));
    return this.perMinute.peek(key, 'orders-per-minute', load) ?? this.perMinute.get(key, 'orders-per-minute', load);
  }

  /** The stream's Snapshot as JSON text, assembled from the three cached answers without re-serialising them. */
  async snapshot({ window, limit, minutes }: StreamQuery): Promise<string> {
    const [overview, popular, ordersPerMinute] = await Promise.all([
      this.overview({ window, at: undefined }),
      this.popular({ window, limit, at: undefined }),
      this.ordersPerMinute({ minutes, at: undefined }),
    ]);
    const generatedAt = new Date(this.clock()).toISOString();
    return `{"generatedAt":"${generatedAt}","overview":${overview.body.toString()},"popular":${popular.body.toString()},"ordersPerMinute":${ordersPerMinute.body.toString()}}`;
  }
}
