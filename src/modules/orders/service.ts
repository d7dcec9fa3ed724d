import { NotFoundError, ValidationError, type FieldIssue } from '../../kernel/errors.ts';
import type { Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { CatalogService } from '../catalog/index.ts';
import type { CustomerService } from '../customers/index.ts';
import { decodeCursor, ListFilter, pageOf } from '../../kernel/listQuery.ts';
import type { RowOf } from '../../kernel/rowMapper.ts';
import { ORDER_COLUMNS, toLine, toOrder, toRefund, type OrderRow } from './rows.ts';
import { orderTotals } from './totals.ts';
import type { Order, OrderInput, OrderLine, Refund, RefundInput } from './types.ts';

export interface ListOrdersQuery {
  limit: number;
  cursor?: string;
  customerId?: string;
  status?: Order['status'];
  from?: Date;
  to?: Date;
}

/** Orders, their lines and refunds. Net revenue (total − refunds, 0 when cancelled) is what KPIs count. */
export class OrderService {
  constructor(
    private readonly db: Queryable,
    private readonly customers: CustomerService,
    private readonly catalog: CatalogService,
  ) {}

  /**
   * Creates or replaces orders by external id, lines included. An order keeps the customer it was
   * first recorded for: moving an order between customers is not something a shop does.
   */
  async upsertMany(workspaceId: string, inputs: OrderInput[], q: Queryable = this.db): Promise<{ created: number; updated: number }> {
    if (inputs.length === 0) return { created: 0, updated: 0 };
    const latest = [...new Map(inputs.map((o) => [o.externalId, o])).values()];
    const customerIds = await this.customers.resolveIds(workspaceId, latest.flatMap((o) => (o.customerId ? [] : [o.customerExternalId!])), q);
    const productIds = await this.catalog.idsBySku(workspaceId, latest.flatMap((o) => o.lines.flatMap((l) => (l.sku ? [l.sku] : []))), q);

    const orders = latest.map((o) => ({
      id: newId(),
      customer_id: o.customerId ?? customerIds.get(o.customerExternalId!),
      external_id: o.externalId,
      status: o.status,
      currency: o.currency,
      ...orderTotals(o),
      coupon_code: o.couponCode ?? null,
      ordered_at: o.orderedAt,
      attributes: o.attributes ?? {},
    }));
    const { rows } = await q.query<{ id: string; customer_id: string; external_id: string; inserted: boolean }>(
      `INSERT INTO orders AS o (workspace_id, customer_id, id, external_id, status, currency, subtotal_minor, discount_minor,
         tax_minor, shipping_minor, total_minor, coupon_code, ordered_at, attributes)
       SELECT $1, x.customer_id, x.id, x.external_id, x.status, x.currency, x.subtotal_minor, x.discount_minor, x.tax_minor,
         x.shipping_minor, x.total_minor, x.coupon_code, x.ordered_at, x.attributes
       FROM jsonb_to_recordset($2::jsonb) AS x(customer_id uuid, id uuid, external_id text, status text, currency text,
         subtotal_minor bigint, discount_minor bigint, tax_minor bigint, shipping_minor bigint, total_minor bigint,
         coupon_code text, ordered_at timestamptz, attributes jsonb)
       ON CONFLICT (workspace_id, external_id) DO UPDATE SET status = EXCLUDED.status, currency = EXCLUDED.currency,
         subtotal_minor = EXCLUDED.subtotal_minor, discount_minor = EXCLUDED.discount_minor, tax_minor = EXCLUDED.tax_minor,
         shipping_minor = EXCLUDED.shipping_minor, total_minor = EXCLUDED.total_minor, coupon_code = EXCLUDED.coupon_code,
         ordered_at = EXCLUDED.ordered_at, attributes = o.attributes || EXCLUDED.attributes, updated_at = now()
       RETURNING id, customer_id, external_id, (xmax = 0) AS inserted`,
      [workspaceId, JSON.stringify(orders)],
    ).catch(rethrowRefundCheck);
    const stored = new Map(rows.map((r) => [r.external_id, r]));

    const replaced = rows.filter((r) => !r.inserted).map((r) => r.id);
    if (replaced.length > 0) {
      await q.query('DELETE FROM order_lines WHERE workspace_id = $1 AND order_id = ANY($2::uuid[])', [workspaceId, replaced]);
    }
    const lines = latest.flatMap((o) => {
      const order = stored.get(o.externalId)!;
      return o.lines.map((l, i) => ({
        customer_id: order.customer_id,
        order_id: order.id,
        line_no: i + 1,
        product_id: (l.sku && productIds.get(l.sku)) ?? null,
        sku: l.sku ?? null,
        name: l.name ?? null,
        category: l.category ?? null,
        quantity: l.quantity,
        unit_price_minor: l.unitPriceMinor,
        total_minor: l.unitPriceMinor * l.quantity,
      }));
    });
    if (lines.length > 0) {
      await q.query(
        `INSERT INTO order_lines (workspace_id, customer_id, order_id, line_no, product_id, sku, name, category, quantity, unit_price_minor, total_minor)
         SELECT $1, x.customer_id, x.order_id, x.line_no, x.product_id, x.sku, x.name, x.category, x.quantity, x.unit_price_minor, x.total_minor
         FROM jsonb_to_recordset($2::jsonb) AS x(customer_id uuid, order_id uuid, line_no int, product_id uuid, sku text, name text,
           category text, quantity int, unit_price_minor bigint, total_minor bigint)`,
        [workspaceId, JSON.stringify(lines)],
      );
    }
    const created = rows.filter((r) => r.inserted).length;
    return { created, updated: rows.length - created };
  }

  /**
   * Records refunds; a refund already recorded (same external id) is skipped. The orders are locked
   * while the sums are checked, so two concurrent refunds cannot together exceed the total.
   */
  async refundMany(workspaceId: string, inputs: RefundInput[], q: Queryable = this.db): Promise<{ created: number; duplicates: number }> {
    if (inputs.length === 0) return { created: 0, duplicates: 0 };
    const { rows: orders } = await q.query<{ id: string; customer_id: string; external_id: string; total_minor: number; refunded_minor: number }>(
      `SELECT id, customer_id, external_id, total_minor, refunded_minor FROM orders
       WHERE workspace_id = $1 AND external_id = ANY($2::text[]) ORDER BY id FOR UPDATE`,
      [workspaceId, [...new Set(inputs.map((r) => r.orderExternalId))]],
    );
    const byExternal = new Map(orders.map((o) => [o.external_id, o]));
    const { rows: seen } = await q.query<{ external_id: string }>(
      'SELECT external_id FROM refunds WHERE workspace_id = $1 AND external_id = ANY($2::text[])',
      [workspaceId, inputs.map((r) => r.externalId)],
    );
    const already = new Set(seen.map((r) => r.external_id));

    const issues: FieldIssue[] = [];
    const fresh: { input: RefundInput; order: (typeof orders)[number] }[] = [];
    const refunded = new Map(orders.map((o) => [o.id, o.refunded_minor]));
    inputs.forEach((input, index) => {
      if (already.has(input.externalId)) return;
      already.add(input.externalId);
      const order = byExternal.get(input.orderExternalId);
      if (!order) {
        issues.push({ path: [index, 'orderExternalId'], message: `order ${input.orderExternalId} is unknown` });
        return;
      }
      const sum = refunded.get(order.id)! + input.amountMinor;
      if (sum > order.total_minor) {
        issues.push({ path: [index, 'amountMinor'], message: `refunds of order ${order.external_id} would exceed its total ${order.total_minor}` });
        return;
      }
      refunded.set(order.id, sum);
      fresh.push({ input, order });
    });
    if (issues.length > 0) throw new ValidationError('Some refunds cannot be applied', issues);
    if (fresh.length === 0) return { created: 0, duplicates: inputs.length };

    await q.query(
      `INSERT INTO refunds (workspace_id, customer_id, id, order_id, external_id, amount_minor, reason, refunded_at)
       SELECT $1, x.customer_id, x.id, x.order_id, x.external_id, x.amount_minor, x.reason, x.refunded_at
       FROM jsonb_to_recordset($2::jsonb) AS x(customer_id uuid, id uuid, order_id uuid, external_id text, amount_minor bigint, reason text, refunded_at timestamptz)`,
      [
        workspaceId,
        JSON.stringify(
          fresh.map(({ input, order }) => ({
            customer_id: order.customer_id,
            id: newId(),
            order_id: order.id,
            external_id: input.externalId,
            amount_minor: input.amountMinor,
            reason: input.reason ?? null,
            refunded_at: input.refundedAt,
          })),
        ),
      ],
    );
    const before = new Map(orders.map((o) => [o.id, o.refunded_minor]));
    const changed = [...refunded].filter(([id, sum]) => sum !== before.get(id));
    await q.query(
      `UPDATE orders o SET refunded_minor = x.refunded, updated_at = now()
       FROM unnest($2::uuid[], $3::bigint[]) AS x(id, refunded) WHERE o.workspace_id = $1 AND o.id = x.id`,
      [workspaceId, changed.map(([id]) => id), changed.map(([, sum]) => sum)],
    );
    return { created: fresh.length, duplicates: inputs.length - fresh.length };
  }

  /** Moves an anonymous visitor's orders to the customer they turned out to be (lines and refunds follow by cascade). */
  async moveCustomer(workspaceId: string, fromCustomerId: string, toCustomerId: string, q: Queryable = this.db): Promise<void> {
    await q.query('UPDATE orders SET customer_id = $3, updated_at = now() WHERE workspace_id = $1 AND customer_id = $2', [
      workspaceId,
      fromCustomerId,
      toCustomerId,
    ]);
  }

  /** Marks orders cancelled by external id (Segment's "Order Cancelled"); unknown orders are an error. */
  async cancelMany(workspaceId: string, externalIds: string[], q: Queryable = this.db): Promise<number> {
    const { rows } = await q.query<{ external_id: string }>(
      `UPDATE orders SET status = 'cancelled', updated_at = now() WHERE workspace_id = $1 AND external_id = ANY($2::text[]) RETURNING external_id`,
      [workspaceId, externalIds],
    );
    const found = new Set(rows.map((r) => r.external_id));
    const issues = externalIds.flatMap((id, index) => (found.has(id) ? [] : [{ path: [index, 'order_id'], message: `order ${id} is unknown` }]));
    if (issues.length > 0) throw new ValidationError('Some orders to cancel are unknown', issues);
    return rows.length;
  }

  async get(workspaceId: string, idOrExternalId: string, q: Queryable = this.db): Promise<Order> {
    const isUuid = /^[0-9a-f-]{36}$/i.test(idOrExternalId);
    const { rows } = await q.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE workspace_id = $1 AND (external_id = $2 ${isUuid ? 'OR id = $2::uuid' : ''}) LIMIT 1`,
      [workspaceId, idOrExternalId],
    );
    if (!rows[0]) throw new NotFoundError(`order ${idOrExternalId} not found`);
    const [order] = await this.withLines(workspaceId, rows, q);
    return order!;
  }

  async list(workspaceId: string, query: ListOrdersQuery, q: Queryable = this.db): Promise<{ data: Order[]; nextCursor: string | null }> {
    const where = new ListFilter('workspace_id = ?', workspaceId);
    if (query.cursor) where.add('id > ?::uuid', decodeCursor(query.cursor));
    if (query.customerId) where.add('customer_id = ?::uuid', query.customerId);
    if (query.status) where.add('status = ?', query.status);
    if (query.from) where.add('ordered_at >= ?', query.from);
    if (query.to) where.add('ordered_at < ?', query.to);
    const limit = where.limit(query.limit);
    const { rows } = await q.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE ${where.sql} ORDER BY id LIMIT ${limit}`, where.values);
    const { data, nextCursor } = pageOf(rows, query.limit);
    return { data: await this.withLines(workspaceId, data, q), nextCursor };
  }

  /** The privacy export's part: every order (lines included) and refund, oldest first. */
  async exportCustomer(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<{ orders: Order[]; refunds: Refund[] }> {
    return { orders: await this.forCustomer(workspaceId, customerId, q), refunds: await this.refundsForCustomer(workspaceId, customerId, q) };
  }

  /** Every order of one customer, oldest first, lines included. */
  async forCustomer(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<Order[]> {
    const { rows } = await q.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE workspace_id = $1 AND customer_id = $2 ORDER BY ordered_at, id`, [
      workspaceId,
      customerId,
    ]);
    return this.withLines(workspaceId, rows, q);
  }

  async refundsForCustomer(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<Refund[]> {
    const { rows } = await q.query<RowOf<typeof toRefund>>(
      'SELECT * FROM refunds WHERE workspace_id = $1 AND customer_id = $2 ORDER BY refunded_at, id',
      [workspaceId, customerId],
    );
    return rows.map(toRefund);
  }

  /**
   * Erasure: amounts, dates and lines stay (KPIs must stay true), but free-form text that may
   * name the person (order attributes such as a shipping address, refund reasons) goes.
   */
  async eraseCustomer(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<void> {
    await q.query(`UPDATE orders SET attributes = '{}', updated_at = now() WHERE workspace_id = $1 AND customer_id = $2`, [workspaceId, customerId]);
    await q.query('UPDATE refunds SET reason = NULL WHERE workspace_id = $1 AND customer_id = $2', [workspaceId, customerId]);
  }

  private async withLines(workspaceId: string, rows: OrderRow[], q: Queryable): Promise<Order[]> {
    if (rows.length === 0) return [];
    const { rows: lineRows } = await q.query<RowOf<typeof toLine> & { order_id: string }>(
      'SELECT * FROM order_lines WHERE workspace_id = $1 AND order_id = ANY($2::uuid[]) ORDER BY order_id, line_no',
      [workspaceId, rows.map((r) => r.id)],
    );
    const lines = new Map<string, OrderLine[]>();
    for (const l of lineRows) {
      const list = lines.get(l.order_id) ?? [];
      list.push(toLine(l));
      lines.set(l.order_id, list);
    }
    return rows.map((r) => toOrder(r, lines.get(r.id) ?? []));
  }
}

/** The CHECK that refunds stay within the total fires when an update lowers a refunded order's total. */
function rethrowRefundCheck(err: unknown): never {
  if ((err as { code?: string }).code === '23514') {
    throw new ValidationError('An order total cannot drop below what was already refunded', [{ path: ['totalMinor'], message: 'below refunded amount' }]);
  }
  throw err;
}
