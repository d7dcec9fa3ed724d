import { ValidationError, type FieldIssue } from '../../kernel/errors.ts';
import type { Locale, Localized, Question, Survey, SurveyKind } from './types.ts';

/** The scale of each scored question type: NPS 0–10, CSAT 1–5, CES 1–7, ratings 1–max. */
export function scaleOf(q: Question): { min: number; max: number } | null {
  switch (q.type) {
    case 'nps':
      return { min: 0, max: 10 };
    case 'csat':
      return { min: 1, max: 5 };
    case 'ces':
      return { min: 1, max: 7 };
    case 'rating':
      return { min: 1, max: q.max ?? 5 };
    default:
      return null;
  }
}

const REASON: Question = {
  id: 'reason',
  type: 'text',
  required: false,
  label: { ja: 'そのように評価された理由をお聞かせください。', en: 'What is the main reason for your score?' },
};

/** The standard questions of each kind, in both languages. */
export function standardQuestions(kind: Exclude<SurveyKind, 'custom'>): Question[] {
  const score: Record<typeof kind, Localized> = {
    nps: { ja: '友人や知人にどの程度おすすめしたいと思いますか？', en: 'How likely are you to recommend us to a friend or colleague?' },
    csat: { ja: '今回のご利用にどの程度満足されましたか？', en: 'How satisfied were you with your experience?' },
    ces: { ja: 'ご用件はどの程度かんたんに済みましたか？', en: 'How easy was it to get what you needed?' },
  };
  return [{ id: 'score', type: kind, required: true, label: score[kind] }, REASON];
}

/** Problems of a question list for a survey kind (scored kinds need their question, ids are unique). */
export function questionIssues(kind: SurveyKind, questions: Question[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  questions.forEach((q, i) => {
    if (seen.has(q.id)) issues.push({ path: ['questions', i, 'id'], message: `duplicate question id "${q.id}"` });
    seen.add(q.id);
  });
  if (kind !== 'custom' && !questions.some((q) => q.type === kind)) issues.push({ path: ['questions'], message: `a ${kind} survey needs a question of type ${kind}` });
  return issues;
}

/** The question whose answer is the survey's score: the first of the survey's kind. */
export const scoreQuestion = (s: Pick<Survey, 'kind' | 'questions'>): Question | undefined => (s.kind === 'custom' ? undefined : s.questions.find((q) => q.type === s.kind));

export function textIn(t: Localized, locale: Locale): string {
  return (locale === 'ja' ? (t.ja ?? t.en) : (t.en ?? t.ja)) ?? '';
}

/** The message of a missing required answer (the hosted page shows its own words for it). */
export const REQUIRED = 'required';

export interface ParsedAnswers {
  answers: Record<string, number | string | string[]>;
  score: number | null;
  comment: string | null;
}

/**
 * Checks raw answers (form fields or JSON) against the questions. Unknown question ids are
 * rejected so a typo is not silently dropped; each problem names `answers.<question id>`.
 */
export function parseAnswers(survey: Pick<Survey, 'kind' | 'questions'>, raw: Record<string, unknown>): ParsedAnswers {
  const issues: FieldIssue[] = [];
  const answers: ParsedAnswers['answers'] = {};
  const known = new Set(survey.questions.map((q) => q.id));
  for (const key of Object.keys(raw)) if (!known.has(key)) issues.push({ path: ['answers', key], message: 'no such question' });
  for (const q of survey.questions) {
    const value = raw[q.id];
    const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
    if (empty) {
      if (q.required) issues.push({ path: ['answers', q.id], message: REQUIRED });
      continue;
    }
    const scale = scaleOf(q);
    if (scale) {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
      if (!Number.isInteger(n) || n < scale.min || n > scale.max) issues.push({ path: ['answers', q.id], message: `a whole number from ${scale.min} to ${scale.max}` });
      else answers[q.id] = n;
    } else if (q.type === 'text') {
      if (typeof value !== 'string') issues.push({ path: ['answers', q.id], message: 'text expected' });
      else if (value.length > 5000) issues.push({ path: ['answers', q.id], message: 'at most 5000 characters' });
      else if (value.trim()) answers[q.id] = value.trim();
    } else {
      const ids = new Set(q.options!.map((o) => o.id));
      const chosen = Array.isArray(value) ? value : [value];
      if (chosen.some((c) => typeof c !== 'string' || !ids.has(c))) issues.push({ path: ['answers', q.id], message: `one of ${[...ids].join(', ')}` });
      else if (q.type === 'single' && chosen.length > 1) issues.push({ path: ['answers', q.id], message: 'choose one' });
      else answers[q.id] = q.type === 'single' ? (chosen[0] as string) : [...new Set(chosen as string[])];
    }
  }
  if (issues.length > 0) throw new ValidationError('Some answers are not valid', issues);
  const sq = scoreQuestion(survey);
  const comment = survey.questions.find((q) => q.type === 'text' && typeof answers[q.id] === 'string');
  return { answers, score: sq && typeof answers[sq.id] === 'number' ? (answers[sq.id] as number) : null, comment: comment ? (answers[comment.id] as string) : null };
}
