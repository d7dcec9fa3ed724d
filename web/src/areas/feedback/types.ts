/**
 * API shapes of the surveys module (src/modules/surveys/types.ts, service.ts). By hand but for the NPS
 * summary: the survey, case and theme routes declare no response schema.
 */
import type { Get } from '../../apiTypes.ts';

export type Localized = { ja?: string; en?: string };
export type SurveyKind = 'nps' | 'csat' | 'ces' | 'custom';
export type QuestionType = 'nps' | 'csat' | 'ces' | 'single' | 'multiple' | 'rating' | 'text';
export type CaseStatus = 'open' | 'in_progress' | 'closed';

export interface Question {
  id: string;
  type: QuestionType;
  label: Localized;
  required: boolean;
  options?: { id: string; label: Localized }[];
  max?: number;
}

export type NpsSummary = Get<'/v1/feedback/nps'>;

export interface Survey {
  id: string;
  slug: string;
  kind: SurveyKind;
  status: 'draft' | 'active' | 'closed';
  locale: 'ja' | 'en';
  title: Localized;
  questions: Question[];
  reviewUrl: string | null;
  linkTtlDays: number;
  anonymous: boolean;
  createdAt: string;
  responses?: number;
  nps?: NpsSummary | null;
  /** CSAT surveys: the share answering 4–5 of 5, with n and its 95 % Wilson interval. */
  csat?: { responses: number; satisfied: number; csat: number | null; ciLow: number | null; ciHigh: number | null } | null;
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
  answeredAt: string;
  surveyTitle?: Localized;
}

export interface SurveyCase {
  id: string;
  customerId: string;
  customerName: string | null;
  customerExternalId: string | null;
  surveyTitle: Localized;
  score: number | null;
  comment: string | null;
  status: CaseStatus;
  assigneeId: string | null;
  assigneeName: string | null;
  dueAt: string;
  overdue: boolean;
  createdAt: string;
  closedAt: string | null;
  notes: { id: string; authorName: string | null; body: string; createdAt: string }[];
}

export interface Theme {
  term: string;
  promoterCount: number;
  detractorCount: number;
  z: number;
  quotes: string[];
}

export interface Assignee {
  id: string;
  name: string | null;
  email: string;
}

export const localizedText = (t: Localized | undefined, locale: 'ja' | 'en'): string => (t ? ((locale === 'ja' ? (t.ja ?? t.en) : (t.en ?? t.ja)) ?? '') : '');
