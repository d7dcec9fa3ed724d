/** API shapes of /v1/ugc (see src/modules/ugc/routes.ts). */
export type UgcLocale = 'ja' | 'en';

export interface UgcTexts {
  title: string;
  description: string;
  consent: string;
  thanks: string;
}

export type UgcReward = { kind: 'none' } | { kind: 'points'; points: number } | { kind: 'coupon'; couponCampaignId: string };

export interface UgcCampaign {
  id: string;
  name: string;
  texts: Partial<Record<UgcLocale, UgcTexts>>;
  defaultLocale: UgcLocale;
  hashtag: string | null;
  kind: 'post' | 'survey';
  acceptsPhoto: boolean;
  acceptsUrl: boolean;
  allowAnyHttps: boolean;
  allowAnonymous: boolean;
  surveyId: string | null;
  status: 'draft' | 'active' | 'closed';
  startsAt: string;
  endsAt: string | null;
  reward: UgcReward;
  maxEntriesPerCustomer: number;
  maxRewardsPerCustomer: number;
  counts?: { pending: number; approved: number; rejected: number; winners: number };
}

export type UgcEntryStatus = 'pending' | 'approved' | 'rejected';

export interface UgcEntry {
  id: string;
  campaignId: string;
  campaignName: string;
  customerId: string;
  customerEmail: string | null;
  customerExternalId: string | null;
  customerName: string | null;
  kind: 'photo' | 'url' | 'survey';
  postUrl: string | null;
  platform: string | null;
  caption: string | null;
  mediaId: string | null;
  mediaPublic: boolean;
  consentText: string | null;
  consentLocale: UgcLocale | null;
  consentedAt: string | null;
  status: UgcEntryStatus;
  rejectReason: string | null;
  rewardStatus: 'none' | 'pending' | 'granted' | 'capped' | 'failed';
  rewardRef: string | null;
  rewardError: string | null;
  winner: boolean;
  createdAt: string;
}

export interface UgcWinner {
  entryId: string;
  customerId: string;
  customerEmail: string | null;
  customerExternalId: string | null;
  customerName: string | null;
  method: 'random' | 'manual';
  seed: string | null;
  pickedAt: string;
}
