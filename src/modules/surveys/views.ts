import { z } from 'zod';
import { CASE_STATUSES, LOCALES, QUESTION_TYPES, SURVEY_KINDS } from './types.ts';

/**
 * The answers of the survey routes (types.ts, service.ts, cases.ts, themes.ts) as response schemas:
 * /openapi.json describes them and the web app's types are generated from it.
 */
const int = z.number().int();
const localizedView = z.object({ ja: z.string().optional(), en: z.string().optional() });

export const npsView = z.object({
  responses: z.number(),
  promoters: z.number(),
  passives: z.number(),
  detractors: z.number(),
  nps: z.number().nullable().describe('−100…100'),
  ciLow: z.number().nullable().describe('95 % interval, normal approximation'),
  ciHigh: z.number().nullable(),
});

const csatView = z.object({
  responses: int,
  satisfied: int,
  csat: z.number().nullable().describe('share answering 4–5 of 5 (0…1)'),
  ciLow: z.number().nullable().describe('95 % Wilson interval'),
  ciHigh: z.number().nullable(),
});

const questionView = z.object({
  id: z.string(),
  type: z.enum(QUESTION_TYPES),
  label: localizedView,
  required: z.boolean(),
  options: z.array(z.object({ id: z.string(), label: localizedView })).optional(),
  max: int.optional(),
});

export const surveyView = z.object({
  id: z.string(),
  slug: z.string(),
  kind: z.enum(SURVEY_KINDS),
  status: z.enum(['draft', 'active', 'closed']),
  locale: z.enum(LOCALES),
  title: localizedView,
  questions: z.array(questionView),
  reviewUrl: z.string().nullable(),
  linkTtlDays: int,
  anonymous: z.boolean(),
  publicKey: z.string().describe('the key of the anonymous link (/s/p/<key>)'),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const surveyListView = z.object({
  data: z.array(surveyView.extend({ responses: int, nps: npsView.nullable().describe('NPS surveys'), csat: csatView.nullable().describe('CSAT surveys') })),
});

export const responseView = z.object({
  id: z.string(),
  surveyId: z.string(),
  customerId: z.string().nullable(),
  kind: z.enum(SURVEY_KINDS),
  score: z.number().nullable(),
  category: z.enum(['promoter', 'passive', 'detractor']).nullable(),
  comment: z.string().nullable(),
  answers: z.record(z.string(), z.union([z.number(), z.string(), z.array(z.string())])),
  locale: z.enum(LOCALES),
  source: z.enum(['link', 'anonymous', 'import']),
  answeredAt: z.date(),
});

export const caseView = z.object({
  id: z.string(),
  customerId: z.string(),
  customerName: z.string().nullable(),
  customerExternalId: z.string().nullable(),
  responseId: z.string(),
  surveyId: z.string(),
  surveyTitle: localizedView,
  score: z.number().nullable(),
  comment: z.string().nullable(),
  status: z.enum(CASE_STATUSES),
  assigneeId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  dueAt: z.date(),
  overdue: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
  closedAt: z.date().nullable(),
  notes: z.array(z.object({ id: z.string(), authorId: z.string().nullable(), authorName: z.string().nullable(), body: z.string(), createdAt: z.date() })),
});

export const caseListView = z.object({ data: z.array(caseView), counts: z.object({ active: int, overdue: int }) });

const themeView = z.object({ term: z.string(), promoterCount: int, detractorCount: int, z: z.number(), quotes: z.array(z.string()) });

export const themesView = z.object({
  promoters: z.array(themeView).describe('words leaning to promoters, strongest first'),
  detractors: z.array(themeView).describe('words leaning to detractors, strongest first'),
  comments: int.describe('comments read'),
});

export const assigneesView = z.object({ data: z.array(z.object({ id: z.string(), name: z.string().nullable(), email: z.string() })) });

export const customerFeedbackView = z.object({ responses: z.array(responseView.extend({ surveyTitle: localizedView })), cases: z.array(caseView) });
