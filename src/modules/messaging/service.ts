import { ConflictError, NotFoundError, ValidationError, zodIssues, type FieldIssue } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { CouponService } from '../coupons/index.ts';
import type { CustomerService } from '../customers/index.ts';
import type { RecommendationService } from '../recommendations/index.ts';
import type { SegmentService } from '../segments/index.ts';
import type { UserService } from '../users/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { toCampaign } from './campaignRows.ts';
import { directCampaignId, enqueueDirect, type DirectMessage } from './direct.ts';
import { Dispatcher, type DrainOptions, type DrainResult, type WorkspaceMessaging } from './dispatch.ts';
import { assignArm } from './holdout.ts';
import { abTestIssues, variantTemplate, type StoredDecision } from './abTest.ts';
import { abTestReport, type AbTestReport, type SendTimeReport } from './abReport.ts';
import { decideDue, dueDecisions } from './abDecision.ts';
import { launchDue, sendNow, STALLED_LAUNCH_MS, type LaunchDeps } from './launch.ts';
import type { Content } from './messenger.ts';
import { DmBatchStore } from './dmBatches.ts';
import { DkimKeys } from './dkim.ts';
import { Feedback } from './bounces/feedback.ts';
import { SecretBox } from '../../kernel/secretBox.ts';
import { getOutboxMessage, listOutbox, type OutboxQuery } from './outbox.ts';
import { compileTemplate, fileTagIssues, templateIssues } from './render.ts';
import { assertSenderIdentity, needsSenderIdentity } from './senderIdentity.ts';
import { campaignReport, globalControlReport, type CampaignReport } from './report.ts';
import { recordPastDeliveries, type PastDelivery } from './history.ts';

export type { PastDelivery } from './history.ts';
import { campaignPerformance, messagesPerformance, revenueInPeriod, type Engagement, type Performance } from './performance.ts';
import type { Attributed } from '../../analytics/stats/attribution.ts';
import { referenceIn } from '../../kernel/references.ts';
import { SeedList } from './seedList.ts';
import { eraseCustomerMessages, exportCustomerMessages, messagesFor } from './customerMessages.ts';
import { checkedDraft, renderPreview, type DraftInput } from './previews.ts';
import { notifyTeam, proof, testSend, type TeamSendDeps } from './teamSends.ts';
import { Tracking } from './tracking.ts';
import { redact, type MessagingSettings } from './settings.ts';
import { assertMarketingEmailReady, loadSettings, putSettings, sendingPolicy } from './settingsStore.ts';
import { campaignInput, type Campaign, type CampaignInput, type Channel, type CustomerMessage, type MessageClass, type RecipientVariableProviders, type Template } from './types.ts';

interface Modules {
  workspaces: WorkspaceService;
  customers: CustomerService;
  segments: SegmentService;
  coupons: CouponService;
  recommendations: RecommendationService;
  users: Pick<UserService, 'findByEmail'>;
  /** Per-recipient template variables other modules provide (`survey_links`), wired by the composition root. */
  recipientVariables?: RecipientVariableProviders;
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/**
 * Messaging: campaigns to a segment on any channel, through the delivery gate, with holdouts,
 * tracking and lift reports. `drain` is the worker's entry point.
 */
export class MessagingService {
  private readonly dispatcher: Dispatcher;
  /** Opens, clicks, unsubscribes, bounce and complaint reports. */
  readonly tracking: Tracking;
  private readonly variables: RecipientVariableProviders;
  private readonly variableNames: readonly string[];
  /** What a launch and the A/B decision job need (launch.ts, abDecision.ts). */
  private readonly launches: LaunchDeps;
  /** What previews, test sends, proofs and team alerts need (previews.ts, teamSends.ts). */
  private readonly sends: TeamSendDeps;
  /** Where test sends may go. */
  readonly seedList: SeedList;
  /** DKIM keys per sending domain (private keys sealed with the server key). */
  readonly dkim: DkimKeys;
  /** Bounce and complaint reports (DSN, ARF, SES, SendGrid), their rates, the complaint pause. */
  readonly feedback: Feedback;

  constructor(
    private readonly db: Db,
    private readonly m: Modules,
    /** Paper DM batches: under the data directory, read through `GET /v1/messaging/dm-batches`. */
    readonly dmBatches: DmBatchStore = new DmBatchStore(),
    /** Seals secrets stored in the database (DKIM private keys) with KIZUNA_SECRET_KEY. */
    secrets: SecretBox = new SecretBox(),
  ) {
    this.dkim = new DkimKeys(db, secrets);
    this.feedback = new Feedback(db, { customers: m.customers, settingsOf: (ws, q) => this.settingsOf(ws, q), recordOpen: (ws, id, open) => this.tracking.providerOpen(ws, id, open) });
    this.variables = m.recipientVariables ?? new Map();
    this.variableNames = [...this.variables.keys()];
    this.dispatcher = new Dispatcher(db, {
      dmBatches,
      recipientVariables: this.variables,
      workspaces: m.workspaces,
      recommendations: m.recommendations,
      settingsOf: (ws) => this.settingsOf(ws),
      campaignOf: (ws, id) => this.getCampaign(ws, id),
    });
    this.seedList = new SeedList(db, m.users);
    this.launches = {
      db,
      segments: m.segments,
      coupons: m.coupons,
      workspaces: m.workspaces,
      settingsOf: (ws) => this.settingsOf(ws),
      campaignOf: (ws, id) => this.getCampaign(ws, id),
    };
    this.sends = {
      db,
      customers: m.customers,
      recommendations: m.recommendations,
      variables: this.variables,
      variableNames: this.variableNames,
      settingsOf: (ws) => this.settingsOf(ws),
      dmBatches,
      seedList: this.seedList,
    };
    this.tracking = new Tracking(db, {
      customers: m.customers,
      linkSecretOf: async (ws) => (await db.query<{ link_secret: string }>('SELECT link_secret FROM messaging_settings WHERE workspace_id = $1', [ws])).rows[0]?.link_secret,
    });
  }

  // ── settings ──────────────────────────────────────────────────────────────

  /** The privacy export's part: every message queued for the person with its tracking (sent, opened, clicked), and each decision about it. */
  exportCustomer(workspaceId: string, customerId: string, q: Queryable = this.db): ReturnType<typeof exportCustomerMessages> {
    return exportCustomerMessages(q, workspaceId, customerId);
  }

  /**
   * Erasure: what was rendered for the person and the provider's message ids go; messages not yet
   * sent never will be (customerMessages.ts). States, times and arms stay, so reports stay true.
   */
  async eraseCustomer(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<void> {
    await eraseCustomerMessages(q, workspaceId, customerId);
    await this.feedback.eraseCustomer(workspaceId, customerId, q);
  }

  /** Replaces the settings; secrets left out keep their stored values (settingsStore.ts). Returns them redacted. */
  putSettings(workspaceId: string, input: unknown): Promise<MessagingSettings> {
    return putSettings(this.db, workspaceId, input);
  }

  /** The settings with secrets redacted (what the API shows). */
  async getSettings(workspaceId: string): Promise<MessagingSettings> {
    return redact((await this.settingsOf(workspaceId)).settings);
  }

  /** @internal the settings with their secrets, for the dispatcher and tracking. */
  settingsOf(workspaceId: string, q: Queryable = this.db): Promise<WorkspaceMessaging> {
    return loadSettings(q, this.dkim, workspaceId);
  }

  // ── campaigns ─────────────────────────────────────────────────────────────

  async createCampaign(workspaceId: string, input: CampaignInput): Promise<Campaign> {
    const parsed = campaignInput.safeParse(input);
    if (!parsed.success) {
      throw new ValidationError('Invalid campaign', zodIssues(parsed.error));
    }
    const c = parsed.data;
    const abIssues = c.abTest ? abTestIssues(c.abTest, c.template) : [];
    if (abIssues.length > 0) throw new ValidationError('Invalid campaign', abIssues);
    const { settings } = await this.settingsOf(workspaceId);
    await compileTemplate(c.template, settings, true, this.variableNames);
    // Each variant's own subject or template must render like the campaign's (issues named under the variant).
    const variantIssues: FieldIssue[] = [];
    for (const [i, v] of (c.abTest?.variants ?? []).entries()) {
      if (v.template || v.subject) variantIssues.push(...(await templateIssues(variantTemplate(c.template, v), ['abTest', 'variants', i, v.template ? 'template' : 'subject'], this.variableNames)));
    }
    if (variantIssues.length > 0) throw new ValidationError('Invalid campaign', variantIssues);
    // A draft may be saved with a partial identity; a scheduled campaign is a send, so it is checked now.
    if (c.scheduledAt && needsSenderIdentity(c.template.channel, c.class)) assertSenderIdentity(settings);
    await referenceIn(['segmentId'], () => this.m.segments.get(workspaceId, c.segmentId));
    if (c.couponCampaignId) await referenceIn(['couponCampaignId'], () => this.m.coupons.getCampaign(workspaceId, c.couponCampaignId!));
    const { rows } = await this.db.query(
      `INSERT INTO campaigns (workspace_id, id, name, channel, class, segment_id, template, holdout_percent, coupon_campaign_id,
         conversion_window_days, status, scheduled_at, ab_test, send_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING *`,
      [
        workspaceId, newId(), c.name, c.template.channel, c.class, c.segmentId, JSON.stringify(c.template), c.holdoutPercent,
        c.couponCampaignId ?? null, c.conversionWindowDays, c.scheduledAt ? 'scheduled' : 'draft', c.scheduledAt ?? null,
        c.abTest ? JSON.stringify(c.abTest) : null, c.sendTime ? JSON.stringify(c.sendTime) : null,
      ],
    );
    return toCampaign(rows[0]!);
  }

  // ── templates saved elsewhere (journey send steps) ────────────────────────

  /** Uses of the file tags (`include`, `render`, `layout`), refused whenever a template is saved; paths under `prefix`. */
  fileTagIssues(template: Template, prefix: (string | number)[]): FieldIssue[] {
    return fileTagIssues(template, prefix);
  }

  /** What would stop a template from being sent: Liquid or MJML errors, render limits; paths under `prefix`. */
  templateIssues(template: Template, prefix: (string | number)[]): Promise<FieldIssue[]> {
    return templateIssues(template, prefix, this.variableNames);
  }

  async getCampaign(workspaceId: string, id: string, q: Queryable = this.db): Promise<Campaign> {
    const { rows } = isUuid(id) ? await q.query('SELECT * FROM campaigns WHERE workspace_id = $1 AND id = $2', [workspaceId, id]) : { rows: [] };
    if (!rows[0]) throw new NotFoundError(`campaign ${id} not found`);
    return toCampaign(rows[0]);
  }

  /** Newest first, with delivery counts by state. */
  async listCampaigns(workspaceId: string): Promise<(Campaign & { counts: Record<string, number> })[]> {
    const { rows } = await this.db.query<Record<string, unknown> & { counts: Record<string, number> | null }>(
      `SELECT c.*, (SELECT jsonb_object_agg(state, n) FROM (SELECT state, count(*) AS n FROM deliveries d
                      WHERE d.workspace_id = c.workspace_id AND d.campaign_id = c.id GROUP BY state) s) AS counts
       FROM campaigns c WHERE c.workspace_id = $1 AND c.source = 'campaign' ORDER BY c.created_at DESC, c.id DESC`,
      [workspaceId],
    );
    return rows.map((r) => ({ ...toCampaign(r), counts: r.counts ?? {} }));
  }

  /** Stops a campaign: deliveries not yet sent are settled as suppressed ("cancelled"). */
  async cancel(workspaceId: string, id: string): Promise<Campaign> {
    return this.db.tx(async (tx) => {
      const { rows } = await tx.query(
        `UPDATE campaigns SET status = 'cancelled', finished_at = now(), updated_at = now()
         WHERE workspace_id = $1 AND id = $2 AND status IN ('draft', 'scheduled', 'sending') RETURNING *`,
        [workspaceId, id],
      );
      if (!rows[0]) throw new ConflictError(`campaign ${id} cannot be cancelled (${(await this.getCampaign(workspaceId, id, tx)).status})`);
      await tx.query(
        `WITH upd AS (UPDATE deliveries SET state = 'suppressed', reason = 'cancelled', lease_until = NULL
                      WHERE workspace_id = $1 AND campaign_id = $2 AND state IN ('queued', 'deferred', 'waiting') RETURNING id, customer_id)
         INSERT INTO delivery_log (workspace_id, delivery_id, customer_id, kind, reason) SELECT $1, id, customer_id, 'suppressed', 'cancelled' FROM upd`,
        [workspaceId, id],
      );
      return toCampaign(rows[0]);
    });
  }

  /**
   * Starts a campaign now: every current member of the segment gets a delivery row (held-out ones
   * settled at once), which the workers then send (launch.ts). Safe to call again: a cut-short
   * launch resumes, a finished one changes nothing.
   */
  send(workspaceId: string, id: string): Promise<{ campaign: Campaign; enqueued: number; heldOut: number }> {
    return sendNow(this.launches, workspaceId, id);
  }

  /**
   * The A/B decision job's pass: every test due at `now` is decided and its rest released with the
   * winner (abDecision.ts). Safe to run again and from several workers.
   */
  decideAbTests(options: { now?: Date; workspaceId?: string } = {}): Promise<{ campaignId: string; decision: StoredDecision }[]> {
    return decideDue(this.db, this.launches, options.now ?? new Date(), options.workspaceId ?? null);
  }

  /** Workspaces with an A/B test due for its decision (what the worker's schedule asks). */
  async workspacesWithDueDecisions(now = new Date()): Promise<string[]> {
    return [...new Set((await dueDecisions(this.db, now, null)).map((d) => d.workspaceId))];
  }

  /**
   * Templated messages, each to one customer (journey steps), queued in the caller's transaction `q`
   * so they commit with the steps; the workers send them through the delivery gate like any
   * delivery. Returns how many were new (a repeated idempotencyKey queues nothing).
   */
  async sendDirect(workspaceId: string, messages: DirectMessage[], q: Queryable = this.db, now = new Date()): Promise<number> {
    await this.settingsOf(workspaceId, q);
    return enqueueDirect(q, workspaceId, messages, now);
  }

  /**
   * Refuses (409 sender_identity_incomplete) a journey's activation when one of its messages (channel
   * and class) is marketing email and the sender identity is incomplete. A workspace without settings
   * is not refused here: its runner sends nothing until settings exist (sendingPolicy), as before.
   */
  assertMarketingEmailReady(workspaceId: string, messages: { channel: Channel; class: MessageClass }[], q: Queryable = this.db): Promise<void> {
    return assertMarketingEmailReady(q, workspaceId, messages);
  }

  /** Whether the workspace can send (its messaging settings exist), and its global control share. */
  sendingPolicy(workspaceId: string, q: Queryable = this.db): Promise<{ configured: boolean; globalControlPercent: number }> {
    return sendingPolicy(q, workspaceId);
  }

  /** What a real customer would receive (without tracking), to check a template before sending. */
  async preview(workspaceId: string, campaignId: string, customerIdOrExternalId: string): Promise<Content> {
    return renderPreview(this.sends, workspaceId, await this.getCampaign(workspaceId, campaignId), customerIdOrExternalId);
  }

  /**
   * A template not saved yet (the editor's live preview), rendered for a real customer as
   * `preview` does. It is checked as a save would check it first, so errors are 400s naming the field.
   */
  async previewDraft(workspaceId: string, input: DraftInput, customerIdOrExternalId: string): Promise<Content> {
    return renderPreview(this.sends, workspaceId, await checkedDraft(input, this.variableNames), customerIdOrExternalId);
  }

  /**
   * A test send: the preview for a real customer, sent to a staff address (`to`), subject marked
   * [TEST]. It reaches no customer, so it is not a delivery and skips the gate; `to` must be one of
   * the workspace's users or on its seed list, since the message carries the customer's data.
   */
  async testSend(workspaceId: string, campaignId: string, input: { customer: string; to: string }): Promise<{ providerId: string }> {
    return testSend(this.sends, workspaceId, await this.getCampaign(workspaceId, campaignId), input);
  }

  /**
   * A proof: the campaign's message sent now to every seed address of its channel, marked "[PROOF]"
   * (teamSends.ts). Rendered for `customer` when given, else for the sample recipient. Not a
   * delivery: no gate, nothing in the report.
   */
  async proof(workspaceId: string, campaignId: string, input: { customer?: string } = {}): Promise<{ sent: { to: string; providerId: string }[] }> {
    return proof(this.sends, workspaceId, await this.getCampaign(workspaceId, campaignId), input);
  }

  /**
   * An email to the workspace's own team (an alert such as a new detractor case). It reaches no
   * customer, so like a test send it is not a delivery and skips the gate; `key` keeps a retry's
   * Message-ID the same.
   */
  notifyTeam(workspaceId: string, input: { key: string; to: string[]; subject: string; text: string }): Promise<void> {
    return notifyTeam(this.sends, workspaceId, input);
  }

  // ── the worker ────────────────────────────────────────────────────────────

  /**
   * One worker pass: starts due scheduled campaigns (and resumes launches cut short), then claims
   * and dispatches due deliveries. Call it in a loop (see `work`).
   */
  async drain(options: DrainOptions = {}): Promise<DrainResult & { launched: number }> {
    const now = options.now ?? new Date();
    const launched = await launchDue(this.launches, now, options.workspaceId ?? null);
    return { launched, ...(await this.dispatcher.drain(options)) };
  }

  /** Workspaces with deliveries or scheduled campaigns due (what the worker's schedule asks). */
  async workspacesWithDueWork(now = new Date()): Promise<string[]> {
    const { rows } = await this.db.query<{ workspace_id: string }>(
      `SELECT DISTINCT workspace_id FROM deliveries
       WHERE due_at <= $1 AND (state IN ('queued', 'deferred') OR (state IN ('claimed', 'sending') AND lease_until < $1))
       UNION
       SELECT workspace_id FROM seed_copies WHERE due_at <= $1 AND (state = 'queued' OR (state = 'sending' AND lease_until < $1))
       UNION
       SELECT workspace_id FROM campaigns
       WHERE status = 'scheduled' AND scheduled_at <= $1 OR status = 'sending' AND enqueued_at IS NULL AND started_at < $2`,
      [now, new Date(now.getTime() - STALLED_LAUNCH_MS)],
    );
    return rows.map((r) => r.workspace_id);
  }

  /**
   * When the earliest lease on the workspace's claimed or sending rows runs out (null: none held).
   * A send job that ends while rows are leased (e.g. by a worker that was killed) asks for a
   * follow-up then, instead of leaving them to the next schedule tick a minute later.
   */
  async leaseEnds(workspaceId: string): Promise<Date | null> {
    const { rows } = await this.db.query<{ at: Date | null }>(
      `SELECT min(lease_until) AS at FROM (
         SELECT lease_until FROM deliveries WHERE workspace_id = $1 AND state IN ('claimed', 'sending')
         UNION ALL SELECT lease_until FROM seed_copies WHERE workspace_id = $1 AND state = 'sending') x`,
      [workspaceId],
    );
    return rows[0]?.at ?? null;
  }

  /** Drains until `signal` aborts, sleeping `idleMs` when there was nothing to do. */
  async work(options: DrainOptions & { signal?: AbortSignal; idleMs?: number; onPass?: (r: DrainResult) => void } = {}): Promise<void> {
    while (!options.signal?.aborted) {
      const result = await this.drain({ ...options, now: undefined });
      options.onPass?.(result);
      if (result.claimed === 0 && result.launched === 0) await new Promise((r) => setTimeout(r, options.idleMs ?? 1000));
    }
  }

  // ── reports ───────────────────────────────────────────────────────────────

  /** Conversions and revenue per arm, and lift against the holdout and the global control group. */
  async report(
    workspaceId: string,
    campaignId: string,
    options: { windowDays?: number; confidence?: number } = {},
  ): Promise<CampaignReport & { deliverability: Awaited<ReturnType<Feedback['campaignRates']>>; abTest?: AbTestReport; sendTime?: SendTimeReport }> {
    const campaign = await this.getCampaign(workspaceId, campaignId);
    const report = await campaignReport(this.db, workspaceId, campaign.id, options.windowDays ?? campaign.conversionWindowDays, options.confidence);
    // The A/B test's variants and decision, and usual hour against fixed time where the test had both.
    const ab = campaign.abTest ? await abTestReport(this.db, workspaceId, { ...campaign, abTest: campaign.abTest }, (await this.m.workspaces.get(workspaceId)).currency) : null;
    // Bounces and complaints (bounces/feedback.ts), next to the lift figures.
    return {
      ...report,
      deliverability: await this.feedback.campaignRates(workspaceId, campaign.id),
      ...(ab ? { abTest: ab.abTest, ...(ab.sendTime ? { sendTime: ab.sendTime } : {}) } : {}),
    };
  }

  /** The global control group against everyone targeted, month by month. */
  globalControlReport(workspaceId: string, from: Date, to: Date): ReturnType<typeof globalControlReport> {
    return globalControlReport(this.db, workspaceId, from, to);
  }

  /**
   * A campaign's performance page: engagement, revenue by last touch within its window, and
   * incremental revenue against its holdout (else the global control group), with intervals.
   */
  async performance(workspaceId: string, campaignId: string, confidence = 0.95): Promise<Performance & { campaignId: string }> {
    const campaign = await this.getCampaign(workspaceId, campaignId);
    return campaignPerformance(this.db, workspaceId, (await this.m.workspaces.get(workspaceId)).currency, campaign, confidence);
  }

  /** Engagement and last-touch revenue of message rows (a journey's sends, named by their source keys as in `sendDirect`). */
  async messagesPerformance(workspaceId: string, sourceKeys: string[]): Promise<{ currency: string; engagement: Engagement; lastTouch: Attributed; lastTouchWindowDays: number }> {
    const { currency } = await this.m.workspaces.get(workspaceId);
    return messagesPerformance(this.db, workspaceId, currency, sourceKeys.map((k) => directCampaignId(workspaceId, k)));
  }

  /**
   * Revenue from messages in [from, to): orders placed in the period credited by last touch, split
   * campaigns / journeys; and each campaign started in the period with a control group, its
   * incremental revenue estimate and variance (the caller adds journeys' and sums them).
   */
  async revenueInPeriod(workspaceId: string, from: Date, to: Date, confidence = 0.95): ReturnType<typeof revenueInPeriod> {
    return revenueInPeriod(this.db, workspaceId, (await this.m.workspaces.get(workspaceId)).currency, from, to, confidence);
  }

  /**
   * A campaign sent before (the demo's history): created, its recipients' arms drawn as a live send
   * draws them (assignArm), each treated recipient's outcome taken from `outcome`, marked sent.
   */
  async recordPastCampaign(
    workspaceId: string,
    input: CampaignInput & { sentAt: Date; recipients: string[]; outcome: (customerId: string) => Omit<PastDelivery, 'customerId' | 'arm' | 'at' | 'step'> },
  ): Promise<Campaign & { recorded: number }> {
    const { sentAt, recipients, outcome, ...campaignFields } = input;
    const campaign = await this.createCampaign(workspaceId, campaignFields);
    const { globalControlPercent } = await this.sendingPolicy(workspaceId);
    const rows = recipients.map((customerId, i): PastDelivery => {
      const arm = assignArm({ workspaceId, campaignId: campaign.id, customerId, holdoutPercent: campaign.holdoutPercent, globalControlPercent, transactional: campaign.class === 'transactional' });
      // A send takes a while: recipients spread over the first hour.
      return { customerId, arm, at: new Date(sentAt.getTime() + (i % 3600) * 1000), step: 'main', ...(arm === 'treatment' ? outcome(customerId) : {}) };
    });
    const recorded = await this.db.tx(async (tx) => {
      const n = await recordPastDeliveries(tx, workspaceId, campaign, rows);
      await tx.query(
        `UPDATE campaigns SET status = 'sent', started_at = $3, enqueued_at = $3, finished_at = $3::timestamptz + interval '1 hour', updated_at = now() WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, campaign.id, sentAt],
      );
      return n;
    });
    return { ...(await this.getCampaign(workspaceId, campaign.id)), recorded };
  }

  /** Messages a sender (a journey's send step, by its source key as in `sendDirect`) sent before, with their outcomes. */
  async recordPastDirect(workspaceId: string, source: { key: string; name: string }, template: Template, messageClass: MessageClass, rows: PastDelivery[], q: Queryable = this.db): Promise<number> {
    const id = directCampaignId(workspaceId, source.key);
    await q.query(
      `INSERT INTO campaigns (workspace_id, id, name, channel, class, segment_id, template, status, started_at, enqueued_at, source)
       VALUES ($1, $2, $3, $4, $5, NULL, $6, 'sending', $7, $7, 'journey') ON CONFLICT (workspace_id, id) DO NOTHING`,
      [workspaceId, id, source.name, template.channel, messageClass, JSON.stringify(template), rows[0]?.at ?? new Date()],
    );
    return recordPastDeliveries(q, workspaceId, { id, channel: template.channel, class: messageClass }, rows);
  }

  // ── the outbox channel ────────────────────────────────────────────────────

  /** Messages the outbox channel stored, newest first. */
  listOutbox(workspaceId: string, query: OutboxQuery): ReturnType<typeof listOutbox> {
    return listOutbox(this.db, workspaceId, query);
  }

  getOutboxMessage(workspaceId: string, id: string): ReturnType<typeof getOutboxMessage> {
    return getOutboxMessage(this.db, workspaceId, id);
  }

  // ── the customer 360 ──────────────────────────────────────────────────────

  /** A customer's deliveries, newest first, each with its decision log. */
  messagesFor(workspaceId: string, customerId: string, limit = 50): Promise<CustomerMessage[]> {
    return messagesFor(this.db, workspaceId, customerId, limit);
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}
