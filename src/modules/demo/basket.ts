import type { Rng } from '../../analytics/random.ts';
import { samplePoisson } from '../../analytics/random.ts';
import type { OrderLineInput } from '../orders/index.ts';
import type { DemoCatalog, DemoProduct } from './catalog.ts';
import { chance, pick } from './choose.ts';

export interface Basket {
  lines: (OrderLineInput & { sku: string; name: string; category: string })[];
  /** Lines at shelf prices add up to at least the total; the rest is points and coupons used. */
  discountMinor: number;
}

/**
 * What a customer likes, beyond their two favourite categories: two bundles of products that go
 * together and perhaps a consumable they keep buying. It gives baskets and a customer's successive
 * orders shared structure (bought together, bought by the same people, bought again), which is what
 * recommendations learn from; without it every line would be an independent draw.
 */
export interface Taste {
  favourites: readonly string[];
  bundles: DemoProduct[][];
  staples: DemoProduct[];
}

export function drawTaste(rng: Rng, catalog: DemoCatalog, favourites: readonly string[]): Taste {
  const liked = catalog.bundles.filter((b) => favourites.includes(b[0]!.category));
  const bundles = [pick(rng, liked.length > 0 ? liked : catalog.bundles), pick(rng, catalog.bundles)];
  const consumables = catalog.staples.filter((p) => favourites.includes(p.category));
  const staples = consumables.length > 0 && chance(rng, 0.8) ? [pick(rng, consumables)] : [];
  return { favourites, bundles, staples };
}

/** A line must leave this much for the last line to fill, or the last line overshoots badly. */
const RESERVE = 1000;
const MAX_QUANTITY = 12;
/** Share of a customer's orders that restock their staple, when it fits the order. */
const REPLENISH = 0.5;

/**
 * Fills an order whose total was drawn from the spend model: one to four lines at shelf prices,
 * mostly from the customer's taste (the staple, products of their bundles they do not own yet) and
 * favourite categories, chosen so that their sum reaches the total with little to spare. The spare
 * becomes the order's discount, so the total is exactly the draw. `owned` is what the customer
 * bought before; this basket's products are added to it.
 */
export function fillBasket(rng: Rng, catalog: DemoCatalog, taste: Taste, owned: Set<string>, totalMinor: number): Basket {
  const favourites = taste.favourites;
  const lineCount = 1 + Math.min(3, samplePoisson(rng, totalMinor / 8000));
  const lines: Basket['lines'] = [];
  let remaining = totalMinor;
  const staple = taste.staples[0];
  if (staple && chance(rng, REPLENISH) && staple.priceMinor <= totalMinor - RESERVE) {
    lines.push(line(staple, 1));
    remaining -= staple.priceMinor;
  }
  for (let i = lines.length; i < lineCount - 1; i++) {
    const share = (remaining / (lineCount - i)) * (0.6 + 0.6 * rng.next());
    const budget = Math.min(share, remaining - RESERVE);
    const fits = (list: readonly DemoProduct[]) => list.filter((p) => p.priceMinor <= budget);
    const liked = fits(tasteProducts(rng, taste, owned));
    const affordable = liked.length > 0 ? liked : fits(categoryProducts(rng, catalog, favourites));
    if (affordable.length === 0) break;
    const product = chance(rng, 0.5) ? affordable[affordable.length - 1]! : pick(rng, affordable);
    const quantity = product.priceMinor * 2 <= budget && chance(rng, 0.3) ? 2 : 1;
    lines.push(line(product, quantity));
    remaining -= product.priceMinor * quantity;
  }
  if (remaining > 0) {
    const liked = tasteProducts(rng, taste, owned);
    const near = [liked, categoryProducts(rng, catalog, favourites)].filter((list) => list.length > 0).map((list) => closestCover(list, remaining));
    const cover = near.find((c) => c.overshoot <= 0.15) ?? closestCover(catalog.byPrice, remaining);
    lines.push(line(cover.product, cover.quantity));
    remaining -= cover.product.priceMinor * cover.quantity;
  }
  for (const l of lines) owned.add(l.sku);
  return { lines, discountMinor: -remaining };
}

/** Half the lines complete a bundle (products of it the customer does not own yet); the rest (empty list) browse the categories. */
function tasteProducts(rng: Rng, taste: Taste, owned: ReadonlySet<string>): DemoProduct[] {
  return chance(rng, 0.5) ? taste.bundles.flat().filter((p) => !owned.has(p.sku)) : [];
}

function categoryProducts(rng: Rng, catalog: DemoCatalog, favourites: readonly string[]): DemoProduct[] {
  const category = favourites.length > 0 && chance(rng, 0.7) ? pick(rng, favourites) : catalog.categoryMix.pick(rng);
  return catalog.byCategory.get(category)!;
}

/** The product and quantity that reach `amount` with the least overshoot, preferring few items. */
function closestCover(products: readonly DemoProduct[], amount: number): { product: DemoProduct; quantity: number; overshoot: number } {
  let best = { product: products[0]!, quantity: 1, overshoot: Infinity };
  let bestCost = Infinity;
  for (const product of products) {
    const quantity = Math.max(1, Math.ceil(amount / product.priceMinor));
    if (quantity > MAX_QUANTITY) continue;
    const overshoot = (product.priceMinor * quantity - amount) / amount;
    const cost = overshoot + 0.04 * (quantity - 1);
    if (cost < bestCost) {
      bestCost = cost;
      best = { product, quantity, overshoot };
    }
  }
  if (bestCost === Infinity) {
    // More than a dozen of the dearest item: buy as many of it as needed.
    const product = products[products.length - 1]!;
    const quantity = Math.ceil(amount / product.priceMinor);
    return { product, quantity, overshoot: (product.priceMinor * quantity - amount) / amount };
  }
  return best;
}

function line(product: DemoProduct, quantity: number): Basket['lines'][number] {
  return { sku: product.sku, name: product.name, category: product.category, quantity, unitPriceMinor: product.priceMinor };
}
