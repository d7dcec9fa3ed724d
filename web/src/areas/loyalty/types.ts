/** Shapes of /v1/loyalty: aliases of /openapi.json (apiTypes.ts) where the route declares its answer; by hand where it does not (settings, report, surprise rules). */
import type { Get, Item } from '../../apiTypes.ts';

export interface Tier {
  name: string;
  threshold: number;
  earnMultiplier: number;
  upgradeCouponCampaignId: string | null;
  earlyAccess: boolean;
  exclusiveEvents: boolean;
}

export interface ReferralReward {
  points: number;
  couponCampaignId: string | null;
}

/** The effective programme settings (GET /v1/loyalty/settings); PUT takes the same shape. */
export interface LoyaltySettings {
  earn: { points: number; perMinor: number };
  categoryMultipliers: Record<string, number>;
  skuMultipliers: Record<string, number>;
  birthdayMonthMultiplier: number;
  firstPurchaseBonus: number;
  eventBonuses: Record<string, number>;
  maxPointsPerOrder: number | null;
  earnOrdersSince: string | null;
  pendingDays: number;
  expiryMonths: number | null;
  expiringSoonDays: number;
  pointValueMinor: number;
  tiers: Tier[];
  tierBasis: 'spend' | 'points';
  tierWindowMonths: number;
  tierGracePercent: number;
  tierMaxDrop: number;
  referral: { refereeReward: ReferralReward; referrerReward: ReferralReward; maxRewardsPerReferrer: number | null; linkBase: string | null };
}

export interface ReferralStats {
  referrers: number;
  referred: number;
  completed: number;
  rejected: Record<string, number>;
  reversed: number;
  conversion: number;
  kFactor: number;
  revenueMinor: number;
}

export interface LoyaltyReport {
  currency: string;
  outstandingPoints: number;
  liabilityMinor: number;
  pendingPoints: number;
  pendingLiabilityMinor: number;
  earnedPoints: number;
  issuedPoints: number;
  redeemedPoints: number;
  expiredPoints: number;
  reversedPoints: number;
  adjustedPoints: number;
  breakageRate: number;
  redemptionRate: number;
  members: number;
  membersByTier: { tier: string | null; members: number }[];
  topEarners: { customerId: string; externalId: string | null; points: number }[];
  referrals: ReferralStats;
}

export const REWARD_KINDS = ['coupon', 'gift', 'event'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

export interface SurpriseRule {
  id: string;
  name: string;
  rewardId: string;
  segmentId: string;
  period: 'month' | 'quarter' | 'year';
  active: boolean;
  createdAt: string;
}

export type Reward = Item<Get<'/v1/loyalty/rewards'>['data']>;
export type Member = Item<Get<'/v1/loyalty/members'>['data']>;
export type LoyaltyAccount = Get<'/v1/loyalty/customers/{customer}'>;
export type LedgerEntry = Item<Get<'/v1/loyalty/customers/{customer}/history'>['data']>;
export type LedgerKind = LedgerEntry['kind'];
