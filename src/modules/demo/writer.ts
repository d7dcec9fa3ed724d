import type { DemoServices } from './demoServices.ts';
import type { Tx } from '../../db/database.ts';
import type { RefundInput } from '../orders/index.ts';
import { customerBatches, type CustomerBatch, type DemoPlan } from './generator.ts';

export interface DemoCounts {
  customers: number;
  orders: number;
  cancelledOrders: number;
  orderLines: number;
  refunds: number;
  events: number;
  products: number;
  accounts: number;
  subscriptions: number;
}

export interface WriteOptions {
  /** Customers per transaction. */
  batchSize?: number;
  /** Transactions in flight at once; generating the next batch overlaps the database's work. */
  concurrency?: number;
  onProgress?: (customersWritten: number) => void;
}

/**
 * Streams a plan into a workspace through the module services: catalogue and accounts first, then
 * customers with their orders and events, one transaction per batch so a batch is all or nothing,
 * and the refunds (about one order in a hundred) last, in a few large calls: each refund call
 * rewrites the refunded orders' sums with one pass over the orders table, which per batch would
 * make a million customers quadratic. External ids are deterministic, so running the same plan
 * again updates in place.
 */
export async function writeDemo(services: DemoServices, workspaceId: string, plan: DemoPlan, options: WriteOptions = {}): Promise<DemoCounts> {
  const { batchSize = 1000, concurrency = 3, onProgress } = options;
  await services.db.tx(async (tx) => {
    await services.catalog.upsertMany(workspaceId, plan.products, tx);
    await services.accounts.upsertAccounts(workspaceId, plan.accounts, tx);
    await services.accounts.upsertSubscriptions(workspaceId, plan.subscriptions, tx);
  });
  const counts: DemoCounts = {
    customers: 0,
    orders: 0,
    cancelledOrders: 0,
    orderLines: 0,
    refunds: 0,
    events: 0,
    products: plan.products.length,
    accounts: plan.accounts.length,
    subscriptions: plan.subscriptions.length,
  };
  const batches = customerBatches(plan, batchSize);
  const refunds: RefundInput[] = [];
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (let next = batches.next(); !next.done && !failure; next = batches.next()) {
      const batch = next.value;
      try {
        await services.db.tx((tx) => writeBatch(services, workspaceId, batch, tx));
      } catch (error) {
        failure ??= { error };
        return;
      }
      add(counts, batch);
      refunds.push(...batch.refunds);
      onProgress?.(counts.customers);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure) throw failure.error;
  for (let i = 0; i < refunds.length; i += REFUND_CHUNK) {
    const chunk = refunds.slice(i, i + REFUND_CHUNK);
    await services.db.tx((tx) => services.orders.refundMany(workspaceId, chunk, tx));
  }
  return counts;
}

const REFUND_CHUNK = 5000;

async function writeBatch(services: DemoServices, workspaceId: string, batch: CustomerBatch, tx: Tx): Promise<void> {
  await services.customers.upsertMany(workspaceId, batch.customers, tx);
  await services.orders.upsertMany(workspaceId, batch.orders, tx);
  await services.events.insertMany(workspaceId, batch.events, tx);
}

function add(counts: DemoCounts, batch: CustomerBatch): void {
  counts.customers += batch.customers.length;
  counts.orders += batch.orders.length;
  for (const o of batch.orders) {
    counts.orderLines += o.lines.length;
    if (o.status === 'cancelled') counts.cancelledOrders++;
  }
  counts.refunds += batch.refunds.length;
  counts.events += batch.events.length;
}
