import type { ProductInput } from '../catalog/types.ts';
import { between, streamFor, Weighted } from './choose.ts';
import { CATEGORIES } from './products.ts';

export interface DemoProduct {
  sku: string;
  name: string;
  category: string;
  priceMinor: number;
}

export interface DemoCatalog {
  products: DemoProduct[];
  /** Products of each category, cheapest first. */
  byCategory: Map<string, DemoProduct[]>;
  /** Every product, cheapest first. */
  byPrice: DemoProduct[];
  /** Categories in proportion to their share of purchases. */
  categoryMix: Weighted<string>;
}

const CATALOG_STREAM = 1;

/** Two SKUs (variants) of every item: 200 products in 10 categories, prices jittered by the seed. */
export function buildCatalog(seed: number): DemoCatalog {
  const rng = streamFor(seed, CATALOG_STREAM, 0);
  const products: DemoProduct[] = [];
  for (const category of CATEGORIES) {
    let n = 0;
    for (const item of category.items) {
      const first = Math.floor(rng.next() * category.variants.length);
      const second = (first + 1 + Math.floor(rng.next() * (category.variants.length - 1))) % category.variants.length;
      for (const variant of [category.variants[first]!, category.variants[second]!]) {
        n++;
        products.push({
          sku: `${category.code}-${String(n).padStart(3, '0')}`,
          name: `${item.name} ${variant.label}`,
          category: category.name,
          priceMinor: shelfPrice(item.price * variant.factor * between(rng, 0.9, 1.1)),
        });
      }
    }
  }
  const byCategory = new Map<string, DemoProduct[]>();
  for (const p of products) byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), p]);
  for (const list of byCategory.values()) list.sort((x, y) => x.priceMinor - y.priceMinor);
  return {
    products,
    byCategory,
    byPrice: [...products].sort((x, y) => x.priceMinor - y.priceMinor),
    categoryMix: new Weighted(CATEGORIES.map((c) => [c.name, c.weight] as const)),
  };
}

/** Prices as Japanese shops write them: ¥2,980 and ¥1,480 above a thousand, round tens below. */
function shelfPrice(yen: number): number {
  return yen >= 1000 ? Math.floor(yen / 500) * 500 + (yen % 500 >= 250 ? 480 : -20) : Math.max(100, Math.round(yen / 10) * 10);
}

export function productInputs(catalog: DemoCatalog): ProductInput[] {
  return catalog.products.map((p) => ({ sku: p.sku, name: p.name, category: p.category, priceMinor: p.priceMinor, currency: 'JPY' }));
}
