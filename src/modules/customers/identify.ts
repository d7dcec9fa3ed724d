import type { Queryable } from '../../db/database.ts';
import type { EventService } from '../events/index.ts';
import type { OrderService } from '../orders/index.ts';
import type { CustomerService } from './service.ts';
import type { UpsertResult } from '../../db/upsert.ts';
import type { CustomerInput } from './types.ts';

/**
 * Upserts customers; where an `anonymousId` turns out to be an anonymous visitor's, that visitor's
 * events and orders move to the customer and the visitor goes, as Segment's identify does.
 */
export async function upsertCustomers(
  services: { customers: CustomerService; events: EventService; orders: OrderService },
  ws: string, inputs: CustomerInput[], tx: Queryable): Promise<UpsertResult> {
  const { merges, ...result } = await services.customers.upsertMany(ws, inputs, tx);
  for (const { from, to } of merges) {
    await services.events.moveCustomer(ws, from, to, tx);
    await services.orders.moveCustomer(ws, from, to, tx);
  }
  await services.customers.removeAnonymous(ws, merges.map((m) => m.from), tx);
  return result;
}
