import type { Db } from '../src/db/database.ts';
import { newId } from '../src/db/ids.ts';
import { copyIn } from '../src/kernel/pgCopy.ts';
import { customerBatches, type DemoPlan } from '../src/modules/demo/generator.ts';
import { orderTotals } from '../src/modules/orders/totals.ts';

/**
 * The customers and orders of a `kizuna generate` plan written with COPY, for benchmarks that need a
 * million customers in minutes (issue 19.4): the same customers, order amounts, statuses and dates,
 * refunds folded into each order's `refunded_minor`. Order lines, refund rows and events are left
 * out (the KPI figures read none of them). Bypasses the services on purpose: a benchmark loader, not
 * an import path.
 */
export async function copyDemo(db: Db, workspaceId: string, plan: DemoPlan, onProgress?: (customers: number, orders: number) => void): Promise<{ customers: number; orders: number }> {
  const pool = db.pool;
  let customers = 0;
  let orders = 0;
  const text = (v: string | null | undefined) => (v === null || v === undefined ? '\\N' : v.replace(/[\\\t\n\r]/g, ' '));
  for (const batch of customerBatches(plan, 20_000)) {
    const ids = new Map<string, string>();
    const customerRows = batch.customers.map((c) => {
      const id = newId();
      ids.set(c.externalId!, id);
      return [workspaceId, id, text(c.externalId), text(c.email), '{}'].join('\t');
    });
    const refunded = new Map<string, number>();
    for (const r of batch.refunds) refunded.set(r.orderExternalId, (refunded.get(r.orderExternalId) ?? 0) + r.amountMinor);
    const orderRows = batch.orders.map((o) => {
      const t = orderTotals(o);
      const total = t.total_minor;
      return [
        workspaceId, ids.get(o.customerExternalId!)!, newId(), text(o.externalId), o.status, o.currency,
        t.subtotal_minor, t.discount_minor, t.tax_minor, t.shipping_minor, total, Math.min(total, refunded.get(o.externalId) ?? 0),
        new Date(o.orderedAt).toISOString(),
      ].join('\t');
    });
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await copyIn(client, 'customers (workspace_id, id, external_id, email, attributes)', customerRows);
      await copyIn(client, 'orders (workspace_id, customer_id, id, external_id, status, currency, subtotal_minor, discount_minor, tax_minor, shipping_minor, total_minor, refunded_minor, ordered_at)', orderRows);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    customers += customerRows.length;
    orders += orderRows.length;
    onProgress?.(customers, orders);
  }
  return { customers, orders };
}
