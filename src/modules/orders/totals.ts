import type { OrderInput } from './types.ts';

/**
 * Fills what the source left out: subtotal is the sum of the lines, total is
 * subtotal − discount + tax + shipping (never below zero). Given figures are kept as given.
 */
export function orderTotals(o: OrderInput): {
  subtotal_minor: number;
  discount_minor: number;
  tax_minor: number;
  shipping_minor: number;
  total_minor: number;
} {
  const subtotal = o.subtotalMinor ?? o.lines.reduce((sum, l) => sum + l.unitPriceMinor * l.quantity, 0);
  const total = o.totalMinor ?? Math.max(0, subtotal - o.discountMinor + o.taxMinor + o.shippingMinor);
  return { subtotal_minor: subtotal, discount_minor: o.discountMinor, tax_minor: o.taxMinor, shipping_minor: o.shippingMinor, total_minor: total };
}
