import type { Rng } from '../../analytics/random.ts';
import { samplePoisson } from '../../analytics/random.ts';
import type { OrderLineInput } from '../orders/types.ts';
import type { DemoCatalog, DemoProduct } from './catalog.ts';
import { chance, pick } from './choose.ts';

export interface Basket {
  lines: (OrderLineInput & { sku: string; name: string; category: string })[];
  /** Lines at shelf prices add up to at least the total; the rest is points and coupons used. */
  discountMinor: number;
}

/** A line must leave this much for the last line to fill, or the last line overshoots badly. */
const RESERVE = 1000;
const MAX_QUANTITY = 12;

/**
 * Fills an order whose total was drawn from the spend model: one to four lines at shelf prices,
 * mostly from the customer's favourite categories, chosen so that their sum reaches the total with
 * little to spare. The spare becomes the order's discount, so the total is exactly the draw.
 */
export function fillBasket(rng: Rng, catalog: DemoCatalog, favourites: readonly string[], totalMinor: number): Basket {
  const lineCount = 1 + Math.min(3, samplePoisson(rng, totalMinor / 8000));
  const lines: Basket['lines'] = [];
  let remaining = totalMinor;
  for (let i = 0; i < lineCount - 1; i++) {
    const share = (remaining / (lineCount - i)) * (0.6 + 0.6 * rng.next());
    const budget = Math.min(share, remaining - RESERVE);
    const affordable = categoryProducts(rng, catalog, favourites).filter((p) => p.priceMinor <= budget);
    if (affordable.length === 0) break;
    const product = chance(rng, 0.5) ? affordable[affordable.length - 1]! : pick(rng, affordable);
    const quantity = product.priceMinor * 2 <= budget && chance(rng, 0.3) ? 2 : 1;
    lines.push(line(product, quantity));
    remaining -= product.priceMinor * quantity;
  }
  if (remaining > 0) {
    const last = closestCover(categoryProducts(rng, catalog, favourites), remaining);
    const cover = last.overshoot <= 0.15 ? last : closestCover(catalog.byPrice, remaining);
    lines.push(line(cover.product, cover.quantity));
    remaining -= cover.product.priceMinor * cover.quantity;
  }
  return { lines, discountMinor: -remaining };
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
