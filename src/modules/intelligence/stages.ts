import type { Stage } from '../../lib/glossary.ts';
import type { StageRules } from './settings.ts';

/**
 * Lifecycle stages: plain business rules on days of silence, sharpened by the model's P(alive) for
 * repeat customers (BG/NBD's P(alive) is 1 for one-time buyers by construction, so for them only the
 * day rules speak). The first rule that matches wins, in this order:
 *
 *   prospect     no purchase yet
 *   lost         no purchase for lostAfterDays, or P(alive) < lostBelowPAlive
 *   dormant      no purchase for dormantAfterDays, or P(alive) < dormantBelowPAlive   (休眠)
 *   at_risk      no purchase for atRiskAfterDays, or P(alive) < atRiskBelowPAlive
 *   reactivated  the last purchase came after a silence of at least dormantAfterDays, within reactivatedForDays
 *   new          one purchase day only, the first within newWithinDays
 *   active       everyone else
 */
export { STAGES, type Stage } from '../../lib/glossary.ts';

export interface StageInput {
  /** Purchase days (0: never bought). */
  purchaseDays: number;
  /** Days since the last purchase. */
  recencyDays: number;
  /** Days since the first purchase. */
  ageDays: number;
  /** Days between the last two purchase days (null with a single purchase day). */
  gapBeforeLastDays: number | null;
  /** Model P(alive), null when there is no model. */
  pAlive: number | null;
}

export function lifecycleStage(c: StageInput, rules: StageRules): Stage {
  if (c.purchaseDays === 0) return 'prospect';
  const repeat = c.purchaseDays > 1 && c.pAlive !== null;
  const below = (threshold: number) => repeat && c.pAlive! < threshold;
  if (c.recencyDays >= rules.lostAfterDays || below(rules.lostBelowPAlive)) return 'lost';
  if (c.recencyDays >= rules.dormantAfterDays || below(rules.dormantBelowPAlive)) return 'dormant';
  if (c.recencyDays >= rules.atRiskAfterDays || below(rules.atRiskBelowPAlive)) return 'at_risk';
  if (c.gapBeforeLastDays !== null && c.gapBeforeLastDays >= rules.dormantAfterDays && c.recencyDays < rules.reactivatedForDays) return 'reactivated';
  if (c.purchaseDays === 1 && c.ageDays < rules.newWithinDays) return 'new';
  return 'active';
}
