import type { FieldIssue } from '../../kernel/errors.ts';
import type { AbDecision } from '../../analytics/stats/abWinner.ts';
import type { AbTest, AbVariant, SendTime } from './abTestInput.ts';
import { unitHash } from './holdout.ts';
import { templateInput, type Template } from './types.ts';

export { AB_METRICS, abTestInput, sendTimeInput, type AbTest, type AbVariant, type SendTime } from './abTestInput.ts';

/**
 * A campaign's A/B test: variants of subject, content, sender name or send time, sent to a test
 * share of the treatment arm first; at the decision time the winner by the chosen metric goes to
 * the rest (docs/messaging.md, "A/B tests and the winner rule"). The holdout and the global control
 * group are decided first (holdout.ts) and never receive any variant.
 */

/** What the campaign stores once the decision is taken (the pure rule's answer and when). */
export interface StoredDecision extends AbDecision {
  /** The variant the rest received: the winner, or the fallback when there is none. */
  sent: string;
  decidedAt: string;
}

/** Checks that depend on the campaign's own template: same channel, email-only fields. */
export function abTestIssues(t: AbTest, template: Template): FieldIssue[] {
  const issues: FieldIssue[] = [];
  t.variants.forEach((v, i) => {
    if (v.template) {
      const parsed = templateInput.safeParse(v.template);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) issues.push({ path: ['abTest', 'variants', i, 'template', ...issue.path.map(String)], message: issue.message });
      } else if (parsed.data.channel !== template.channel) {
        issues.push({ path: ['abTest', 'variants', i, 'template', 'channel'], message: `must be ${template.channel}, the campaign's channel` });
      }
    }
    if (template.channel !== 'email' && v.subject !== undefined) issues.push({ path: ['abTest', 'variants', i, 'subject'], message: 'subject is for email campaigns' });
    if (template.channel !== 'email' && v.fromName !== undefined) issues.push({ path: ['abTest', 'variants', i, 'fromName'], message: 'fromName is for email campaigns' });
  });
  return issues;
}

/**
 * When the test is decided for a campaign launched at `startedAt`: the configured time, but never
 * before the last test delivery is due plus the same delay (a usual-hour variant can leave up to its
 * window after the launch; deciding earlier counts its queued deliveries as unsent).
 */
export function decideAtFor(t: AbTest, startedAt: Date, lastTestDueAt?: Date | null): Date {
  const configured = t.decideAt ?? new Date(startedAt.getTime() + t.decideAfterMinutes! * 60_000);
  if (!lastTestDueAt || lastTestDueAt <= startedAt) return configured;
  const delay = Math.max(0, configured.getTime() - startedAt.getTime());
  return new Date(Math.max(configured.getTime(), lastTestDueAt.getTime() + delay));
}

/**
 * A treated customer's place in the test, by hash so that it never changes: in the test share,
 * one of the variants with equal odds; otherwise the rest (null), which waits for the winner.
 */
export function assignVariant(campaignId: string, customerId: string, t: Pick<AbTest, 'variants' | 'testShare'>): string | null {
  const u = unitHash(`abtest:${campaignId}:${customerId}`) * 100;
  if (u >= t.testShare) return null;
  return t.variants[Math.min(t.variants.length - 1, Math.floor((u / t.testShare) * t.variants.length))]!.key;
}

/** The template a variant sends: its own, or the campaign's with the subject replaced. */
export function variantTemplate(template: Template, variant: AbVariant | undefined): Template {
  if (!variant) return template;
  const base = variant.template ? templateInput.parse(variant.template) : template;
  return variant.subject !== undefined && base.channel === 'email' ? { ...base, subject: variant.subject } : base;
}

/** The send-time option in force for a variant's deliveries (the variant's, else the campaign's). */
export function sendModeOf(variant: AbVariant | undefined, campaignSendTime: SendTime | null): { mode: 'fixed'; at: Date | null } | { mode: 'usual_hour'; windowHours: number } {
  const st = variant?.sendTime ?? (variant?.sendAt ? undefined : campaignSendTime ?? undefined);
  if (st?.mode === 'usual_hour') return st;
  return { mode: 'fixed', at: variant?.sendAt ?? null };
}
