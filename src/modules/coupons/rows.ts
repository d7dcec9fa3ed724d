import { camelRow, type RowOf } from '../../kernel/rowMapper.ts';
import type { Campaign, Redemption } from './types.ts';

export const toCampaign = camelRow<Campaign>()(
  'id name kind value currency min_spend_minor starts_at ends_at valid_days per_customer_limit budget_minor max_redemptions spent_minor redemptions code_prefix code_length status created_at updated_at',
);
export type CampaignRow = RowOf<typeof toCampaign>;

export const toRedemption = camelRow<Omit<Redemption, 'replayed'>>()('id code campaign_id customer_id order_external_id order_total_minor discount_minor currency redeemed_at');
export type RedemptionRow = RowOf<typeof toRedemption>;
