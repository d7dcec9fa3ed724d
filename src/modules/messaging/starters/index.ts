import { birthday } from './birthday.ts';
import { newsletter } from './newsletter.ts';
import { nps } from './nps.ts';
import { onboarding } from './onboarding.ts';
import { pointsExpiry } from './pointsExpiry.ts';
import { reactivation } from './reactivation.ts';
import { referral } from './referral.ts';
import { reviewRequest } from './reviewRequest.ts';
import { secondPurchase } from './secondPurchase.ts';
import { thankYou } from './thankYou.ts';
import { tierUpgrade } from './tierUpgrade.ts';
import { welcome } from './welcome.ts';
import type { Starter } from './types.ts';

export type { Starter, StarterFact, StarterLang, StarterTemplates } from './types.ts';
export { STARTER_LANGS } from './types.ts';

/** The template library, in the order of a customer's life: welcome to win-back, then the regular ones. */
export const STARTERS: readonly Starter[] = [welcome, onboarding, thankYou, reviewRequest, secondPurchase, birthday, pointsExpiry, tierUpgrade, referral, nps, reactivation, newsletter];

export const starterByKey = (key: string): Starter | undefined => STARTERS.find((s) => s.key === key);
