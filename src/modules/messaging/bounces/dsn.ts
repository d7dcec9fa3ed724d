import { addressOf, fieldGroups, header, parts, splitMessage } from './mime.ts';
import { dateOf, stripAngles, verpHints, type FeedbackReport } from './report.ts';

/**
 * Delivery Status Notifications (RFC 3464): a multipart/report with report-type=delivery-status.
 * Per recipient, Action "failed" with a 5.x.x status is a hard bounce, with 4.x.x a soft one (the
 * remote MTA gave up on a temporary condition). "delayed" (still retrying), "delivered", "relayed"
 * and "expanded" are not bounces. Returns null when the message is not a DSN.
 */
export function parseDsn(raw: string): FeedbackReport[] | null {
  const report = parts(raw);
  if (report.type !== 'multipart/report' || report.params['report-type']?.toLowerCase() !== 'delivery-status') return null;
  const status = report.parts.find((p) => p.contentType === 'message/delivery-status' || p.contentType === 'message/global-delivery-status');
  if (!status) return null;
  const original = report.parts.find((p) => ['text/rfc822-headers', 'message/rfc822', 'message/global', 'message/global-headers'].includes(p.contentType));
  const originalHeaders = original ? splitMessage(original.body).headers : new Map<string, string[]>();
  const messageId = stripAngles(header(originalHeaders, 'message-id'));
  const reportId = stripAngles(header(report.headers, 'message-id')) ?? messageId ?? 'dsn';
  const hints = verpHints([header(report.headers, 'to'), header(report.headers, 'delivered-to'), header(report.headers, 'x-original-to'), header(originalHeaders, 'return-path')].map(addressOf));
  const [perMessage, ...recipients] = fieldGroups(status.body);
  const arrival = dateOf(perMessage && header(perMessage, 'arrival-date'));
  const out: FeedbackReport[] = [];
  for (const r of recipients) {
    const action = header(r, 'action')?.toLowerCase();
    if (action !== 'failed') continue;
    const diagnostic = header(r, 'diagnostic-code')?.replace(/^[^;]*;\s*/, '');
    const code = /^[245]\.\d{1,3}\.\d{1,3}/.exec(header(r, 'status') ?? '')?.[0] ?? /\b([45])\.\d{1,3}\.\d{1,3}\b/.exec(diagnostic ?? '')?.[0];
    const recipient = addressOf(header(r, 'final-recipient') ?? header(r, 'original-recipient'));
    out.push({
      kind: code?.startsWith('4') ? 'soft_bounce' : 'hard_bounce',
      recipient,
      status: code,
      diagnostic: diagnostic?.slice(0, 500),
      messageId,
      deliveryHints: hints,
      occurredAt: dateOf(header(r, 'last-attempt-date')) ?? dateOf(header(report.headers, 'date')) ?? arrival,
      eventId: `dsn:${reportId}:${recipient ?? ''}`,
    });
  }
  return out;
}
