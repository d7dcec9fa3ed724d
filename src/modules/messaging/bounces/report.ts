/** One bounce or complaint about one recipient, whatever reported it (a DSN, an ARF report, SES, SendGrid). */
export interface FeedbackReport {
  kind: 'hard_bounce' | 'soft_bounce' | 'complaint';
  /** The address that bounced or complained, lower-cased. */
  recipient?: string;
  /** The enhanced status code (RFC 3463), such as 5.1.1; or the complaint's feedback type. */
  status?: string;
  diagnostic?: string;
  /** The Message-ID we sent (angle brackets removed): `<delivery id>@<sender domain>`. */
  messageId?: string;
  /** Delivery ids found elsewhere (a VERP return path `bounces+<id>@…`). */
  deliveryHints?: string[];
  occurredAt?: Date;
  /** The reporter's id of this event (with the recipient): a report delivered twice counts once. */
  eventId: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The delivery a report is about: our Message-ID's local part, else a VERP hint. */
export function deliveryIdOf(report: Pick<FeedbackReport, 'messageId' | 'deliveryHints'>): string | undefined {
  const fromMessageId = report.messageId && /^([0-9a-f-]{36})@/i.exec(report.messageId.replace(/^<|>$/g, ''))?.[1];
  if (fromMessageId && UUID.test(fromMessageId)) return fromMessageId.toLowerCase();
  return report.deliveryHints?.find((h) => UUID.test(h))?.toLowerCase();
}

/** Delivery ids in VERP addresses (`anything+<uuid>@domain`). */
export function verpHints(addresses: (string | undefined)[]): string[] {
  return addresses.flatMap((a) => {
    const m = a && new RegExp(`\\+(${UUID.source})@`, 'i').exec(a);
    return m ? [m[1]!.toLowerCase()] : [];
  });
}

export const stripAngles = (id: string | undefined) => id?.trim().replace(/^<|>$/g, '') || undefined;

export function dateOf(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const d = new Date(value.replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isNaN(d.getTime()) ? undefined : d;
}
