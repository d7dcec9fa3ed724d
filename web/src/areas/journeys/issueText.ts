import type { MessageKey, Translate } from '../../i18n/index.tsx';
import type { ValidationIssue } from './types.ts';

/**
 * The structural problems the server's validate.ts reports, recognised by their wording and said
 * again in the interface language. Anything else (schema messages) is shown as the server wrote it,
 * after the field it is about.
 */
const KNOWN: { pattern: RegExp; key: MessageKey; names: string[] }[] = [
  { pattern: /^the paths of split "(.+)" add up to (-?[\d.]+)%, not 100%$/, key: 'journeys.issue.splitSum', names: ['step', 'sum'] },
  { pattern: /^the paths of split "(.+)" need different labels$/, key: 'journeys.issue.splitLabels', names: ['step'] },
  { pattern: /^step "(.+)" points at "(.+)", which does not exist$/, key: 'journeys.issue.dangling', names: ['step', 'target'] },
  { pattern: /^step "(.+)" points at itself without waiting$/, key: 'journeys.issue.selfLoop', names: ['step'] },
  { pattern: /^step "(.+)" cannot be reached from the start$/, key: 'journeys.issue.unreachable', names: ['step'] },
  { pattern: /^step "(.+)" is on a loop with no wait step/, key: 'journeys.issue.instantLoop', names: ['step'] },
  { pattern: /^the start step "(.*)" does not exist$/, key: 'journeys.issue.noStart', names: ['step'] },
  { pattern: /^step id "(.+)" is used by more than one step$/, key: 'journeys.issue.duplicateId', names: ['step'] },
  { pattern: /^once per period needs periodDays$/, key: 'journeys.issue.periodDays', names: [] },
  { pattern: /^segment (\S+) does not exist$/, key: 'journeys.issue.noSegment', names: ['id'] },
  { pattern: /^branch "(.+)" refers to segment (\S+), which does not exist$/, key: 'journeys.issue.noSegment', names: ['step', 'id'] },
  { pattern: /^step "(.+)": coupon campaign (\S*) does not exist$/, key: 'journeys.issue.noCoupon', names: ['step', 'id'] },
  { pattern: /^step "(.+)": webhook (\S*) does not exist$/, key: 'journeys.issue.noWebhook', names: ['step', 'id'] },
];

/** Picker fields whose schema message ("Invalid UUID") means nothing has been chosen yet. */
const PICKED: Record<string, MessageKey> = {
  couponCampaignId: 'journeys.issue.chooseCoupon',
  webhookId: 'journeys.issue.chooseWebhook',
  segmentId: 'journeys.issue.chooseSegment',
};

export function issueText(t: Translate, issue: ValidationIssue): string {
  for (const known of KNOWN) {
    const match = known.pattern.exec(issue.message);
    if (match) return t(known.key, Object.fromEntries(known.names.map((name, i) => [name, match[i + 1]!])));
  }
  const last = issue.path[issue.path.length - 1];
  if (typeof last === 'string' && PICKED[last]) return t(PICKED[last]);
  // Schema issues: the field after the step (['definition', 'steps', 2, 'template', 'subject'] → template.subject).
  const path = issue.path.filter((p) => p !== 'definition');
  const field = (path[0] === 'steps' ? path.slice(2) : path).join('.');
  return field ? `${field}: ${issue.message}` : issue.message;
}
