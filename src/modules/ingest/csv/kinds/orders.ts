import type { FieldIssue } from '../../../../kernel/errors.ts';
import { toMinor } from '../../../../lib/money.ts';
import { orderInput, refundInput, type OrderInput, type RefundInput } from '../../../orders/index.ts';
import { parseInstant } from '../dates.ts';
import { schemaIssues, type CsvKind, type IssueAt, type SourceRow } from '../kind.ts';
import { parseDecimal, parseInteger, type RowReader } from '../row.ts';
import { parseCurrency } from './currency.ts';

const fields = [
  { key: 'externalId', aliases: ['注文番号', '受注番号', '注文ID', '受注ID', 'オーダー番号', '伝票番号', 'order_id', 'order_number', 'order_no'] },
  { key: 'customerExternalId', aliases: ['顧客ID', '会員ID', '顧客番号', '会員番号', 'customer_id', 'member_id', 'user_id'] },
  { key: 'orderedAt', aliases: ['購入日', '注文日', '受注日', '購入日時', '注文日時', '受注日時', 'order_date', 'ordered_at', 'purchase_date', 'date'] },
  { key: 'total', aliases: ['金額', '合計金額', '合計', '注文金額', '購入金額', '税込合計', 'total', 'amount', 'order_total', 'total_amount'] },
  { key: 'currency', aliases: ['通貨', 'currency'] },
  { key: 'status', aliases: ['ステータス', '注文ステータス', '状態', '対応状況', 'status', 'order_status'] },
  { key: 'sku', aliases: ['商品コード', '商品番号', '品番', '商品ID', 'SKU', 'product_code', 'product_id', 'item_code'] },
  { key: 'name', aliases: ['商品名', '品名', 'product_name', 'item_name'] },
  { key: 'category', aliases: ['カテゴリ', 'カテゴリー', '商品カテゴリ', 'category'] },
  { key: 'quantity', aliases: ['数量', '個数', '購入数', 'quantity', 'qty'] },
  { key: 'unitPrice', aliases: ['単価', '販売価格', '価格', 'unit_price', 'price'] },
  { key: 'lineAmount', aliases: ['小計', '商品小計', 'line_total', 'line_amount', 'subtotal'] },
  { key: 'discount', aliases: ['割引', '割引額', '値引', '値引き', '値引額', 'discount'] },
  { key: 'tax', aliases: ['消費税', '税額', '消費税額', 'tax'] },
  { key: 'shipping', aliases: ['送料', 'shipping'] },
  { key: 'couponCode', aliases: ['クーポン', 'クーポンコード', 'coupon', 'coupon_code'] },
  { key: 'refund', aliases: ['返金額', '返金', 'refund', 'refund_amount', 'refunded'] },
  { key: 'refundedAt', aliases: ['返金日', '返金日時', 'refund_date', 'refunded_at'] },
];

const STATUSES: Record<string, OrderInput['status']> = Object.fromEntries([
  ...['完了', '発送済', '発送済み', '出荷済', '出荷済み', '入金済', '入金済み', '支払済', '支払済み', '決済済', '決済済み', '配達完了', '受取済み',
    'completed', 'complete', 'paid', 'fulfilled', 'shipped', 'delivered'].map((s) => [s, 'completed' as const]),
  ...['キャンセル', 'キャンセル済', 'キャンセル済み', '取消', '取消し', '取り消し', '無効', 'cancelled', 'canceled', 'void', 'voided'].map((s) => [s, 'cancelled' as const]),
  ...['保留', '未入金', '未発送', '受付', '受付中', '処理中', '新規', '新規受付', '発送待ち', '入金待ち', 'pending', 'processing', 'unpaid', 'open', 'new'].map((s) => [s, 'pending' as const]),
]);

interface LineRow {
  sku?: string;
  name?: string;
  category?: string;
  /** Negative for a returned item. */
  quantity: number;
  /** Undefined when the file gives no price for the line. */
  unitPriceMinor?: number;
  /** A line with a negative quantity or amount is a refund of its absolute value. */
  refundMinor?: number;
}

/** What one row says; order-level fields may be blank on all but one row of the order. */
interface OrderRow {
  externalId?: string;
  customerExternalId?: string;
  orderedAt?: Date;
  currency: string;
  status?: OrderInput['status'];
  totalMinor?: number;
  discountMinor?: number;
  taxMinor?: number;
  shippingMinor?: number;
  couponCode?: string;
  refundMinor?: number;
  refundedAt?: Date;
  line?: LineRow;
}

/** An order with the refunds its rows carry; both are written together or not at all. */
export interface OrderEntity {
  order: OrderInput;
  refunds: RefundInput[];
}

const ORDER_FIELDS = ['customerExternalId', 'orderedAt', 'status', 'totalMinor', 'discountMinor', 'taxMinor', 'shippingMinor', 'couponCode', 'refundMinor', 'refundedAt'] as const;
/** Fields that must agree across the rows of an order. */
const AGREE = ['customerExternalId', 'currency'] as const;
const FIELD_OF: Record<string, string> = {
  totalMinor: 'total',
  discountMinor: 'discount',
  taxMinor: 'tax',
  shippingMinor: 'shipping',
  refundMinor: 'refund',
  lines: 'sku',
};

/**
 * Orders: one row per order line; consecutive rows with the same 注文番号 are one order. Order-level
 * columns (顧客ID, 購入日, 金額 = the order total, 送料, …) are taken from the first row that fills them.
 * A line with a negative 数量 or amount is a returned item: a refund of that amount, dated by its row.
 * A 返金額 column refunds the order as a whole. Refund ids derive from the order number, so
 * importing a file again does not refund twice.
 */
export const ordersKind: CsvKind<OrderRow, OrderEntity> = {
  fields,
  required: [['externalId'], ['customerExternalId'], ['orderedAt'], ['total', 'unitPrice', 'lineAmount']],
  group: { name: 'order', field: 'externalId', key: (row) => row.externalId },

  read(row, ctx) {
    const currency = row.parse('currency', parseCurrency, 'a currency code such as JPY') ?? ctx.currency;
    const amount = (field: string) => {
      const value = row.parse(field, parseDecimal, 'an amount such as 1980');
      return value === undefined ? undefined : toMinor(value, currency);
    };
    const instant = (field: string) => row.parse(field, (v) => parseInstant(v, ctx.timeZone), 'a date such as 2024/01/05 or 2024年1月5日');
    const out: OrderRow = {
      externalId: row.text('externalId'),
      customerExternalId: row.text('customerExternalId'),
      orderedAt: instant('orderedAt'),
      currency,
      status: row.parse('status', (v) => STATUSES[v.toLowerCase()], `a status (${['完了', 'キャンセル', '保留', 'completed', 'cancelled', 'pending'].join(', ')})`),
      totalMinor: amount('total'),
      discountMinor: amount('discount'),
      taxMinor: amount('tax'),
      shippingMinor: amount('shipping'),
      couponCode: row.text('couponCode'),
      refundMinor: amount('refund'),
      refundedAt: instant('refundedAt'),
      line: readLine(row, amount),
    };
    if (out.externalId === undefined) row.fail('externalId', 'is empty');
    for (const key of ['total', 'discount', 'tax', 'shipping', 'refund'] as const) {
      const value = out[`${key}Minor`];
      if (value !== undefined && value < 0) row.fail(key, 'cannot be negative');
    }
    return out;
  },

  build(rows, _ctx, issueAt) {
    const first = rows[0]!;
    const order: Record<string, unknown> = { externalId: first.value.externalId, currency: first.value.currency, lines: [] };
    const lines = order.lines as LineRow[];
    const refunds: Record<string, unknown>[] = [];
    const issues: FieldIssue[] = [];
    for (const { value, line } of rows) {
      for (const key of ORDER_FIELDS) if (order[key] === undefined && value[key] !== undefined) order[key] = value[key];
      for (const key of AGREE) {
        if (value[key] !== undefined && value[key] !== order[key]) {
          issues.push(issueAt(line, key, `"${value[key]}" differs from "${order[key]}" given earlier for the same order`));
        }
      }
      if (value.line?.refundMinor !== undefined) {
        refunds.push({
          externalId: `${first.value.externalId}:return:${refunds.length + 1}`,
          orderExternalId: first.value.externalId,
          amountMinor: value.line.refundMinor,
          reason: value.line.name ?? value.line.sku ?? 'returned item',
          refundedAt: value.orderedAt ?? order.orderedAt,
        });
      } else if (value.line) {
        lines.push(value.line);
      }
    }
    for (const key of ['customerExternalId', 'orderedAt']) if (order[key] === undefined) issues.push(issueAt(first.line, key, 'is empty'));
    const lineIssue = pricelessLine(rows, order, issueAt);
    if (lineIssue) issues.push(lineIssue);
    if (typeof order.refundMinor === 'number' && order.refundMinor > 0) {
      refunds.push({
        externalId: `${first.value.externalId}:refund`,
        orderExternalId: first.value.externalId,
        amountMinor: order.refundMinor,
        refundedAt: order.refundedAt ?? order.orderedAt,
      });
    }
    if (issues.length > 0) return issues;

    const parsed = orderInput.safeParse(order);
    if (!parsed.success) return schemaIssues(parsed.error, first.line, issueAt, (path) => fieldOf(path[0]));
    const checked: RefundInput[] = [];
    for (const refund of refunds) {
      const r = refundInput.safeParse(refund);
      if (!r.success) return schemaIssues(r.error, first.line, issueAt, () => 'refund');
      checked.push(r.data);
    }
    return { order: parsed.data, refunds: checked };
  },

  async write(services, ctx, entities, q) {
    const r = await services.orders.upsertMany(ctx.workspaceId, entities.map((e) => e.order), q);
    const refunds = await services.orders.refundMany(ctx.workspaceId, entities.flatMap((e) => e.refunds), q);
    return { created: r.created, updated: r.updated, duplicates: refunds.duplicates };
  },
};

function fieldOf(key: PropertyKey | undefined): string | undefined {
  if (typeof key !== 'string') return undefined;
  return FIELD_OF[key] ?? key;
}

/** The product part of a row, when it names a product or prices one. */
function readLine(row: RowReader, amount: (field: string) => number | undefined): LineRow | undefined {
  const sku = row.text('sku');
  const name = row.text('name');
  const unitPrice = amount('unitPrice');
  const lineAmount = amount('lineAmount');
  if (sku === undefined && name === undefined && unitPrice === undefined && lineAmount === undefined) return undefined;
  const quantity = row.parse('quantity', parseInteger, 'a whole number') ?? 1;
  if (quantity === 0) row.fail('quantity', 'cannot be 0');
  let unitPriceMinor = unitPrice;
  if (unitPriceMinor === undefined && lineAmount !== undefined && quantity !== 0) {
    unitPriceMinor = lineAmount / quantity;
    if (!Number.isInteger(unitPriceMinor)) row.fail('lineAmount', `${lineAmount} is not ${quantity} equal unit prices: give 単価 (unit_price)`);
  }
  const line: LineRow = { quantity, unitPriceMinor };
  if (sku !== undefined) line.sku = sku;
  if (name !== undefined) line.name = name;
  const category = row.text('category');
  if (category !== undefined) line.category = category;
  if (unitPriceMinor !== undefined && (quantity < 0 || unitPriceMinor < 0)) line.refundMinor = Math.abs(quantity * unitPriceMinor);
  return line;
}

/**
 * A line without a price takes it from the order total when it is the order's only line (a file of
 * one product per order and no 単価 column); otherwise the price is missing.
 */
function pricelessLine(rows: SourceRow<OrderRow>[], order: Record<string, unknown>, issueAt: IssueAt): FieldIssue | undefined {
  const lines = order.lines as LineRow[];
  const priceless = rows.find((r) => r.value.line && r.value.line.unitPriceMinor === undefined);
  if (!priceless) return undefined;
  const total = order.totalMinor as number | undefined;
  const only = lines[0]!;
  if (lines.length === 1 && total !== undefined && only.quantity > 0 && Number.isInteger(total / only.quantity)) {
    only.unitPriceMinor = total / only.quantity;
    return undefined;
  }
  return issueAt(priceless.line, 'unitPrice', 'a line needs its 単価 (unit price) when the order has several lines or no 金額');
}
