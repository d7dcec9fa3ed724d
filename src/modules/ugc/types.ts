import { z } from 'zod';
import { instant } from '../../lib/instant.ts';

export const LOCALES = ['ja', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const CAMPAIGN_STATUSES = ['draft', 'active', 'closed'] as const;
export const ENTRY_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];
export const REWARD_STATUSES = ['none', 'pending', 'granted', 'capped', 'failed'] as const;

const localeTexts = z.object({
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().max(5000).default(''),
  consent: z.string().trim().min(1).max(2000).describe('what the entrant agrees to (reuse of the photo or post); stored with each entry as shown'),
  thanks: z.string().trim().max(1000).default('').describe('shown after a successful entry'),
});
export type LocaleTexts = z.infer<typeof localeTexts>;

export const rewardInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('points'), points: z.number().int().min(1).max(10_000_000) }),
  z.object({ kind: z.literal('coupon'), couponCampaignId: z.uuid() }),
]);
export type RewardInput = z.infer<typeof rewardInput>;

/** A whole campaign: create and update (PUT) take the same shape. */
export const campaignInput = z
  .object({
    name: z.string().trim().min(1).max(200).describe('internal name, shown to staff only'),
    texts: z.object({ ja: localeTexts.optional(), en: localeTexts.optional() }).describe('the entry page in each language offered'),
    defaultLocale: z.enum(LOCALES).default('ja'),
    hashtag: z
      .string()
      .trim()
      .regex(/^#?[^\s#]{1,100}$/, 'one hashtag without spaces, e.g. #夏の思い出')
      .transform((h) => h.replace(/^#/, ''))
      .nullable()
      .default(null),
    kind: z.enum(['post', 'survey']).default('post').describe('post: a photo or an SNS post URL; survey: answering a survey'),
    acceptsPhoto: z.boolean().default(true),
    acceptsUrl: z.boolean().default(true),
    allowAnyHttps: z.boolean().default(false).describe('accept any https URL, not only known SNS hosts'),
    allowAnonymous: z.boolean().default(true).describe('people without a personal link may enter with their email address'),
    surveyId: z.uuid().nullable().default(null),
    status: z.enum(CAMPAIGN_STATUSES).default('draft'),
    startsAt: instant().optional(),
    endsAt: instant().nullable().default(null),
    reward: rewardInput.default({ kind: 'none' }).describe('granted once per approved entry, within maxRewardsPerCustomer'),
    maxEntriesPerCustomer: z.number().int().min(1).max(1000).default(1).describe('pending and approved entries; a rejected one frees its place'),
    maxRewardsPerCustomer: z.number().int().min(1).max(1000).default(1),
  })
  .superRefine((c, ctx) => {
    if (!c.texts[c.defaultLocale]) ctx.addIssue({ code: 'custom', path: ['texts', c.defaultLocale], message: 'give the texts of the default language' });
    if (c.kind === 'post' && !c.acceptsPhoto && !c.acceptsUrl) ctx.addIssue({ code: 'custom', path: ['acceptsPhoto'], message: 'accept photos, URLs or both' });
    if (c.kind === 'survey' && !c.surveyId) ctx.addIssue({ code: 'custom', path: ['surveyId'], message: 'a survey campaign names its survey' });
    if (c.startsAt && c.endsAt && c.endsAt <= c.startsAt) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    // The coupon module gives a customer one code per coupon campaign: a second reward would be empty.
    if (c.reward.kind === 'coupon' && c.maxRewardsPerCustomer > 1) {
      ctx.addIssue({ code: 'custom', path: ['maxRewardsPerCustomer'], message: 'a coupon reward is given at most once per customer: set 1' });
    }
  });
export type CampaignInput = z.infer<typeof campaignInput>;

export interface Campaign {
  id: string;
  name: string;
  texts: Partial<Record<Locale, LocaleTexts>>;
  defaultLocale: Locale;
  hashtag: string | null;
  kind: 'post' | 'survey';
  acceptsPhoto: boolean;
  acceptsUrl: boolean;
  allowAnyHttps: boolean;
  allowAnonymous: boolean;
  surveyId: string | null;
  status: (typeof CAMPAIGN_STATUSES)[number];
  startsAt: Date;
  endsAt: Date | null;
  reward: RewardInput;
  maxEntriesPerCustomer: number;
  maxRewardsPerCustomer: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface Entry {
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
  surveyResponseId: string | null;
  /** Null for a survey answer: there is no content to reuse. */
  consentText: string | null;
  consentLocale: Locale | null;
  consentedAt: Date | null;
  identifiedBy: 'token' | 'email' | 'survey';
  status: EntryStatus;
  rejectReason: string | null;
  moderatedAt: Date | null;
  moderatedBy: string | null;
  rewardStatus: (typeof REWARD_STATUSES)[number];
  rewardRef: string | null;
  rewardError: string | null;
  rewardedAt: Date | null;
  winner: boolean;
  createdAt: Date;
}

export interface Winner {
  entryId: string;
  customerId: string;
  customerEmail: string | null;
  customerExternalId: string | null;
  customerName: string | null;
  method: 'random' | 'manual';
  seed: string | null;
  pickedBy: string | null;
  pickedAt: Date;
}

/** What an entrant sends from the entry page (or the public API); the files are already read. */
export interface EntrySubmission {
  /** A signed per-customer token from the entry link, or else an email address. */
  token?: string;
  email?: string;
  locale: Locale;
  consent: boolean;
  postUrl?: string;
  caption?: string;
  photo?: Buffer;
  /** Hash of the sender's IP address, kept to spot floods from one place. */
  ipHash?: string;
}
