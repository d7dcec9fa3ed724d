import { z } from 'zod';
import { instant } from '../../lib/instant.ts';

export const SURVEY_KINDS = ['nps', 'csat', 'ces', 'custom'] as const;
export const QUESTION_TYPES = ['nps', 'csat', 'ces', 'single', 'multiple', 'rating', 'text'] as const;
export const CASE_STATUSES = ['open', 'in_progress', 'closed'] as const;
export const LOCALES = ['ja', 'en'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];
export type QuestionType = (typeof QUESTION_TYPES)[number];
export type CaseStatus = (typeof CASE_STATUSES)[number];
export type Locale = (typeof LOCALES)[number];

/** A text in Japanese and/or English. */
export const localized = z
  .object({ ja: z.string().trim().min(1).max(500).optional(), en: z.string().trim().min(1).max(500).optional() })
  .strict()
  .refine((t) => t.ja !== undefined || t.en !== undefined, { message: 'give ja, en or both' });
export type Localized = z.infer<typeof localized>;

const questionId = z.string().regex(/^[a-z0-9_]{1,40}$/, 'lowercase letters, digits and _, at most 40');

export const questionInput = z
  .object({
    id: questionId,
    type: z.enum(QUESTION_TYPES),
    label: localized,
    required: z.boolean().default(false),
    /** Choices of single and multiple questions. */
    options: z.array(z.object({ id: questionId, label: localized }).strict()).min(2).max(20).optional(),
    /** Top of a rating scale (1…max). */
    max: z.number().int().min(3).max(10).optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    const choice = q.type === 'single' || q.type === 'multiple';
    if (choice && !q.options) ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${q.type} question needs options` });
    if (!choice && q.options) ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${q.type} question has no options` });
    if (q.options && new Set(q.options.map((o) => o.id)).size !== q.options.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'option ids must be unique' });
  });
export type Question = z.infer<typeof questionInput>;

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and -, 2–63 characters');

export const surveyInput = z
  .object({
    slug,
    kind: z.enum(SURVEY_KINDS),
    status: z.enum(['draft', 'active', 'closed']).default('active'),
    locale: z.enum(LOCALES).default('ja'),
    title: localized,
    /** Omit for NPS, CSAT and CES to get the standard questions in both languages. */
    questions: z.array(questionInput).min(1).max(30).optional(),
    /** Where promoters are asked to write a review (falls back to the workspace's). */
    reviewUrl: z.url({ protocol: /^https?$/ }).nullable().optional(),
    linkTtlDays: z.number().int().min(1).max(365).default(30),
    /** Whether the anonymous link (SNS, widget) accepts answers. */
    anonymous: z.boolean().default(false),
  })
  .strict();
export type SurveyInput = z.input<typeof surveyInput>;

export const surveyPatch = surveyInput.omit({ slug: true, kind: true }).partial().strict();
export type SurveyPatch = z.input<typeof surveyPatch>;

/** A scheme and host (optionally a `*.` wildcard and a port), nothing more: it goes into a CSP header as it is. */
const embedOrigin = z
  .string()
  .trim()
  .regex(/^https?:\/\/(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i, 'an origin such as https://shop.example.jp (scheme and host, no path)')
  .transform((o) => o.toLowerCase());

export const surveySettingsInput = z
  .object({
    publicBaseUrl: z.url({ protocol: /^https?$/ }),
    reviewUrl: z.url({ protocol: /^https?$/ }).nullable(),
    caseDueDays: z.number().int().min(0).max(60),
    defaultAssigneeId: z.uuid().nullable(),
    /** Who gets an email when a detractor opens a case (besides the `survey.detractor` webhook). */
    alertEmails: z.array(z.email()).max(20),
    /**
     * The workspace's sites that may frame the survey widget, as origins (`https://shop.example.jp`,
     * `https://*.shop.example.jp`): the widget page's `frame-ancestors`. Empty: framed nowhere.
     */
    embedOrigins: z.array(embedOrigin).max(20),
  })
  .partial()
  .strict();

export interface Survey {
  id: string;
  slug: string;
  kind: SurveyKind;
  status: 'draft' | 'active' | 'closed';
  locale: Locale;
  title: Localized;
  questions: Question[];
  reviewUrl: string | null;
  linkTtlDays: number;
  anonymous: boolean;
  publicKey: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface SurveyResponse {
  id: string;
  surveyId: string;
  customerId: string | null;
  kind: SurveyKind;
  score: number | null;
  category: 'promoter' | 'passive' | 'detractor' | null;
  comment: string | null;
  answers: Record<string, number | string | string[]>;
  locale: Locale;
  source: 'link' | 'anonymous' | 'import';
  answeredAt: Date;
}

export interface SurveyCase {
  id: string;
  customerId: string;
  customerName: string | null;
  customerExternalId: string | null;
  responseId: string;
  surveyId: string;
  surveyTitle: Localized;
  score: number | null;
  comment: string | null;
  status: CaseStatus;
  assigneeId: string | null;
  assigneeName: string | null;
  dueAt: Date;
  overdue: boolean;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  notes: { id: string; authorId: string | null; authorName: string | null; body: string; createdAt: Date }[];
}

export const casePatch = z
  .object({
    status: z.enum(CASE_STATUSES),
    assigneeId: z.uuid().nullable(),
    dueAt: instant(),
  })
  .partial()
  .strict();
