import type { Services } from '../src/app/services.ts';
import type { OrderInput } from '../src/modules/orders/index.ts';

/**
 * `n` new completed orders, one each for the first `n` customers by id, a millisecond apart from
 * `at` (after the data's end: what an incremental scoring run picks up). Through the order service,
 * as an import would write them. Returns how many were written.
 */
export async function addOrders(services: Services, ws: string, n: number, at: Date): Promise<number> {
  const { rows: picked } = await services.db.query<{ external_id: string }>(
    `SELECT external_id FROM customers WHERE workspace_id = $1 AND external_id IS NOT NULL ORDER BY id LIMIT $2`,
    [ws, n],
  );
  const stamp = Date.now().toString(36);
  const orders: OrderInput[] = picked.map((c, i) => ({
    externalId: `bench-new-${stamp}-${i}`,
    customerExternalId: c.external_id,
    status: 'completed',
    currency: 'JPY',
    orderedAt: new Date(at.getTime() + i),
    totalMinor: 4980,
    discountMinor: 0,
    taxMinor: 0,
    shippingMinor: 0,
    lines: [],
  }));
  for (let i = 0; i < orders.length; i += 1000) await services.orders.upsertMany(ws, orders.slice(i, i + 1000));
  return orders.length;
}
