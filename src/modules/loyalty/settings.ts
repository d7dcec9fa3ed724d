import { z } from 'zod';

const points = z.number().int().nonnegative();
const multiplier = z.number().positive().max(100);

/** A reward for a referral: points, a coupon from a campaign (an amount coupon serves as JPY credit), or both. */
export const referralRewardSchema = z
  .object({ points: points.default(0), couponCampaignId: z.uuid().nullable().default(null) })
  .default({ points: 0, couponCampaignId: null });
export type ReferralReward = z.infer<typeof referralRewardSchema>;

export const tierSchema = z.object({
  name: z.string().trim().min(1).max(50),
  /** Qualifying value over the rolling window: net spend in minor units, or points earned. */
  threshold: points,
  earnMultiplier: multiplier.default(1),
  upgradeCouponCampaignId: z.uuid().nullable().default(null),
  earlyAccess: z.boolean().default(false),
  exclusiveEvents: z.boolean().default(false),
});
export type Tier = z.infer<typeof tierSchema>;

/**
 * A workspace's programme. Stored as the overrides the workspace gave; absent keys take these
 * defaults (1 point per 100 JPY, pending 14 days, lots expire 12 months after they become available).
 */
export const loyaltySettingsSchema = z
  .object({
    /** Points per `perMinor` minor units of eligible spend (subtotal − discount, without tax and shipping). */
    earn: z.object({ points: points.default(1), perMinor: z.number().int().positive().default(100) }).default({ points: 1, perMinor: 100 }),
    categoryMultipliers: z.record(z.string(), multiplier).default({}),
    skuMultipliers: z.record(z.string(), multiplier).default({}),
    birthdayMonthMultiplier: multiplier.default(1),
    firstPurchaseBonus: points.default(0),
    /** Bonus points for events such as {"Review Submitted": 50, "Survey Answered": 30}, once per event. */
    eventBonuses: z.record(z.string(), points).default({}),
    maxPointsPerOrder: points.nullable().default(null),
    /** Orders before this instant never earn (a shop importing years of history). */
    earnOrdersSince: z.coerce.date().nullable().default(null),
    /** Points of an order stay pending this long (the return window); the referrer's reward waits as long. */
    pendingDays: z.number().int().min(0).max(365).default(14),
    expiryMonths: z.number().int().min(1).max(120).nullable().default(12),
    /** "Points Expiring Soon" goes out this many days before a lot expires. */
    expiringSoonDays: z.number().int().min(1).max(90).default(30),
    /** Yen a point is worth when redeemed: the liability figure. */
    pointValueMinor: z.number().positive().default(1),
    tiers: z.array(tierSchema).max(20).default([]),
    tierBasis: z.enum(['spend', 'points']).default('spend'),
    tierWindowMonths: z.number().int().min(1).max(36).default(12),
    /** At period end a member keeps the tier while within this share below its threshold. */
    tierGracePercent: z.number().min(0).max(100).default(10),
    /** Tiers a member may fall at one period end. */
    tierMaxDrop: z.number().int().min(1).max(20).default(1),
    referral: z
      .object({
        refereeReward: referralRewardSchema,
        referrerReward: referralRewardSchema,
        maxRewardsPerReferrer: z.number().int().positive().nullable().default(null),
        linkBase: z.url().nullable().default(null),
      })
      .default({ refereeReward: { points: 0, couponCampaignId: null }, referrerReward: { points: 0, couponCampaignId: null }, maxRewardsPerReferrer: null, linkBase: null }),
  })
  .superRefine((s, ctx) => {
    const thresholds = s.tiers.map((t) => t.threshold);
    if (thresholds.some((t, i) => i > 0 && t <= thresholds[i - 1]!)) {
      ctx.addIssue({ code: 'custom', path: ['tiers'], message: 'tiers go from lowest to highest threshold, each strictly above the one before' });
    }
    if (new Set(s.tiers.map((t) => t.name)).size !== s.tiers.length) ctx.addIssue({ code: 'custom', path: ['tiers'], message: 'tier names must be unique' });
  });
export type LoyaltySettings = z.infer<typeof loyaltySettingsSchema>;
