import type { Tier } from './settings.ts';

export interface TierRules {
  tiers: Tier[];
  /** Share below a threshold within which a member keeps the tier at period end. */
  gracePercent: number;
  /** Tiers a member may fall at one period end. */
  maxDrop: number;
  /** Length of a tier period (and of the rolling qualifying window). */
  periodMonths: number;
}

export interface TierState {
  tier: string | null;
  /** When the tier is next reviewed for a downgrade. */
  reviewAt: Date | null;
}

export interface TierDecision extends TierState {
  change: 'upgrade' | 'downgrade' | null;
}

/**
 * Tier from the qualifying value (rolling-window spend or points earned, never the current balance):
 * a member moves up at once, and a new period starts; down only at period end, keeping the tier
 * while within the grace share of its threshold, and falling at most `maxDrop` tiers. Pure.
 */
export function evaluateTier(rules: TierRules, state: TierState, qualifying: number, now: Date): TierDecision {
  const { tiers } = rules;
  const current = state.tier === null ? -1 : tiers.findIndex((t) => t.name === state.tier);
  const earned = highest(tiers, (t) => t.threshold <= qualifying);
  if (earned > current) return { tier: tiers[earned]!.name, reviewAt: addMonths(now, rules.periodMonths), change: 'upgrade' };
  if (current < 0 || (state.reviewAt !== null && now < state.reviewAt)) return { ...state, change: null };
  const kept = highest(tiers, (t) => t.threshold * (1 - rules.gracePercent / 100) <= qualifying);
  const next = Math.min(current, Math.max(kept, current - rules.maxDrop));
  if (next === current) return { tier: state.tier, reviewAt: addMonths(now, rules.periodMonths), change: null };
  return { tier: next < 0 ? null : tiers[next]!.name, reviewAt: next < 0 ? null : addMonths(now, rules.periodMonths), change: 'downgrade' };
}

/** The next tier up and what is missing to reach it: the storefront's progress bar. */
export function tierProgress(tiers: Tier[], tier: string | null, qualifying: number): { next: string | null; needed: number } {
  const current = tier === null ? -1 : tiers.findIndex((t) => t.name === tier);
  const next = tiers[current + 1];
  return next ? { next: next.name, needed: Math.max(0, next.threshold - qualifying) } : { next: null, needed: 0 };
}

function highest(tiers: Tier[], ok: (t: Tier) => boolean): number {
  for (let i = tiers.length - 1; i >= 0; i--) if (ok(tiers[i]!)) return i;
  return -1;
}

/** Calendar months later, clamped to the month's last day (Jan 31 + 1 month = Feb 28). */
export function addMonths(at: Date, months: number): Date {
  const d = new Date(at);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}
