import type { z } from 'zod';
import type { emailTemplate, lineTemplate, pushTemplate, smsTemplate } from '../types.ts';

export const STARTER_LANGS = ['ja', 'en'] as const;
export type StarterLang = (typeof STARTER_LANGS)[number];

/** The channels a starter may fill: email always, LINE, SMS and push where the moment suits them. */
export interface StarterTemplates {
  email: z.infer<typeof emailTemplate>;
  line?: z.infer<typeof lineTemplate>;
  sms?: z.infer<typeof smsTemplate>;
  push?: z.infer<typeof pushTemplate>;
}

/** Facts a starter prints when they exist: a coupon needs the campaign's coupon campaign, a survey link an active survey. */
export type StarterFact = 'coupon' | 'recommendations' | 'survey_links.nps' | 'loyalty';

/** A first draft for one of the customer moments the demo seeds, in Japanese and English. */
export interface Starter {
  key: string;
  name: Record<StarterLang, string>;
  /** When to send it, for the person choosing. */
  description: Record<StarterLang, string>;
  uses: StarterFact[];
  templates: Record<StarterLang, StarterTemplates>;
}
