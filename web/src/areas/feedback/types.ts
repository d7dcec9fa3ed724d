/** API shapes of the surveys module: aliases of /openapi.json (apiTypes.ts; the routes' schemas are in src/modules/surveys/views.ts). */
import type { Get, Item } from '../../apiTypes.ts';

export type Survey = Get<'/v1/surveys/{id}'>;
/** A survey of the list, with its answer count and NPS (NPS surveys) or CSAT (CSAT surveys), each with n and its 95 % interval. */
export type ListedSurvey = Item<Get<'/v1/surveys'>['data']>;
export type Question = Item<Survey['questions']>;
export type Localized = Survey['title'];
export type SurveyKind = Survey['kind'];
export type QuestionType = Question['type'];

export type NpsSummary = Get<'/v1/feedback/nps'>;

/** A customer's answer with the survey's title (the customer 360 panel). */
export type SurveyResponse = Item<Get<'/v1/feedback/customers/{id}'>['responses']>;
export type SurveyCase = Item<Get<'/v1/feedback/cases'>['data']>;
export type CaseStatus = SurveyCase['status'];
export type Theme = Item<Get<'/v1/feedback/themes'>['promoters']>;
export type Assignee = Item<Get<'/v1/feedback/assignees'>['data']>;

export const localizedText = (t: Localized | undefined, locale: 'ja' | 'en'): string => (t ? ((locale === 'ja' ? (t.ja ?? t.en) : (t.en ?? t.ja)) ?? '') : '');
