import { samplePoisson, type Rng } from '../../analytics/random.ts';
import type { EventInput } from '../events/index.ts';
import type { OrderInput } from '../orders/index.ts';
import type { DemoCatalog, DemoProduct } from './catalog.ts';
import { chance, intBetween, pick } from './choose.ts';
import { CATEGORIES } from './products.ts';

const MINUTE = 60_000;

const PAGES = [
  { path: '/', title: 'トップページ' },
  { path: '/sale', title: 'セール' },
  { path: '/ranking', title: 'ランキング' },
  ...CATEGORIES.map((c) => ({ path: `/category/${c.code.toLowerCase()}`, title: `${c.name}一覧` })),
];

export interface ActivityWindow {
  /** When the customer first came (browsing starts a little before the first order). */
  from: number;
  /** When they stop visiting: the end of data while active, some weeks after the last order once lapsed. */
  until: number;
}

/**
 * Browsing as a shop's tag would record it: half the orders are preceded by a view and an add to
 * cart of their first item, and a few visits (a page, often a product) fall in the customer's
 * active period. Events are ordered by time; none is after `until`.
 */
export function browsingEvents(
  rng: Rng,
  catalog: DemoCatalog,
  favourites: readonly string[],
  customerExternalId: string,
  orders: readonly OrderInput[],
  window: ActivityWindow,
): EventInput[] {
  const events: { name: string; at: number; properties: Record<string, unknown> }[] = [];
  for (const order of orders) {
    if (!chance(rng, 0.5)) continue;
    const first = order.lines[0]!;
    const product = { sku: first.sku!, name: first.name!, category: first.category!, priceMinor: first.unitPriceMinor };
    const at = order.orderedAt.getTime();
    events.push({ name: 'Product Viewed', at: at - intBetween(rng, 6, 60) * MINUTE, properties: productProperties(product) });
    events.push({ name: 'Added to Cart', at: at - intBetween(rng, 1, 5) * MINUTE, properties: { ...productProperties(product), quantity: first.quantity } });
  }
  const visits = samplePoisson(rng, 1.5);
  for (let i = 0; i < visits; i++) {
    const at = window.from + rng.next() * (window.until - window.from);
    const page = pick(rng, PAGES);
    events.push({ name: 'Page Viewed', at, properties: { path: page.path, title: page.title } });
    if (chance(rng, 0.6)) {
      const category = chance(rng, 0.7) ? pick(rng, favourites) : catalog.categoryMix.pick(rng);
      const product = pick(rng, catalog.byCategory.get(category)!);
      events.push({ name: 'Product Viewed', at: at + intBetween(rng, 1, 5) * MINUTE, properties: productProperties(product) });
    }
  }
  return events
    .filter((e) => e.at <= window.until)
    .sort((x, y) => x.at - y.at)
    .map((e, n) => ({
      messageId: `${customerExternalId}-e${n + 1}`,
      customerExternalId,
      name: e.name,
      properties: e.properties,
      occurredAt: new Date(Math.round(e.at)),
    }));
}

/** Segment's e-commerce spec names (product_id, sku, price); JPY amounts have no decimals. */
function productProperties(p: DemoProduct): Record<string, unknown> {
  return { product_id: p.sku, sku: p.sku, name: p.name, category: p.category, price: p.priceMinor, currency: 'JPY' };
}
