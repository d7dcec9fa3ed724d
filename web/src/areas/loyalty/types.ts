/** Shapes of /v1/loyalty: aliases of /openapi.json (apiTypes.ts). */
import type { Get, Item } from '../../apiTypes.ts';

/** The effective programme settings (GET /v1/loyalty/settings); PUT takes the same shape. */
export type LoyaltySettings = Get<'/v1/loyalty/settings'>;
export type Tier = Item<LoyaltySettings['tiers']>;
export type LoyaltyReport = Get<'/v1/loyalty/report'>;

export const REWARD_KINDS = ['coupon', 'gift', 'event'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

export type SurpriseRule = Item<Get<'/v1/loyalty/surprise-rules'>['data']>;
export type Reward = Item<Get<'/v1/loyalty/rewards'>['data']>;
export type Member = Item<Get<'/v1/loyalty/members'>['data']>;
export type LoyaltyAccount = Get<'/v1/loyalty/customers/{customer}'>;
export type LedgerEntry = Item<Get<'/v1/loyalty/customers/{customer}/history'>['data']>;
export type LedgerKind = LedgerEntry['kind'];
