import { z } from 'zod';
import { instant } from '../../lib/instant.ts';
import { DEFAULT_CODE_LENGTH } from './codes.ts';

export const COUPON_KINDS = ['percent', 'amount', 'free_shipping'] as const;
export const CAMPAIGN_STATUSES = ['active', 'paused', 'ended'] as const;
export type CouponKind = (typeof COUPON_KINDS)[number];
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

const minor = z.number().int().nonnegative();
const count = z.number().int().positive();

/** The limits a campaign can change after it started (the offer itself cannot). */
const limits = {
  endsAt: instant().nullable().optional().describe('end of the campaign (exclusive); codes cannot be redeemed after it'),
  perCustomerLimit: count.nullable().optional().describe('redemptions one customer may make in this campaign'),
  budgetMinor: minor.nullable().optional().describe('total discount the campaign may give, in minor units'),
  maxRedemptions: minor.nullable().optional().describe('total redemptions the campaign may have'),
};

export const campaignInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    kind: z.enum(COUPON_KINDS),
    value: minor.default(0).describe('percent: 1–100; amount: minor units of currency; free_shipping: 0'),
    currency: z.string().regex(/^[A-Z]{3}$/).optional().describe("defaults to the workspace's currency"),
    minSpendMinor: minor.default(0),
    startsAt: instant().optional().describe('defaults to now'),
    validDays: count.max(3650).nullable().optional().describe('a code expires this many days after it is issued'),
    codePrefix: z.string().regex(/^[A-Z0-9]{0,16}$/, 'up to 16 capital letters and digits').default(''),
    codeLength: z.number().int().min(8).max(24).default(DEFAULT_CODE_LENGTH).describe('random symbols after the prefix'),
    status: z.enum(CAMPAIGN_STATUSES).default('active'),
    ...limits,
  })
  .superRefine((c, ctx) => {
    if (c.kind === 'percent' && (c.value < 1 || c.value > 100)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'a percent coupon takes 1 to 100' });
    if (c.kind === 'amount' && c.value < 1) ctx.addIssue({ code: 'custom', path: ['value'], message: 'an amount coupon takes an amount above 0, in minor units' });
    if (c.kind === 'free_shipping' && c.value !== 0) ctx.addIssue({ code: 'custom', path: ['value'], message: 'a free-shipping coupon takes no value' });
    if (c.endsAt && c.endsAt <= (c.startsAt ?? new Date())) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  });
export type CampaignInput = z.infer<typeof campaignInput>;

export const campaignPatch = z.object({ name: z.string().trim().min(1).max(200).optional(), status: z.enum(CAMPAIGN_STATUSES).optional(), ...limits });
export type CampaignPatch = z.infer<typeof campaignPatch>;

export interface Campaign {
  id: string;
  name: string;
  kind: CouponKind;
  value: number;
  currency: string;
  minSpendMinor: number;
  startsAt: Date;
  endsAt: Date | null;
  validDays: number | null;
  perCustomerLimit: number | null;
  budgetMinor: number | null;
  maxRedemptions: number | null;
  spentMinor: number;
  redemptions: number;
  codePrefix: string;
  codeLength: number;
  status: CampaignStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** Issue `count` codes for anyone, or one code to each customer (our ids or external ids) or segment member. */
export const issueInputUpTo = (maxCount: number) =>
  z
    .object({
      count: count.max(maxCount).optional(),
      customers: z.array(z.string().trim().min(1).max(255)).min(1).max(100_000).optional().describe('our ids or your external ids'),
      segmentId: z.uuid().optional().describe("the segment's current members"),
      expiresAt: instant().optional().describe("overrides the campaign's validDays"),
    })
    .refine((i) => [i.count, i.customers, i.segmentId].filter((x) => x !== undefined).length === 1, {
      message: 'give exactly one of count, customers, segmentId',
      path: ['count'],
    });
/** The CLI's limit; one API request returns its codes in the response, so it takes fewer (see routes.ts). */
export const issueInput = issueInputUpTo(1_000_000);
export type IssueInput = z.infer<typeof issueInput>;

export interface IssuedCode {
  code: string;
  customerId: string | null;
  expiresAt: Date | null;
}

export const redeemInput = z
  .object({
    code: z.string().trim().min(1).max(100),
    customerId: z.uuid().optional(),
    customerExternalId: z.string().trim().min(1).max(255).optional(),
    orderExternalId: z.string().trim().min(1).max(255),
    orderTotalMinor: minor.describe('what the coupon applies to and the minimum spend is checked against, before this discount'),
    shippingMinor: minor.optional().describe('the shipping a free-shipping coupon waives'),
    currency: z.string().regex(/^[A-Z]{3}$/).optional(),
    idempotencyKey: z.string().trim().min(1).max(255).describe('the same key returns the same result instead of redeeming again'),
  })
  .refine((r) => (r.customerId === undefined) !== (r.customerExternalId === undefined), {
    message: 'give customerId or customerExternalId',
    path: ['customerExternalId'],
  });
export type RedeemInput = z.infer<typeof redeemInput>;

export interface Redemption {
  id: string;
  code: string;
  campaignId: string;
  customerId: string;
  orderExternalId: string;
  orderTotalMinor: number;
  discountMinor: number;
  currency: string;
  redeemedAt: Date;
  /** True when this is the stored result of an earlier request with the same idempotency key. */
  replayed: boolean;
}

export interface CodeInfo {
  code: string;
  campaign: Pick<Campaign, 'id' | 'name' | 'kind' | 'value' | 'currency' | 'minSpendMinor' | 'status' | 'startsAt' | 'endsAt'>;
  customerId: string | null;
  issuedAt: Date;
  expiresAt: Date | null;
  redeemedAt: Date | null;
  status: 'available' | 'redeemed' | 'expired' | 'not_started' | 'inactive';
  redemption: Omit<Redemption, 'replayed' | 'code' | 'campaignId'> | null;
}

export interface CampaignStats {
  campaignId: string;
  issued: number;
  assigned: number;
  redeemed: number;
  expired: number;
  /** redeemed / issued. */
  redemptionRate: number;
  discountMinor: number;
  budgetRemainingMinor: number | null;
  /** Orders that used one of the campaign's codes (redeemed through the API, or recorded with its code). */
  orders: number;
  /** Their net revenue: total − refunds, 0 when cancelled. */
  revenueMinor: number;
  currency: string;
}
