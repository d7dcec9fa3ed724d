import { addressOf, fieldGroups, header, parts, splitMessage } from './mime.ts';
import { dateOf, stripAngles, verpHints, type FeedbackReport } from './report.ts';

/**
 * Complaint feedback reports (ARF, RFC 5965): a multipart/report with report-type=feedback-report
 * whose message/feedback-report part names the complaint (Feedback-Type abuse, fraud, virus, other;
 * "not-spam" is not a complaint) and whose third part is the original message or its headers.
 * Mailbox providers often redact the recipient (RFC 6590): then only our Message-ID finds them.
 * Returns null when the message is not an ARF report.
 */
export function parseArf(raw: string): FeedbackReport[] | null {
  const report = parts(raw);
  if (report.type !== 'multipart/report' || report.params['report-type']?.toLowerCase() !== 'feedback-report') return null;
  const feedback = report.parts.find((p) => p.contentType === 'message/feedback-report');
  if (!feedback) return null;
  const fields = fieldGroups(feedback.body)[0] ?? new Map<string, string[]>();
  const type = header(fields, 'feedback-type')?.toLowerCase() ?? 'abuse';
  if (type === 'not-spam') return [];
  const original = report.parts.find((p) => ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'].includes(p.contentType));
  const originalHeaders = original ? splitMessage(original.body).headers : new Map<string, string[]>();
  const messageId = stripAngles(header(originalHeaders, 'message-id'));
  const recipient = addressOf(header(fields, 'original-rcpt-to') ?? header(fields, 'removal-recipient') ?? header(originalHeaders, 'to'));
  const reportId = stripAngles(header(report.headers, 'message-id')) ?? messageId ?? 'arf';
  return [
    {
      kind: 'complaint',
      recipient: recipient?.includes('@') ? recipient : undefined,
      status: type,
      diagnostic: header(fields, 'user-agent')?.slice(0, 200),
      messageId,
      deliveryHints: verpHints([addressOf(header(fields, 'original-mail-from')), addressOf(header(originalHeaders, 'return-path'))]),
      occurredAt: dateOf(header(fields, 'arrival-date')) ?? dateOf(header(report.headers, 'date')),
      eventId: `arf:${reportId}`,
    },
  ];
}
