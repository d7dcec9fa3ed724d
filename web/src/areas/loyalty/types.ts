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

export interface Reward {
  id: string;
  name: string;
  kind: RewardKind;
  costPoints: number;
  couponCampaignId: string | null;
  stock: number | null;
  minTier: string | null;
  eventAt: string | null;
  active: boolean;
  createdAt: string;
}

export interface SurpriseRule {
  id: string;
  name: string;
  rewardId: string;
  segmentId: string;
  period: 'month' | 'quarter' | 'year';
  active: boolean;
  createdAt: string;
}

export interface Member {
  customerId: string;
  externalId: string | null;
  tier: string | null;
  balance: number;
  pending: number;
}

export interface LoyaltyAccount {
  customerId: string;
  balance: number;
  pending: number;
  tier: string | null;
  tierSince: string | null;
  tierReviewAt: string | null;
  qualifying: number;
  nextTier: string | null;
  neededForNextTier: number;
  benefits: { earnMultiplier: number; earlyAccess: boolean; exclusiveEvents: boolean };
  expiringSoon: { points: number; expiresAt: string }[];
  referralCode: string;
  referralLink: string | null;
}

export type LedgerKind = 'earn' | 'pending' | 'confirm' | 'redeem' | 'expire' | 'adjust' | 'reverse';

export interface LedgerEntry {
  id: string;
  kind: LedgerKind;
  points: number;
  pending: number;
  sourceType: string;
  sourceId: string;
  reason: string | null;
  availableAt: string | null;
  expiresAt: string | null;
  createdAt: string;
}
