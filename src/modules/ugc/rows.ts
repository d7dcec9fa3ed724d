import { camelRow, type RowOf } from '../../kernel/rowMapper.ts';
import type { Campaign, Entry, RewardInput, Winner } from './types.ts';

const campaignColumns = camelRow<Omit<Campaign, 'reward'>>()(
  'id name texts default_locale hashtag kind accepts_photo accepts_url allow_any_https allow_anonymous survey_id status starts_at ends_at max_entries_per_customer max_rewards_per_customer created_at updated_at',
);
/** A campaign's reward is stored as its kind and the one value that kind needs. */
export type CampaignRow = RowOf<typeof campaignColumns> & { reward_kind: RewardInput['kind']; reward_points: number | null; reward_coupon_campaign_id: string | null };

export function toCampaign(r: CampaignRow): Campaign {
  const reward: RewardInput =
    r.reward_kind === 'points'
      ? { kind: 'points', points: r.reward_points as number }
      : r.reward_kind === 'coupon'
        ? { kind: 'coupon', couponCampaignId: r.reward_coupon_campaign_id as string }
        : { kind: 'none' };
  return { ...campaignColumns(r), reward };
}

/** The columns `toEntry` reads: an entry with its customer's contact, media visibility and winner mark. */
export const ENTRY_SELECT = `
  SELECT e.*, k.name AS campaign_name, c.email AS customer_email, c.external_id AS customer_external_id,
         nullif(concat_ws(' ', c.family_name, c.given_name), '') AS customer_name,
         coalesce(m.public, false) AS media_public,
         EXISTS (SELECT 1 FROM ugc_winners w WHERE w.workspace_id = e.workspace_id AND w.campaign_id = e.campaign_id AND w.entry_id = e.id) AS winner
  FROM ugc_entries e
  JOIN ugc_campaigns k ON k.workspace_id = e.workspace_id AND k.id = e.campaign_id
  JOIN customers c ON c.workspace_id = e.workspace_id AND c.id = e.customer_id
  LEFT JOIN ugc_media m ON m.workspace_id = e.workspace_id AND m.id = e.media_id`;

export const toEntry = camelRow<Entry>()(
  'id campaign_id campaign_name customer_id customer_email customer_external_id customer_name kind post_url platform caption media_id media_public survey_response_id consent_text consent_locale consented_at identified_by status reject_reason moderated_at moderated_by reward_status reward_ref reward_error rewarded_at winner created_at',
);
export type EntryRow = RowOf<typeof toEntry>;

export const toWinner = camelRow<Winner>()('entry_id customer_id customer_email customer_external_id customer_name method seed picked_by picked_at');
export type WinnerRow = RowOf<typeof toWinner>;

/** Ids in paths are checked before they reach a uuid column, so a bad one is a 404, not a 500. */
export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
