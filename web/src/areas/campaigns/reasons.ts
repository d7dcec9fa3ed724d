import type { MessageKey, Translate } from '../../i18n/index.tsx';

/** Gate and provider reasons ("consent:opted_out", "cap:email", "provider:rate_limited") in plain words. */
const KNOWN: Record<string, MessageKey> = {
  erased: 'campaigns.reason.erased',
  no_address: 'campaigns.reason.no_address',
  customer_deleted: 'campaigns.reason.customer_deleted',
  quiet_hours: 'campaigns.reason.quiet_hours',
  cancelled: 'campaigns.reason.cancelled',
  lease_expired_while_sending: 'campaigns.reason.lease_expired_while_sending',
  holdout: 'campaigns.arm.holdout',
  global_control: 'campaigns.arm.global_control',
  'consent:opted_out': 'campaigns.reason.consent_opted_out',
  'consent:no_opt_in': 'campaigns.reason.consent_no_opt_in',
  'cap:total': 'campaigns.reason.cap_total',
  suppression: 'campaigns.reason.suppression',
  cap: 'campaigns.reason.cap',
  not_configured: 'campaigns.reason.not_configured',
  retry: 'campaigns.reason.retry',
  provider: 'campaigns.reason.provider',
  waiting_for_winner: 'campaigns.reason.waiting_for_winner',
  winner: 'campaigns.reason.winner',
  fallback: 'campaigns.reason.fallback',
};

export function reasonLabel(t: Translate, reason: string | null): string {
  if (reason === null) return '';
  const exact = KNOWN[reason];
  if (exact) return t(exact);
  const [prefix, detail = ''] = reason.split(/:(.*)/s, 2) as [string, string?];
  const key = KNOWN[prefix];
  return key ? t(key, { detail }) : reason;
}

const LOG_KINDS: Record<string, MessageKey> = {
  queued: 'campaigns.state.queued',
  sending: 'campaigns.state.sending',
  sent: 'campaigns.state.sent',
  deferred: 'campaigns.state.deferred',
  suppressed: 'campaigns.state.suppressed',
  failed: 'campaigns.state.failed',
  held_out: 'campaigns.state.held_out',
  uncertain: 'campaigns.state.uncertain',
  waiting: 'campaigns.state.waiting',
  opened: 'campaigns.report.opened',
  clicked: 'campaigns.report.clicked',
  unsubscribed: 'campaigns.log.unsubscribed',
  bounced: 'campaigns.log.bounced',
  complained: 'campaigns.log.complained',
};

/** A step of a delivery's decision log; kinds added later show as they are stored. */
export const logKindLabel = (t: Translate, kind: string): string => (LOG_KINDS[kind] ? t(LOG_KINDS[kind]) : kind);
