import type { Services } from '../../app/services.ts';
import type { OrderInput } from '../orders/types.ts';

const DAY = 86_400_000;

/** Orders of `customer`, one per basket, a day apart and ending yesterday. */
function orders(customer: string, ...baskets: string[][]): OrderInput[] {
  const now = Date.now();
  return baskets.map((skus, i) => ({
    externalId: `${customer}-${i}`,
    customerExternalId: customer,
    status: 'completed',
    currency: 'JPY',
    orderedAt: new Date(now - (baskets.length - i) * DAY),
    discountMinor: 0,
    taxMinor: 0,
    shippingMinor: 0,
    lines: skus.map((sku) => ({ sku, quantity: 1, unitPriceMinor: 1000 })),
  }));
}

/**
 * A small shop for tests: campers buy a tent with a sleeping bag (and a lamp), a cook a stove with
 * a lamp; rice is bought again and again; T-shirts and mugs are popular alone. alice bought a tent
 * and rice, bob a T-shirt; newbie bought nothing; viewer only looked at a sleeping bag. 42 orders
 * of 31 customers, 7 products.
 */
export async function seedShop(services: Services, ws: string): Promise<void> {
  const skus = ['TENT', 'BAG', 'LAMP', 'STOVE', 'RICE', 'TEE', 'MUG'];
  await services.catalog.upsertMany(
    ws,
    skus.map((sku) => ({ sku, name: sku.toLowerCase(), category: ['TEE', 'MUG'].includes(sku) ? 'home' : 'outdoor', priceMinor: 1000, currency: 'JPY' })),
  );
  await services.orders.upsertMany(ws, [
    ...Array.from({ length: 6 }, (_, i) => orders(`camper-${i}`, i % 2 ? ['TENT', 'BAG', 'LAMP'] : ['TENT', 'BAG'])).flat(),
    ...orders('cook', ['STOVE', 'LAMP']),
    ...Array.from({ length: 10 }, (_, i) => orders(`eater-${i}`, ['RICE'], ['RICE'])).flat(),
    ...Array.from({ length: 12 }, (_, i) => orders(`casual-${i}`, [i % 3 ? 'TEE' : 'MUG'])).flat(),
    ...orders('alice', ['TENT'], ['RICE']),
    ...orders('bob', ['TEE']),
  ]);
  await services.customers.upsertMany(ws, [{ externalId: 'newbie' }, { externalId: 'viewer' }]);
  await services.events.insertMany(ws, [
    { messageId: 'v1', customerExternalId: 'viewer', name: 'Product Viewed', properties: { sku: 'BAG' }, occurredAt: new Date(Date.now() - DAY) },
  ]);
}
