import type { Queryable } from '../db/database.ts';
import type { UpsertResult } from '../db/upsert.ts';
import type { CustomerInput, CustomerService } from '../modules/customers/index.ts';
import type { EventService } from '../modules/events/index.ts';
import type { OrderService } from '../modules/orders/index.ts';

export interface IdentifyModules {
  customers: CustomerService;
  events: EventService;
  orders: OrderService;
}

/**
 * Identify-and-merge, as Segment's identify does: upsert customers; where an `anonymousId` turns
 * out to be an anonymous visitor's, that visitor's events and orders move to the customer and the
 * visitor goes. Runs in the caller's transaction (a batch is all-or-nothing).
 */
export class IdentifyFlow {
  constructor(private readonly m: IdentifyModules) {}

  async run(ws: string, inputs: CustomerInput[], tx: Queryable): Promise<UpsertResult> {
    const { customers, events, orders } = this.m;
    const { merges, ...result } = await customers.upsertMany(ws, inputs, tx);
    for (const { from, to } of merges) {
      await events.moveCustomer(ws, from, to, tx);
      await orders.moveCustomer(ws, from, to, tx);
    }
    await customers.removeAnonymous(ws, merges.map((m) => m.from), tx);
    return result;
  }
}
