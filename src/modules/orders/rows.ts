import { camelRow, type RowOf } from '../../kernel/rowMapper.ts';
import type { Order, OrderLine, Refund } from './types.ts';

const orderColumns = camelRow<Omit<Order, 'netMinor' | 'lines'>>()(
  'id external_id customer_id status currency subtotal_minor discount_minor tax_minor shipping_minor total_minor refunded_minor coupon_code ordered_at attributes created_at updated_at',
);
export type OrderRow = RowOf<typeof orderColumns>;
export const ORDER_COLUMNS = orderColumns.columns;

export function toOrder(r: OrderRow, lines: OrderLine[]): Order {
  const order = orderColumns(r);
  return { ...order, netMinor: order.status === 'cancelled' ? 0 : order.totalMinor - order.refundedMinor, lines };
}

export const toLine = camelRow<OrderLine>()('line_no product_id sku name category quantity unit_price_minor total_minor');

export const toRefund = camelRow<Refund>()('id external_id order_id amount_minor reason refunded_at created_at');
