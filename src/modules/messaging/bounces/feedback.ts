import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../../../db/database.ts';
import { newId } from '../../../db/ids.ts';
import { AuthError, ConflictError, NotFoundError, ValidationError } from '../../../kernel/errors.ts';
import { contactHash, type CustomerService } from '../../customers/index.ts';
import type { MessagingSettings } from '../settings.ts';
import { retryDelayMs } from '../queue.ts';
import { addSuppressions } from '../suppressions.ts';
import { parseArf } from './arf.ts';
import { parseDsn } from './dsn.ts';
import { deliveryIdOf, type FeedbackReport } from './report.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, parseSendgridEvents, parseSendgridOpens, verifySendgrid } from './sendgrid.ts';
import { parseSesNotification, SnsVerifier } from './ses.ts';

export type FeedbackSource = 'dsn' | 'arf' | 'ses' | 'sendgrid';
type FeedbackPolicy = MessagingSettings['feedback'];

interface Deps {
  customers: Pick<CustomerService, 'insertConsents'>;
  settingsOf(workspaceId: string, q?: Queryable): Promise<{ settings: MessagingSettings }>;
  /** A provider-reported open (tracking.ts), with the provider's machine-open flag. */
  recordOpen?(workspaceId: string, deliveryId: string, open: { providerFlag: boolean; at: Date }): Promise<void>;
}

export interface IngestResult {
  /** Reports in the input (recipients of a DSN, events of a webhook). */
  received: number;
  /** New ones (a repeated report changes nothing). */
  recorded: number;
  /** Of the new ones, matched to a delivery we sent. */
  matched: number;
  suppressed: number;
  retried: number;
  /** Campaigns paused by this batch for their complaint rate. */
  paused: string[];
}

export interface RateRow {
  sent: number;
  hardBounces: number;
  softBounces: number;
  complaints: number;
  /** Hard and soft bounces / sent (null when nothing was sent). */
  bounceRate: number | null;
  complaintRate: number | null;
}

const rates = (r: { sent: number; hard: number; soft: number; complaints: number }): RateRow => ({
  sent: r.sent,
  hardBounces: r.hard,
  softBounces: r.soft,
  complaints: r.complaints,
  bounceRate: r.sent > 0 ? (r.hard + r.soft) / r.sent : null,
  complaintRate: r.sent > 0 ? r.complaints / r.sent : null,
});

/** Above this complaint rate the campaign and overview screens warn (Google's guidance for bulk senders: under 0.1 %). */
export const COMPLAINT_WARNING_RATE = 0.001;
const PAUSE_REASON = 'paused:complaint_rate';
/** Paused deliveries wait here until resumed (a date no worker reaches). */
const PAUSED_UNTIL = new Date('9999-01-01T00:00:00Z');

/**
 * Bounces and complaints, from any reporter, applied the same way: each is recorded once, matched
 * to the delivery (our Message-ID, else a VERP hint) and so to the customer, and logged in their
 * message history. A hard bounce suppresses the address at once; a complaint suppresses it and
 * records an email opt-out; a soft bounce requeues the delivery with the retry backoff until the
 * address has `softBounceLimit` soft bounces within `softBounceDays`, then suppresses it. A
 * campaign whose complaint rate passes `complaintPauseRate` over at least `complaintMinSent`
 * sent messages is paused.
 */
export class Feedback {
  /** Checks SNS signatures; tests replace it with one whose certificate fetcher is theirs. */
  sns = new SnsVerifier();

  constructor(
    private readonly db: Db,
    private readonly deps: Deps,
  ) {}

  /**
   * An SNS post for SES: verified, its topic one the workspace configured; a subscription
   * confirmation is confirmed (GET SubscribeURL, an AWS host), a notification ingested.
   */
  async ingestSes(workspaceId: string, body: unknown, now = new Date()): Promise<IngestResult & { type: string }> {
    const message = await this.sns.verify(body);
    const { settings } = await this.deps.settingsOf(workspaceId);
    if (!settings.feedback.sesTopicArns.includes(message.TopicArn)) throw new AuthError(`SNS topic ${message.TopicArn} is not in this workspace's feedback.sesTopicArns`, 403);
    const empty: IngestResult = { received: 0, recorded: 0, matched: 0, suppressed: 0, retried: 0, paused: [] };
    if (message.Type === 'SubscriptionConfirmation') {
      await this.sns.confirm(message);
      return { type: message.Type, ...empty };
    }
    if (message.Type !== 'Notification') return { type: message.Type, ...empty };
    return { type: message.Type, ...(await this.ingest(workspaceId, 'ses', parseSesNotification(message.Message, message.MessageId), now)) };
  }

  /** A SendGrid Event Webhook post: its ECDSA signature checked with the workspace's key over the raw body. */
  async ingestSendgrid(workspaceId: string, rawBody: Buffer, headers: Record<string, string | string[] | undefined>, now = new Date()): Promise<IngestResult> {
    const { settings } = await this.deps.settingsOf(workspaceId);
    const key = settings.feedback.sendgridPublicKey;
    if (!key) throw new ConflictError('feedback.sendgridPublicKey is not set for this workspace: SendGrid events cannot be verified', 'sendgrid_not_configured');
    const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
    verifySendgrid(key, rawBody, one(headers[SIGNATURE_HEADER]), one(headers[TIMESTAMP_HEADER]), now);
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new ValidationError('Invalid SendGrid event', [{ path: [], message: 'not JSON' }]);
    }
    const result = await this.ingest(workspaceId, 'sendgrid', parseSendgridEvents(body), now);
    for (const open of parseSendgridOpens(body)) await this.deps.recordOpen?.(workspaceId, open.deliveryId, { providerFlag: open.machine, at: open.occurredAt ?? now });
    return result;
  }

  /** A raw inbound message: a DSN or an ARF report (anything else is refused, 400). */
  async ingestEmail(workspaceId: string, raw: string, now = new Date()): Promise<IngestResult & { format: 'dsn' | 'arf' }> {
    const dsn = parseDsn(raw);
    if (dsn) return { format: 'dsn', ...(await this.ingest(workspaceId, 'dsn', dsn, now)) };
    const arf = parseArf(raw);
    if (arf) return { format: 'arf', ...(await this.ingest(workspaceId, 'arf', arf, now)) };
    throw new ValidationError('Not a bounce or complaint report', [{ path: [], message: 'expected a multipart/report of report-type delivery-status (RFC 3464) or feedback-report (RFC 5965)' }]);
  }

  async ingest(workspaceId: string, source: FeedbackSource, reports: FeedbackReport[], now = new Date()): Promise<IngestResult> {
    const policy = (await this.deps.settingsOf(workspaceId)).settings.feedback;
    const result: IngestResult = { received: reports.length, recorded: 0, matched: 0, suppressed: 0, retried: 0, paused: [] };
    const campaigns = new Set<string>();
    for (const report of reports) {
      await this.db.tx(async (tx) => {
        const applied = await this.apply(tx, workspaceId, source, report, policy, now);
        if (!applied) return;
        result.recorded++;
        if (applied.deliveryId) result.matched++;
        if (applied.outcome === 'suppressed' || applied.outcome === 'soft_bounce_limit') result.suppressed++;
        if (applied.outcome === 'retry') result.retried++;
        if (applied.campaignId && report.kind === 'complaint') campaigns.add(applied.campaignId);
      });
    }
    for (const campaignId of campaigns) if (await this.pauseIfComplaining(workspaceId, campaignId, policy)) result.paused.push(campaignId);
    return result;
  }

  private async apply(tx: Queryable, workspaceId: string, source: FeedbackSource, report: FeedbackReport, policy: FeedbackPolicy, now: Date) {
    const deliveryId = deliveryIdOf(report);
    const { rows } = deliveryId
      ? await tx.query<{ id: string; campaign_id: string; customer_id: string; channel: string; state: string; attempts: number; email: string | null }>(
          `SELECT d.id, d.campaign_id, d.customer_id, d.channel, d.state, d.attempts, NULL::text AS email
           FROM deliveries d WHERE d.workspace_id = $1 AND d.id = $2 AND d.channel = 'email' FOR UPDATE`,
          [workspaceId, deliveryId],
        )
      : { rows: [] };
    const delivery = rows[0];
    const recipient = report.recipient;
    if (!delivery && !recipient) return undefined;
    const hash = recipient ? contactHash(recipient) : null;
    const occurredAt = report.occurredAt && !Number.isNaN(report.occurredAt.getTime()) ? report.occurredAt : now;

    // Recorded first: a report seen before stops here, before anything is suppressed or requeued again.
    const id = newId();
    const inserted = await tx.query(
      `INSERT INTO messaging_feedback_events (workspace_id, id, event_key, source, kind, delivery_id, campaign_id, customer_id, recipient_hash, status, diagnostic, outcome, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'logged', $12) ON CONFLICT (workspace_id, event_key) DO NOTHING`,
      [workspaceId, id, createHash('sha256').update(report.eventId).digest('hex'), source, report.kind, delivery?.id ?? null, delivery?.campaign_id ?? null, delivery?.customer_id ?? null, hash, report.status ?? null, report.diagnostic ?? null, occurredAt],
    );
    if (!inserted.rowCount) return undefined;

    let outcome: 'suppressed' | 'retry' | 'soft_bounce_limit' | 'logged' = 'logged';
    if (report.kind === 'hard_bounce' || report.kind === 'complaint') {
      if (recipient) await addSuppressions(tx, workspaceId, [{ kind: 'email', value: recipient, reason: report.kind }]);
      outcome = recipient ? 'suppressed' : 'logged';
      if (report.kind === 'complaint' && delivery) {
        await this.deps.customers.insertConsents(workspaceId, [{ customerId: delivery.customer_id, channel: 'email', status: 'opted_out', source: 'complaint', recordedAt: now }], tx);
      }
    } else if (hash) {
      const { rows: counted } = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM messaging_feedback_events
         WHERE workspace_id = $1 AND recipient_hash = $2 AND kind = 'soft_bounce' AND occurred_at > $3`,
        [workspaceId, hash, new Date(occurredAt.getTime() - policy.softBounceDays * 86_400_000)],
      );
      if (counted[0]!.n >= policy.softBounceLimit) {
        // Repeated temporary failures: the address is treated as undeliverable.
        await addSuppressions(tx, workspaceId, [{ kind: 'email', value: recipient!, reason: 'hard_bounce' }]);
        outcome = 'soft_bounce_limit';
      } else if (delivery && delivery.state === 'sent') {
        outcome = (await this.requeue(tx, workspaceId, delivery, now)) ? 'retry' : 'logged';
      }
    }
    await tx.query('UPDATE messaging_feedback_events SET outcome = $3 WHERE workspace_id = $1 AND id = $2', [workspaceId, id, outcome]);
    if (delivery) {
      const kind = report.kind === 'complaint' ? 'complained' : 'bounced';
      const reason = [report.kind, report.status, outcome === 'logged' ? null : outcome].filter(Boolean).join(':');
      await tx.query('INSERT INTO delivery_log (workspace_id, delivery_id, customer_id, at, kind, reason) VALUES ($1, $2, $3, $4, $5, $6)', [workspaceId, delivery.id, delivery.customer_id, now, kind, reason]);
    }
    return { deliveryId: delivery?.id, campaignId: delivery?.campaign_id, outcome };
  }

  /** A soft-bounced message goes back to the queue with the send retry's backoff, up to the policy's attempts. */
  private async requeue(tx: Queryable, workspaceId: string, delivery: { id: string; campaign_id: string; attempts: number }, now: Date): Promise<boolean> {
    const { settings } = await this.deps.settingsOf(workspaceId, tx);
    if (delivery.attempts >= settings.policy.maxAttempts) return false;
    const { rowCount } = await tx.query(
      `UPDATE deliveries d SET state = CASE WHEN c.paused_at IS NULL THEN 'queued' ELSE 'deferred' END,
         reason = CASE WHEN c.paused_at IS NULL THEN 'retry:soft_bounce' ELSE $4 END,
         due_at = CASE WHEN c.paused_at IS NULL THEN $3::timestamptz ELSE $5::timestamptz END
       FROM campaigns c
       WHERE d.workspace_id = $1 AND d.id = $2 AND d.state = 'sent' AND c.workspace_id = d.workspace_id AND c.id = d.campaign_id`,
      [workspaceId, delivery.id, new Date(now.getTime() + retryDelayMs(delivery.attempts)), PAUSE_REASON, PAUSED_UNTIL],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * Bounces and complaints of a campaign against its sent messages. Read from delivery_log, where
   * every bounce and complaint lands (those of feedback reports too, see `apply`), counted once per
   * delivery with the rule of performance.ts's engagementOf, so the report and the performance
   * figures are one definition.
   */
  async campaignRates(workspaceId: string, campaignId: string, q: Queryable = this.db): Promise<RateRow & { pausedAt: Date | null; pausedReason: string | null }> {
    const { rows } = await q.query<{ sent: number; hard: number; soft: number; complaints: number; paused_at: Date | null; paused_reason: string | null }>(
      `WITH ev AS (
         SELECT l.delivery_id,
           bool_or(l.kind = 'bounced' AND l.reason LIKE 'hard_bounce%') AS hard, bool_or(l.kind = 'bounced' AND l.reason NOT LIKE 'hard_bounce%') AS soft,
           bool_or(l.kind = 'complained') AS complained
         FROM delivery_log l JOIN deliveries d ON d.workspace_id = l.workspace_id AND d.id = l.delivery_id
         WHERE l.workspace_id = $1 AND d.campaign_id = $2 AND l.kind IN ('bounced', 'complained') GROUP BY l.delivery_id)
       SELECT (SELECT count(*)::int FROM deliveries d WHERE d.workspace_id = $1 AND d.campaign_id = $2 AND (d.state = 'sent' OR EXISTS (
                 SELECT 1 FROM ev WHERE ev.delivery_id = d.id))) AS sent,
         (SELECT count(*)::int FROM ev WHERE hard) AS hard,
         (SELECT count(*)::int FROM ev WHERE soft AND NOT hard) AS soft,
         (SELECT count(*)::int FROM ev WHERE complained) AS complaints,
         c.paused_at, c.paused_reason
       FROM campaigns c WHERE c.workspace_id = $1 AND c.id = $2`,
      [workspaceId, campaignId],
    );
    if (!rows[0]) throw new NotFoundError(`campaign ${campaignId} not found`);
    return { ...rates(rows[0]), pausedAt: rows[0].paused_at, pausedReason: rows[0].paused_reason };
  }

  /** Per UTC day: messages sent that day, and bounces and complaints reported that day. */
  async dailyRates(workspaceId: string, from: Date, to: Date): Promise<(RateRow & { day: string })[]> {
    const { rows } = await this.db.query<{ day: string; sent: number; hard: number; soft: number; complaints: number }>(
      `WITH sent AS (
         SELECT (sent_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS n FROM deliveries
         WHERE workspace_id = $1 AND channel = 'email' AND state = 'sent' AND sent_at >= $2 AND sent_at < $3 GROUP BY 1),
       fb AS (
         SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day,
           count(*) FILTER (WHERE kind = 'hard_bounce')::int AS hard, count(*) FILTER (WHERE kind = 'soft_bounce')::int AS soft,
           count(*) FILTER (WHERE kind = 'complaint')::int AS complaints
         FROM messaging_feedback_events WHERE workspace_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY 1)
       SELECT to_char(coalesce(s.day, f.day), 'YYYY-MM-DD') AS day, coalesce(s.n, 0) AS sent, coalesce(f.hard, 0) AS hard,
         coalesce(f.soft, 0) AS soft, coalesce(f.complaints, 0) AS complaints
       FROM sent s FULL JOIN fb f ON f.day = s.day ORDER BY 1`,
      [workspaceId, from, to],
    );
    return rows.map((r) => ({ day: r.day, ...rates(r) }));
  }

  /**
   * Pauses the campaign when its complaint rate passed the policy's threshold over enough sent
   * messages: its queued and deferred deliveries wait until `resume`. True when it paused it now.
   */
  private async pauseIfComplaining(workspaceId: string, campaignId: string, policy: FeedbackPolicy): Promise<boolean> {
    const r = await this.campaignRates(workspaceId, campaignId);
    if (r.pausedAt || r.sent < policy.complaintMinSent || (r.complaintRate ?? 0) <= policy.complaintPauseRate) return false;
    return this.db.tx(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE campaigns SET paused_at = now(), paused_reason = $3, updated_at = now()
         WHERE workspace_id = $1 AND id = $2 AND paused_at IS NULL AND source = 'campaign' AND status IN ('sending', 'scheduled')`,
        [workspaceId, campaignId, `complaint_rate ${(r.complaintRate! * 100).toFixed(2)} % (${r.complaints} of ${r.sent}) > ${(policy.complaintPauseRate * 100).toFixed(2)} %`],
      );
      if (!rowCount) return false;
      await tx.query(
        `WITH upd AS (UPDATE deliveries SET state = 'deferred', reason = $3, due_at = $4, lease_until = NULL
                      WHERE workspace_id = $1 AND campaign_id = $2 AND state IN ('queued', 'deferred') RETURNING id, customer_id)
         INSERT INTO delivery_log (workspace_id, delivery_id, customer_id, kind, reason) SELECT $1, id, customer_id, 'deferred', $3 FROM upd`,
        [workspaceId, campaignId, PAUSE_REASON, PAUSED_UNTIL],
      );
      return true;
    });
  }

  /** Lifts a pause: the waiting deliveries are due now (the gate judges each again). */
  async resume(workspaceId: string, campaignId: string, now = new Date()): Promise<void> {
    await this.db.tx(async (tx) => {
      const { rowCount } = await tx.query('UPDATE campaigns SET paused_at = NULL, paused_reason = NULL, updated_at = now() WHERE workspace_id = $1 AND id = $2 AND paused_at IS NOT NULL', [workspaceId, campaignId]);
      if (!rowCount) throw new ConflictError(`campaign ${campaignId} is not paused`, 'not_paused');
      await tx.query(`UPDATE deliveries SET state = 'queued', reason = NULL, due_at = $3 WHERE workspace_id = $1 AND campaign_id = $2 AND state = 'deferred' AND reason = $4`, [workspaceId, campaignId, now, PAUSE_REASON]);
    });
  }

  /** Erasure: the address hash and the diagnostic (which may quote the address) go; the counts stay for the rates. */
  async eraseCustomer(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<void> {
    await q.query('UPDATE messaging_feedback_events SET recipient_hash = NULL, diagnostic = NULL WHERE workspace_id = $1 AND customer_id = $2', [workspaceId, customerId]);
  }
}
