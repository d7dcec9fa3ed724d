import type { LoyaltySettings } from './settings.ts';

/** What earning needs of an order: amounts in minor units of the workspace currency. */
export interface EarnableOrder {
  subtotalMinor: number;
  discountMinor: number;
  orderedAt: Date;
  lines: { sku: string | null; category: string | null; totalMinor: number }[];
}

export interface EarnContext {
  /** 'YYYY-MM-DD', or null when unknown. */
  birthday: string | null;
  /** The customer's time zone (or the workspace's): a birthday month is local. */
  timeZone: string;
  /** The customer's tier multiplier (1 without a tier). */
  tierMultiplier: number;
}

export interface Earning {
  points: number;
  /** Spend the points are computed on: subtotal − discount. */
  eligibleMinor: number;
  birthdayMonth: boolean;
  capped: boolean;
}

/**
 * Points for one order: eligible spend (subtotal − discount; tax and shipping earn nothing), each
 * line weighted by its SKU or category multiplier (the order discount shared out in proportion),
 * times the earn rate, the tier multiplier and, in the birthday month, the birthday multiplier;
 * rounded down, then capped. Pure: tested on plain objects.
 */
export function orderPoints(order: EarnableOrder, settings: LoyaltySettings, ctx: EarnContext): Earning {
  const eligibleMinor = Math.max(0, order.subtotalMinor - order.discountMinor);
  const linesTotal = order.lines.reduce((s, l) => s + l.totalMinor, 0);
  const weighted =
    linesTotal > 0
      ? order.lines.reduce((s, l) => s + (l.totalMinor / linesTotal) * eligibleMinor * lineMultiplier(l, settings), 0)
      : eligibleMinor;
  const birthdayMonth = ctx.birthday !== null && localMonth(order.orderedAt, ctx.timeZone) === Number(ctx.birthday.slice(5, 7));
  const factor = ctx.tierMultiplier * (birthdayMonth ? settings.birthdayMonthMultiplier : 1);
  // A small epsilon keeps 1.1 × 100 from flooring to 109 in binary floating point.
  const raw = Math.floor((weighted * settings.earn.points * factor) / settings.earn.perMinor + 1e-9);
  const cap = settings.maxPointsPerOrder;
  const capped = cap !== null && raw > cap;
  return { points: capped ? cap : raw, eligibleMinor, birthdayMonth, capped };
}

function lineMultiplier(line: { sku: string | null; category: string | null }, settings: LoyaltySettings): number {
  if (line.sku !== null && settings.skuMultipliers[line.sku] !== undefined) return settings.skuMultipliers[line.sku]!;
  if (line.category !== null && settings.categoryMultipliers[line.category] !== undefined) return settings.categoryMultipliers[line.category]!;
  return 1;
}

function localMonth(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone, month: 'numeric' }).format(at));
}

/**
 * Points a refund takes back: the order's points in proportion to the refunded share, computed on
 * cumulative refunds so that the parts add up to exactly the points earned when all is refunded.
 */
export function refundReversal(earned: number, totalMinor: number, refundedBeforeMinor: number, refundMinor: number): number {
  if (totalMinor <= 0) return 0;
  const upTo = (refunded: number) => Math.round((earned * Math.min(refunded, totalMinor)) / totalMinor);
  return upTo(refundedBeforeMinor + refundMinor) - upTo(refundedBeforeMinor);
}

/** Points a cancellation takes back: whatever refunds before it did not. */
export function cancellationReversal(earned: number, totalMinor: number, refundedMinor: number): number {
  return earned - refundReversal(earned, totalMinor, 0, refundedMinor);
}
