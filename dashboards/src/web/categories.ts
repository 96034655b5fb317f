// Product categories on the page: their display labels and placeholder pictures.
import beverages from './placeholders/beverages.svg';
import desserts from './placeholders/desserts.svg';
import other from './placeholders/other.svg';
import pasta from './placeholders/pasta.svg';
import pizzasNonVeg from './placeholders/pizzas-non-veg.svg';
import pizzasVeg from './placeholders/pizzas-veg.svg';
import sides from './placeholders/sides.svg';

/** The catalogue's categories: how they read on screen and the local picture that stands in for a product's. */
const KNOWN: Record<string, { label: string; placeholder: string }> = {
  'pizzas-veg': { label: 'Veg pizzas', placeholder: pizzasVeg },
  'pizzas-non-veg': { label: 'Non-veg pizzas', placeholder: pizzasNonVeg },
  pasta: { label: 'Pasta', placeholder: pasta },
  sides: { label: 'Sides', placeholder: sides },
  beverages: { label: 'Beverages', placeholder: beverages },
  desserts: { label: 'Desserts', placeholder: desserts },
};

/** "pizzas-veg" -> "Veg pizzas"; an unknown "kids-menu" -> "Kids menu". */
export function categoryLabel(category: string): string {
  const known = KNOWN[category];
  if (known) return known.label;
  const words = category.replace(/[-_]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Uncategorised';
}

/** The category's placeholder picture (a data: URL bundled into the page); a neutral one when unknown. */
export function categoryPlaceholder(category: string | undefined): string {
  return (category !== undefined ? KNOWN[category]?.placeholder : undefined) ?? other;
}
