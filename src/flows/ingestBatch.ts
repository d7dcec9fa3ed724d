import type { Queryable } from '../db/database.ts';
import { ValidationError, zodIssues } from '../kernel/errors.ts';
import type { AccountService } from '../modules/accounts/index.ts';
import type { CatalogService } from '../modules/catalog/index.ts';
import type { CustomerService } from '../modules/customers/index.ts';
import type { EventService } from '../modules/events/index.ts';
import type { IngestBatchOptions, IngestPlan, IngestResult } from '../modules/ingest/index.ts';
import { orderInput, type OrderInput, type OrderService } from '../modules/orders/index.ts';
import type { IdentifyFlow } from './identifyAndMerge.ts';

export interface IngestBatchModules {
  accounts: AccountService;
  customers: CustomerService;
  catalog: CatalogService;
  orders: OrderService;
  events: EventService;
  identify: IdentifyFlow;
}

/**
 * The write of one mapped Segment batch across the modules it touches, in the caller's transaction
 * (ingest validates and maps before, and asks for refreshes after COMMIT). Steps in order: accounts,
 * identify-and-merge, products, orders, cancellations, refunds, events.
 */
export class IngestBatchFlow {
  constructor(private readonly m: IngestBatchModules) {}

  async run(ws: string, plan: IngestPlan, tx: Queryable, { pathPrefix, merged, resolved }: IngestBatchOptions): Promise<IngestResult> {
    const { customers, accounts, catalog, orders, events, identify } = this.m;
    if (plan.accounts.length > 0) await accounts.upsertAccounts(ws, plan.accounts, tx);
    // An anonymous visitor who turns out to be a known customer: their history moves to that customer.
    const upserted = await identify.run(ws, plan.customers, tx);
    merged();
    if (plan.products.length > 0) await catalog.upsertMany(ws, plan.products, tx);

    if (plan.orders.length > 0) {
      const anonymous = await customers.resolveAliases(ws, plan.orders.flatMap((o) => (o.anonymousId ? [o.anonymousId] : [])), tx);
      const inputs: OrderInput[] = plan.orders.map(({ anonymousId, ...o }, i) => {
        const parsed = orderInput.safeParse({ ...o, customerId: anonymousId ? anonymous.get(anonymousId) : undefined });
        if (!parsed.success) throw new ValidationError('Invalid order', zodIssues(parsed.error, [...pathPrefix, 'orders', i]));
        return parsed.data;
      });
      await orders.upsertMany(ws, inputs, tx);
    }
    if (plan.cancellations.length > 0) await orders.cancelMany(ws, plan.cancellations.map((c) => c.orderExternalId), tx);

    let refunds = 0;
    if (plan.refunds.length > 0) {
      const refundInputs = [];
      for (const r of plan.refunds) {
        // No amount given means a full refund of what is left.
        const amountMinor = r.amountMinor ?? (await this.remaining(ws, r.orderExternalId, tx));
        if (amountMinor > 0) refundInputs.push({ externalId: r.externalId, orderExternalId: r.orderExternalId, amountMinor, refundedAt: r.refundedAt });
      }
      refunds = (await orders.refundMany(ws, refundInputs, tx)).created;
    }
    const stored = await events.insertMany(ws, plan.events, tx, { resolved });
    return {
      messages: plan.events.length,
      events: stored,
      customers: upserted.created + upserted.updated,
      orders: plan.orders.length,
      refunds,
    };
  }

  private async remaining(ws: string, orderExternalId: string, tx: Queryable): Promise<number> {
    const order = await this.m.orders.get(ws, orderExternalId, tx).catch(() => undefined);
    if (!order) throw new ValidationError('Refund for an unknown order', [{ path: ['properties', 'order_id'], message: `order ${orderExternalId} is unknown` }]);
    return order.totalMinor - order.refundedMinor;
  }
}
