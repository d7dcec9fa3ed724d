import { ValidationError } from '../../kernel/errors.ts';
import type { Locale, Survey, SurveyResponse } from './types.ts';

/** Row mappers and input parsing shared by the surveys module's parts. */
export const toSurvey = (r: Record<string, unknown>): Survey => ({
  id: r.id as string,
  slug: r.slug as string,
  kind: r.kind as Survey['kind'],
  status: r.status as Survey['status'],
  locale: r.locale as Locale,
  title: r.title as Survey['title'],
  questions: r.questions as Survey['questions'],
  reviewUrl: r.review_url as string | null,
  linkTtlDays: r.link_ttl_days as number,
  anonymous: r.anonymous as boolean,
  publicKey: r.public_key as string,
  createdAt: r.created_at as Date,
  updatedAt: r.updated_at as Date,
});

export const toResponse = (r: Record<string, unknown>): SurveyResponse => ({
  id: r.id as string,
  surveyId: r.survey_id as string,
  customerId: r.customer_id as string | null,
  kind: r.kind as SurveyResponse['kind'],
  score: r.score as number | null,
  category: r.category as SurveyResponse['category'],
  comment: r.comment as string | null,
  answers: r.answers as SurveyResponse['answers'],
  locale: r.locale as Locale,
  source: r.source as SurveyResponse['source'],
  answeredAt: r.answered_at as Date,
});

export function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(`Invalid ${what}`, result.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'number' ? p : String(p))), message: i.message })));
  return result.data;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
