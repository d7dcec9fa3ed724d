import type { Rng } from '../../analytics/random.ts';
import type { ProductInput } from '../catalog/index.ts';
import { between, pick, streamFor, Weighted } from './choose.ts';
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
  /** Products that go together (mostly of one category, a few across two): each customer likes a couple of them. */
  bundles: DemoProduct[][];
  /** Everyday consumables (rice, coffee, pet food, skin care, supplements): the one a customer likes is bought again and again. */
  staples: DemoProduct[];
}

const CATALOG_STREAM = 1;
const BUNDLES_PER_CATEGORY = 5;
const CROSS_BUNDLES = 10;
const STAPLE_ITEMS = ['化粧水', 'クレンジングオイル', '緑茶', 'ドリップコーヒー', '新潟産コシヒカリ5kg', 'マルチビタミン', 'プロテイン', 'ドッグフード', 'キャットフード', '猫砂'];

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
  const categoryMix = new Weighted(CATEGORIES.map((c) => [c.name, c.weight] as const));
  // Drawn after the products from the same stream, so products and prices are what they were before bundles existed.
  const bundles: DemoProduct[][] = [];
  for (const list of byCategory.values()) {
    for (let b = 0; b < BUNDLES_PER_CATEGORY; b++) bundles.push(distinct(rng, list, 3));
  }
  for (let b = 0; b < CROSS_BUNDLES; b++) {
    const first = categoryMix.pick(rng);
    let second = categoryMix.pick(rng);
    while (second === first) second = categoryMix.pick(rng);
    bundles.push([pick(rng, byCategory.get(first)!), pick(rng, byCategory.get(second)!)]);
  }
  return {
    products,
    byCategory,
    byPrice: [...products].sort((x, y) => x.priceMinor - y.priceMinor),
    categoryMix,
    bundles,
    staples: products.filter((p) => STAPLE_ITEMS.some((item) => p.name.startsWith(`${item} `))),
  };
}

/** `n` different products of `list`. */
function distinct(rng: Rng, list: readonly DemoProduct[], n: number): DemoProduct[] {
  const chosen = new Set<DemoProduct>();
  while (chosen.size < n) chosen.add(pick(rng, list));
  return [...chosen];
}

/** Prices as Japanese shops write them: ¥2,980 and ¥1,480 above a thousand, round tens below. */
function shelfPrice(yen: number): number {
  return yen >= 1000 ? Math.floor(yen / 500) * 500 + (yen % 500 >= 250 ? 480 : -20) : Math.max(100, Math.round(yen / 10) * 10);
}

export function productInputs(catalog: DemoCatalog): ProductInput[] {
  return catalog.products.map((p) => ({ sku: p.sku, name: p.name, category: p.category, priceMinor: p.priceMinor, currency: 'JPY' }));
}
