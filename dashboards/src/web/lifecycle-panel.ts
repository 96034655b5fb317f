// The operator page's kitchen and deliveries panel: time-in-status percentiles, stuck orders and a
// map of couriers on the road, each order linking to its tracking page. Polled every few seconds.
import { z } from 'zod';
import { fitProjection, STATUS_LABELS } from './track/model.js';
import { byId, el, setText } from './view/dom.js';

const statusTimesSchema = z.object({
  statuses: z.array(z.object({ status: z.string(), orders: z.number(), p50Ms: z.number().nullable(), p90Ms: z.number().nullable(), p99Ms: z.number().nullable(), maxMs: z.number().nullable() })),
});
const stuckSchema = z.object({ orders: z.array(z.object({ id: z.string(), status: z.string(), minutesInStatus: z.number() })) });
const activeSchema = z.object({ center: z.object({ lat: z.number(), lon: z.number() }), couriers: z.array(z.object({ id: z.string(), lat: z.number(), lon: z.number() })) });

const POLL_MS = 5000;
const SVG_NS = 'http://www.w3.org/2000/svg';
const label = (status: string) => STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? status;

/** "42 s", "3.5 min": a duration as an operator reads it. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 60_000).toFixed(1)} min`;
}

async function getJson<T>(path: string, schema: z.ZodType<T>): Promise<T | undefined> {
  try {
    const res = await fetch(`/api${path}`, { headers: { accept: 'application/json' } });
    if (!res.ok) return undefined;
    const parsed = schema.safeParse(await res.json());
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function trackLink(id: string, text: string): HTMLAnchorElement {
  const a = el('a', undefined, text);
  a.href = `/track/${id}`;
  return a;
}

async function refresh(): Promise<void> {
  const [times, stuck, active] = await Promise.all([
    getJson('/orders/statuses?window=15m', statusTimesSchema),
    getJson('/orders/stuck?minutes=10&limit=10', stuckSchema),
    getJson('/deliveries/active?km=30&limit=300', activeSchema),
  ]);
  if (times) {
    byId('kitchen').querySelector('tbody')!.replaceChildren(
      ...times.statuses.map((s) => {
        const tr = el('tr');
        const th = el('th', undefined, label(s.status));
        th.scope = 'row';
        tr.append(th, ...[s.p50Ms, s.p90Ms, s.p99Ms, s.maxMs].map((v) => el('td', 'num', formatDuration(v))));
        return tr;
      }),
    );
  }
  if (stuck) {
    const items = stuck.orders.map((o) => {
      const li = el('li');
      li.append(trackLink(o.id, o.id.slice(0, 8)), ` ${label(o.status)} for ${o.minutesInStatus} min`);
      return li;
    });
    byId('stuck').replaceChildren(...(items.length > 0 ? items : [el('li', 'muted', 'None: every order is moving.')]));
  }
  if (active) {
    const svg = byId('couriers') as unknown as SVGSVGElement;
    const project = fitProjection([active.center, ...active.couriers], 400, 260, 16);
    const shop = document.createElementNS(SVG_NS, 'circle');
    const c = project(active.center);
    shop.setAttribute('class', 'shop');
    shop.setAttribute('cx', c.x.toFixed(1));
    shop.setAttribute('cy', c.y.toFixed(1));
    shop.setAttribute('r', '7');
    const dots = active.couriers.map((courier) => {
      const a = document.createElementNS(SVG_NS, 'a');
      a.setAttribute('href', `/track/${courier.id}`);
      a.setAttribute('aria-label', `Track order ${courier.id.slice(0, 8)}`);
      const dot = document.createElementNS(SVG_NS, 'circle');
      const p = project(courier);
      dot.setAttribute('cx', p.x.toFixed(1));
      dot.setAttribute('cy', p.y.toFixed(1));
      dot.setAttribute('r', '5');
      a.append(dot);
      return a;
    });
    svg.replaceChildren(shop, ...dots);
    setText(byId('couriers-count'), `· ${active.couriers.length}`);
  }
}

/** Starts polling the panel's three routes. */
export function startLifecyclePanel(): void {
  void refresh();
  setInterval(() => void refresh(), POLL_MS);
}
