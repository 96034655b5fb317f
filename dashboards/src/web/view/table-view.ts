// The dashboard's top-items and top-categories tables: built from one template, rows rendered from /orders/popular.
import { categoryLabel, categoryPlaceholder } from '../categories.js';
import { formatCount, formatRatio } from '../format.js';
import type { Popular, WindowName } from '../schemas.js';
import { byId, el, setText } from './dom.js';
import { WINDOW_TEXT } from './windows.js';

interface Row {
  picture: { src: string; fallback: string };
  name: string;
  orders: number;
  quantity: number;
}

/** Image sources that failed once: later renders use the placeholder straight away (no flash, no refetch). */
const failedImages = new Set<string>();

function picture({ src, fallback }: Row['picture']): HTMLImageElement {
  const img = el('img', 'thumb');
  img.alt = '';
  img.width = 40;
  img.height = 40;
  img.decoding = 'async';
  img.addEventListener('error', () => {
    failedImages.add(src);
    if (img.src !== fallback) img.src = fallback;
  });
  img.src = !src || failedImages.has(src) ? fallback : src;
  return img;
}

function renderRows(table: HTMLTableElement, rows: Row[], emptyText: string): void {
  const body = table.tBodies[0]!;
  if (rows.length === 0) {
    const cell = el('td', 'empty', emptyText);
    cell.colSpan = 5;
    const tr = el('tr');
    tr.append(cell);
    body.replaceChildren(tr);
    return;
  }
  body.replaceChildren(
    ...rows.map((row) => {
      const tr = el('tr');
      const pic = el('td', 'pic');
      pic.append(picture(row.picture));
      const name = el('th', 'name', row.name);
      name.scope = 'row';
      tr.append(
        pic,
        name,
        el('td', 'num', formatCount(row.orders)),
        el('td', 'num', formatCount(row.quantity)),
        el('td', 'num', row.orders > 0 ? formatRatio(row.quantity / row.orders) : '—'),
      );
      return tr;
    }),
  );
}

/**
 * Fills the card for `id` (`data-top-table`) with a copy of the one top-table template: its id, the
 * caption's label and the name column's header come from the card's data attributes.
 */
function topTable(id: string): HTMLTableElement {
  const card = document.querySelector<HTMLElement>(`[data-top-table="${id}"]`);
  if (!card) throw new Error(`dashboard page: the card for #${id} is missing from index.html`);
  const table = byId<HTMLTemplateElement>('top-table').content.firstElementChild!.cloneNode(true) as HTMLTableElement;
  table.id = id;
  table.querySelector('.top-label')!.textContent = card.dataset.label ?? '';
  table.querySelector('.top-name')!.textContent = card.dataset.nameHeader ?? '';
  card.replaceChildren(table);
  return table;
}

/** The top items and top categories tables (one template, two copies); rebuilt only when their content changes. */
export class TablesView {
  private readonly items = topTable('top-items');
  private readonly categories = topTable('top-categories');
  private readonly windowLabels = [byId('tops-window'), ...document.querySelectorAll('.tops-window')];
  private lastKey = '';

  render(popular: Popular, window: WindowName): void {
    const period = WINDOW_TEXT[window].current;
    for (const label of this.windowLabels) setText(label, period);
    const key = JSON.stringify([popular, window]);
    if (key === this.lastKey) return;
    this.lastKey = key;
    renderRows(
      this.items,
      popular.items.map((item) => ({
        picture: { src: item.image, fallback: categoryPlaceholder(item.category) },
        name: item.product,
        orders: item.orders,
        quantity: item.quantity,
      })),
      `No items ordered in the ${period}.`,
    );
    renderRows(
      this.categories,
      popular.categories.map((c) => ({
        picture: { src: categoryPlaceholder(c.category), fallback: categoryPlaceholder(undefined) },
        name: categoryLabel(c.category),
        orders: c.orders,
        quantity: c.quantity,
      })),
      `No categories ordered in the ${period}.`,
    );
  }
}
