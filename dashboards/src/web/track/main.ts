// The customer's tracking page: /track/<order id>. The order comes from /api/orders/<id>, then
// live from /api/orders/<id>/stream (server-sent events); the map is an SVG drawn from the data.
import { byId, setAttr, setText } from '../view/dom.js';
import { clock, etaText, fitProjection, orderIdFromPath, STATUS_LABELS, timeline, trackedOrderSchema, type TrackedOrder } from './model.js';

const SVG_W = 400;
const SVG_H = 300;
const RETRY_MS = 3000;

const main = byId('main');
let latest: TrackedOrder | undefined;

function showProblem(title: string, detail: string): void {
  setAttr(main, 'data-state', 'problem');
  byId('problem').hidden = false;
  byId('order').hidden = true;
  setText(byId('problem-title'), title);
  setText(byId('problem-detail'), detail);
  document.title = `${title} · Pizzashop`;
}

function render(order: TrackedOrder): void {
  latest = order;
  setAttr(main, 'data-state', 'order');
  byId('problem').hidden = true;
  byId('order').hidden = false;
  setText(byId('order-id'), order.id);
  const status = order.tracking.status ?? 'PLACED_ORDER';
  const current = byId('current-status');
  setText(current, STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? status);
  setAttr(current, 'data-status', status);
  setText(byId('eta'), etaText(order, Date.now()));
  document.title = `${current.textContent} · order tracking · Pizzashop`;

  const list = byId('timeline');
  const steps = timeline(order);
  const items = steps.map((step) => {
    const li = document.createElement('li');
    li.dataset.status = step.status;
    li.dataset.state = step.state;
    if (step.state === 'current') li.setAttribute('aria-current', 'step');
    const label = document.createElement('span');
    label.textContent = step.label;
    li.append(label);
    if (step.at) {
      const time = document.createElement('time');
      time.dateTime = step.at;
      time.textContent = clock(step.at);
      li.append(time);
    }
    return li;
  });
  if (list.innerHTML !== items.map((li) => li.outerHTML).join('')) list.replaceChildren(...items);
  drawMap(order);
}

function drawMap(order: TrackedOrder): void {
  const { shop, courier, track } = order.tracking;
  const home = { lat: order.deliveryLat, lon: order.deliveryLon };
  const trackPoints = track.map(([lat, lon]) => ({ lat, lon }));
  const project = fitProjection([shop, home, ...trackPoints], SVG_W, SVG_H);
  const at = (p: { lat: number; lon: number }) => project(p);
  const place = (id: string, p: { lat: number; lon: number }) => {
    const { x, y } = at(p);
    setAttr(byId(id), 'transform', `translate(${x.toFixed(1)} ${y.toFixed(1)})`);
  };
  place('shop', shop);
  place('home', home);
  const line = (ps: { lat: number; lon: number }[]) => ps.map((p) => at(p)).map(({ x, y }) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  setAttr(byId('route'), 'points', line([shop, home]));
  setAttr(byId('track'), 'points', line(trackPoints));
  const courierEl = byId('courier') as unknown as SVGGElement;
  if (courier) {
    place('courier', courier);
    courierEl.removeAttribute('hidden');
    setAttr(courierEl, 'data-lat', String(courier.lat));
    setAttr(courierEl, 'data-lon', String(courier.lon));
  }
  const summary =
    order.tracking.status === 'DELIVERED'
      ? 'The courier has arrived at your address.'
      : courier
        ? `The courier was last seen at ${clock(courier.at)} and has covered ${track.length > 1 ? 'part' : 'none'} of the way.`
        : 'The courier leaves the shop once your pizza is ready.';
  setText(byId('map-summary'), summary);
}

function setLink(text: string): void {
  setText(byId('link'), text);
}

function follow(id: string): void {
  const source = new EventSource(`/api/orders/${id}/stream`);
  source.addEventListener('open', () => setLink('Live'));
  source.addEventListener('order', (e) => {
    const parsed = trackedOrderSchema.safeParse(JSON.parse((e as MessageEvent<string>).data));
    if (parsed.success) render(parsed.data);
    setLink('Live');
  });
  source.addEventListener('failure', () => setLink('Updates delayed: the order data is unavailable for a moment'));
  source.addEventListener('error', () => setLink('Reconnecting…'));
}

async function load(id: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`/api/orders/${id}`, { headers: { accept: 'application/json' } });
  } catch {
    setLink('Offline: retrying…');
    setTimeout(() => void load(id), RETRY_MS);
    return;
  }
  if (res.status === 404) {
    showProblem('We cannot find this order', `No order ${id} is known yet. A new order shows up within seconds; this page keeps looking.`);
    setLink('Looking for your order…');
    setTimeout(() => void load(id), RETRY_MS);
    return;
  }
  if (!res.ok) {
    setLink('The order data is unavailable for a moment: retrying…');
    setTimeout(() => void load(id), RETRY_MS);
    return;
  }
  const parsed = trackedOrderSchema.safeParse(await res.json());
  if (!parsed.success) {
    showProblem('Something went wrong', 'The order could not be read; please reload the page.');
    return;
  }
  render(parsed.data);
  follow(id);
}

const id = orderIdFromPath(location.pathname);
if (id === null) {
  showProblem('That is not an order number', 'Order numbers look like 0b7d3a5e-2f6c-4c1e-9b43-7d1f2a6e8c91: check the link in your confirmation.');
  setLink('');
} else {
  void load(id);
  setInterval(() => latest && setText(byId('eta'), etaText(latest, Date.now())), 5000);
}
