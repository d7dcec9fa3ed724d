import type { Campaign, Entry, RewardInput, Winner } from './types.ts';

type Row = Record<string, unknown>;

export function toCampaign(r: Row): Campaign {
  const reward: RewardInput =
    r.reward_kind === 'points'
      ? { kind: 'points', points: r.reward_points as number }
      : r.reward_kind === 'coupon'
        ? { kind: 'coupon', couponCampaignId: r.reward_coupon_campaign_id as string }
        : { kind: 'none' };
  return {
    id: r.id as string,
    name: r.name as string,
    texts: r.texts as Campaign['texts'],
    defaultLocale: r.default_locale as Campaign['defaultLocale'],
    hashtag: r.hashtag as string | null,
    kind: r.kind as Campaign['kind'],
    acceptsPhoto: r.accepts_photo as boolean,
    acceptsUrl: r.accepts_url as boolean,
    allowAnyHttps: r.allow_any_https as boolean,
    allowAnonymous: r.allow_anonymous as boolean,
    surveyId: r.survey_id as string | null,
    status: r.status as Campaign['status'],
    startsAt: r.starts_at as Date,
    endsAt: r.ends_at as Date | null,
    reward,
    maxEntriesPerCustomer: r.max_entries_per_customer as number,
    maxRewardsPerCustomer: r.max_rewards_per_customer as number,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
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

export function toEntry(r: Row): Entry {
  return {
    id: r.id as string,
    campaignId: r.campaign_id as string,
    campaignName: r.campaign_name as string,
    customerId: r.customer_id as string,
    customerEmail: r.customer_email as string | null,
    customerExternalId: r.customer_external_id as string | null,
    customerName: r.customer_name as string | null,
    kind: r.kind as Entry['kind'],
    postUrl: r.post_url as string | null,
    platform: r.platform as string | null,
    caption: r.caption as string | null,
    mediaId: r.media_id as string | null,
    mediaPublic: r.media_public as boolean,
    surveyResponseId: r.survey_response_id as string | null,
    consentText: r.consent_text as string | null,
    consentLocale: r.consent_locale as Entry['consentLocale'],
    consentedAt: r.consented_at as Date | null,
    identifiedBy: r.identified_by as Entry['identifiedBy'],
    status: r.status as Entry['status'],
    rejectReason: r.reject_reason as string | null,
    moderatedAt: r.moderated_at as Date | null,
    moderatedBy: r.moderated_by as string | null,
    rewardStatus: r.reward_status as Entry['rewardStatus'],
    rewardRef: r.reward_ref as string | null,
    rewardError: r.reward_error as string | null,
    rewardedAt: r.rewarded_at as Date | null,
    winner: r.winner as boolean,
    createdAt: r.created_at as Date,
  };
}

export function toWinner(r: Row): Winner {
  return {
    entryId: r.entry_id as string,
    customerId: r.customer_id as string,
    customerEmail: r.customer_email as string | null,
    customerExternalId: r.customer_external_id as string | null,
    customerName: r.customer_name as string | null,
    method: r.method as Winner['method'],
    seed: r.seed as string | null,
    pickedBy: r.picked_by as string | null,
    pickedAt: r.picked_at as Date,
  };
}

/** Ids in paths are checked before they reach a uuid column, so a bad one is a 404, not a 500. */
export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
