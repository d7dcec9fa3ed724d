import * as campaigns from './campaigns/messages.ts';
import * as feedback from './feedback/messages.ts';
import * as insights from './insights/messages.ts';
import * as journeys from './journeys/messages.ts';
import * as loyalty from './loyalty/messages.ts';
import * as outbox from './outbox/messages.ts';
import * as segments from './segments/messages.ts';
import * as settings from './settings/messages.ts';
import * as ugc from './ugc/messages.ts';

/** Every area's strings, merged into the app's dictionaries by i18n/index.tsx. */
export const AREA_EN = { ...insights.en, ...segments.en, ...campaigns.en, ...outbox.en, ...loyalty.en, ...journeys.en, ...feedback.en, ...ugc.en, ...settings.en };
export const AREA_JA: Record<keyof typeof AREA_EN, string> = {
  ...insights.ja,
  ...segments.ja,
  ...campaigns.ja,
  ...outbox.ja,
  ...loyalty.ja,
  ...journeys.ja,
  ...feedback.ja,
  ...ugc.ja,
  ...settings.ja,
};
