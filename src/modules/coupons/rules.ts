import type { Campaign, CodeInfo } from './types.ts';

/**
 * Whether a code can be redeemed for an order, and for how much: the checks that need no lock.
 * What depends on other requests (the code still unredeemed, the per-customer limit, the budget) is
 * decided by conditional writes in the redemption's transaction.
 */
export interface RedemptionRequest {
  customerId: string;
  orderTotalMinor: number;
  shippingMinor?: number;
  currency?: string;
}

export interface CodeState {
  customerId: string | null;
  expiresAt: Date | null;
}

/** Why a redemption is refused: the request's field at fault (400) or the campaign's state (409). */
export type Refusal = { kind: 'invalid'; field: string; message: string } | { kind: 'conflict'; message: string };

export type Verdict = { ok: true; discountMinor: number } | { ok: false; refusal: Refusal };

type Terms = Pick<Campaign, 'kind' | 'value' | 'currency' | 'minSpendMinor' | 'startsAt' | 'endsAt' | 'status'>;

export function judgeRedemption(campaign: Terms, code: CodeState, request: RedemptionRequest, now: Date): Verdict {
  const refuse = (refusal: Refusal): Verdict => ({ ok: false, refusal });
  if (campaign.status !== 'active') return refuse({ kind: 'conflict', message: `the campaign is ${campaign.status}` });
  if (now < campaign.startsAt) return refuse({ kind: 'invalid', field: 'code', message: `not valid before ${campaign.startsAt.toISOString()}` });
  const end = earliest(campaign.endsAt, code.expiresAt);
  if (end && now >= end) return refuse({ kind: 'invalid', field: 'code', message: `expired at ${end.toISOString()}` });
  if (code.customerId !== null && code.customerId !== request.customerId) {
    return refuse({ kind: 'invalid', field: 'code', message: 'this code belongs to another customer' });
  }
  if (request.currency !== undefined && request.currency !== campaign.currency) {
    return refuse({ kind: 'invalid', field: 'currency', message: `the coupon is in ${campaign.currency}` });
  }
  if (request.orderTotalMinor < campaign.minSpendMinor) {
    return refuse({ kind: 'invalid', field: 'orderTotalMinor', message: `the minimum spend is ${campaign.minSpendMinor} (minor units of ${campaign.currency})` });
  }
  if (campaign.kind === 'free_shipping' && request.shippingMinor === undefined) {
    return refuse({ kind: 'invalid', field: 'shippingMinor', message: 'a free-shipping coupon needs the shipping amount' });
  }
  return { ok: true, discountMinor: discountFor(campaign, request.orderTotalMinor, request.shippingMinor ?? 0) };
}

/** Percent off is rounded down to the minor unit (never more than promised); an amount is capped at the order. */
export function discountFor(campaign: Pick<Campaign, 'kind' | 'value'>, orderTotalMinor: number, shippingMinor: number): number {
  switch (campaign.kind) {
    case 'percent':
      return Math.floor((orderTotalMinor * campaign.value) / 100);
    case 'amount':
      return Math.min(campaign.value, orderTotalMinor);
    case 'free_shipping':
      return shippingMinor;
  }
}

/** What a code is worth now, as `GET /v1/coupons/:code` shows it. */
export function codeStatus(
  campaign: Pick<Campaign, 'status' | 'startsAt' | 'endsAt'>,
  code: { expiresAt: Date | null; redeemedAt: Date | null },
  now: Date,
): CodeInfo['status'] {
  if (code.redeemedAt) return 'redeemed';
  if (campaign.status !== 'active') return 'inactive';
  if (now < campaign.startsAt) return 'not_started';
  const end = earliest(campaign.endsAt, code.expiresAt);
  return end && now >= end ? 'expired' : 'available';
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}
