import { createHash, randomUUID } from 'node:crypto';
import { csvExportBuffer, exportRows, type ExportOptions } from '../../kernel/exportRows.ts';
import { z } from 'zod';
import { AuthError, ConflictError, KizunaError, NotFoundError, ValidationError, zodIssues } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { CouponService } from '../coupons/index.ts';
import type { CustomerService } from '../customers/index.ts';
import { decodeCursor, pageOf } from '../../kernel/listQuery.ts';
import type { EventService } from '../events/index.ts';
import type { LoyaltyService } from '../loyalty/index.ts';
import type { SurveyService } from '../surveys/index.ts';
import { acceptPhoto } from './media.ts';
import { checkPostUrl } from './postUrl.ts';
import { ENTRY_SELECT, isUuid, toCampaign, toEntry, type CampaignRow, type EntryRow } from './rows.ts';
import { lockCustomerInCampaign } from './locks.ts';
import { UgcModeration } from './moderation.ts';
import { UgcWinners } from './winners.ts';
import { campaignInput, type Campaign, type CampaignInput, type Entry, type EntryStatus, type EntrySubmission, type Locale } from './types.ts';

const column = (en: string, ja: string) => ({ header: { en, ja } });
/** The entries export's columns (the one export writer gives the header in the asked language). */
const ENTRY_COLUMNS = [
  column('Entry ID', '応募ID'), column('Created at', '応募日時'), column('Status', 'ステータス'), column('Customer ID', '顧客ID'), column('External ID', '外部ID'),
  column('Email', 'メールアドレス'), column('Name', '氏名'), column('Kind', '種類'), column('Platform', 'プラットフォーム'), column('Post URL', '投稿URL'),
  column('Caption', 'キャプション'), column('Media ID', 'メディアID'), column('Survey response ID', 'アンケート回答ID'), column('Consented at', '同意日時'),
  column('Consent locale', '同意の言語'), column('Consent text', '同意文'), column('Moderated at', '審査日時'), column('Reject reason', '却下理由'),
  column('Reward status', '特典の状態'), column('Reward reference', '特典の参照'), column('Winner', '当選'),
];

export interface UgcDeps {
  customers: Pick<CustomerService, 'list' | 'upsertMany' | 'get'>;
  loyalty: Pick<LoyaltyService, 'adjust' | 'issueToken' | 'verifyToken'>;
  coupons: Pick<CouponService, 'issue' | 'getCampaign'>;
  surveys: Pick<SurveyService, 'get' | 'listResponses'>;
  events: Pick<EventService, 'insertForCustomers'>;
}

/** What the parts of the UGC module ask of the service. */
export interface UgcBasics {
  getEntry(workspaceId: string, id: string, q?: Queryable): Promise<Entry>;
  getCampaign(workspaceId: string, id: string, q?: Queryable): Promise<Campaign>;
  recordEvent(tx: Queryable, workspaceId: string, name: 'UGC Entry Submitted' | 'UGC Entry Approved', e: { id: string; campaignId: string; customerId: string; [property: string]: unknown }, at: Date): Promise<void>;
}

export interface CampaignSummary extends Campaign {
  counts: { pending: number; approved: number; rejected: number; winners: number };
}

export interface EntryQuery {
  limit: number;
  cursor?: string;
  campaignId?: string;
  status?: EntryStatus;
  customerId?: string;
}

/** Why a campaign takes no entry now, for the entry page to say so. */
export class CampaignNotOpenError extends KizunaError {
  constructor(readonly reason: 'draft' | 'not_started' | 'ended') {
    super(reason === 'not_started' ? 'The campaign has not started yet' : 'The campaign is not accepting entries', 409, 'campaign_not_open');
  }
}

export class EntryCapError extends KizunaError {
  constructor(readonly cap: number) {
    super(`This customer already has ${cap} entr${cap === 1 ? 'y' : 'ies'} in the campaign (the most allowed)`, 409, 'entry_cap_reached');
  }
}

const CAPTION_MAX = 1000;
const email = z.string().trim().toLowerCase().pipe(z.email());

/**
 * UGC campaigns: entries (a photo, an SNS post URL) with consent to reuse them, a moderation
 * queue, a reward granted once per approved entry within the per-customer caps, winners drawn
 * reproducibly, and CSV exports.
 */
export class UgcService implements UgcBasics {
  private readonly moderation: UgcModeration;
  private readonly winnerBook: UgcWinners;

  constructor(
    private readonly db: Db,
    private readonly deps: UgcDeps,
  ) {
    this.moderation = new UgcModeration(db, deps, this);
    this.winnerBook = new UgcWinners(db, this);
  }

  async createCampaign(workspaceId: string, input: unknown): Promise<Campaign> {
    const c = await this.checkCampaign(workspaceId, input);
    const id = newId();
    const { rows } = await this.db.tx(async (tx) => {
      // The public entry page's lookup (ugc_public_campaigns): which workspace the id belongs to.
      await tx.query('INSERT INTO ugc_public_campaigns (campaign_id, workspace_id) VALUES ($1, $2)', [id, workspaceId]);
      return tx.query<CampaignRow>(
        `INSERT INTO ugc_campaigns (workspace_id, id, ${CAMPAIGN_COLUMNS.join(', ')})
         VALUES ($1, $2, ${CAMPAIGN_COLUMNS.map((_, i) => `$${i + 3}`).join(', ')}) RETURNING *`,
        [workspaceId, id, ...campaignValues(c)],
      );
    });
    return toCampaign(rows[0]!);
  }

  /**
   * Changes the given settings (top-level keys; `texts` and `reward` are replaced whole) and checks
   * the result as a whole campaign. Entries already made keep the consent text they were shown.
   */
  async updateCampaign(workspaceId: string, id: string, patch: Record<string, unknown>): Promise<Campaign> {
    const current = await this.getCampaign(workspaceId, id);
    const { id: _id, createdAt: _c, updatedAt: _u, ...settings } = current;
    const c = await this.checkCampaign(workspaceId, { ...settings, ...patch }, current.startsAt);
    const { rows } = await this.db.query<CampaignRow>(
      `UPDATE ugc_campaigns SET ${CAMPAIGN_COLUMNS.map((col, i) => `${col} = $${i + 3}`).join(', ')}, updated_at = now()
       WHERE workspace_id = $1 AND id = $2 RETURNING *`,
      [workspaceId, current.id, ...campaignValues(c)],
    );
    return toCampaign(rows[0]!);
  }

  /** Only a campaign without entries can go; otherwise close it (status "closed") to keep its history. */
  async deleteCampaign(workspaceId: string, id: string): Promise<void> {
    const campaign = await this.getCampaign(workspaceId, id);
    await this.db.tx(async (tx) => {
      const { rowCount } = await tx.query(
        `DELETE FROM ugc_campaigns c WHERE workspace_id = $1 AND id = $2
           AND NOT EXISTS (SELECT 1 FROM ugc_entries e WHERE e.workspace_id = c.workspace_id AND e.campaign_id = c.id)`,
        [workspaceId, campaign.id],
      );
      if (rowCount !== 1) throw new ConflictError('This campaign has entries: set its status to "closed" instead of deleting it');
      await tx.query('DELETE FROM ugc_public_campaigns WHERE campaign_id = $1 AND workspace_id = $2', [campaign.id, workspaceId]);
    });
  }

  async getCampaign(workspaceId: string, id: string, q: Queryable = this.db): Promise<Campaign> {
    const { rows } = isUuid(id) ? await q.query<CampaignRow>('SELECT * FROM ugc_campaigns WHERE workspace_id = $1 AND id = $2', [workspaceId, id]) : { rows: [] };
    if (!rows[0]) throw new NotFoundError(`UGC campaign ${id} not found`);
    return toCampaign(rows[0]);
  }

  /**
   * For the public entry page, which knows only the campaign id: the workspace comes from
   * ugc_public_campaigns first, so the campaign is read on its workspace's shard (docs/scale-out.md).
   */
  async publicCampaign(id: string): Promise<Campaign & { workspaceId: string }> {
    const { rows } = isUuid(id) ? await this.db.query<{ workspace_id: string }>('SELECT workspace_id FROM ugc_public_campaigns WHERE campaign_id = $1', [id]) : { rows: [] };
    if (!rows[0]) throw new NotFoundError(`UGC campaign ${id} not found`);
    return { ...(await this.getCampaign(rows[0].workspace_id, id)), workspaceId: rows[0].workspace_id };
  }

  async listCampaigns(workspaceId: string): Promise<CampaignSummary[]> {
    const { rows } = await this.db.query<CampaignRow & Record<'pending' | 'approved' | 'rejected' | 'winners', number>>(
      `SELECT c.*,
         (SELECT count(*) FILTER (WHERE status = 'pending') FROM ugc_entries e WHERE e.workspace_id = c.workspace_id AND e.campaign_id = c.id)::int AS pending,
         (SELECT count(*) FILTER (WHERE status = 'approved') FROM ugc_entries e WHERE e.workspace_id = c.workspace_id AND e.campaign_id = c.id)::int AS approved,
         (SELECT count(*) FILTER (WHERE status = 'rejected') FROM ugc_entries e WHERE e.workspace_id = c.workspace_id AND e.campaign_id = c.id)::int AS rejected,
         (SELECT count(*) FROM ugc_winners w WHERE w.workspace_id = c.workspace_id AND w.campaign_id = c.id)::int AS winners
       FROM ugc_campaigns c WHERE c.workspace_id = $1 ORDER BY c.id DESC`,
      [workspaceId],
    );
    return rows.map((r) => ({
      ...toCampaign(r),
      counts: { pending: r.pending, approved: r.approved, rejected: r.rejected, winners: r.winners },
    }));
  }

  /** A personal entry link: a signed customer token (the loyalty module's, for UGC only) valid `ttlDays`. */
  async entryLink(workspaceId: string, campaignId: string, customer: string, ttlDays: number, now: Date = new Date()): Promise<{ path: string; customerId: string; expiresAt: Date }> {
    const campaign = await this.getCampaign(workspaceId, campaignId);
    const { token, customerId, expiresAt } = await this.deps.loyalty.issueToken(workspaceId, customer, ttlDays * 86_400, now, 'ugc');
    return { path: `/enter/${campaign.id}?t=${encodeURIComponent(token)}`, customerId, expiresAt };
  }

  /**
   * An entry from the public page. Checks, in order: the campaign is open, consent was given, the
   * content (URL host, photo type by magic bytes and size), then who is entering (token, or email
   * matched to a customer or creating one), then the per-customer entry cap, all before writing.
   */
  async submitEntry(campaignId: string, s: EntrySubmission, now: Date = new Date()): Promise<Entry> {
    const campaign = await this.publicCampaign(campaignId);
    assertOpen(campaign, now);
    const ws = campaign.workspaceId;
    if (campaign.kind === 'survey') {
      throw new ValidationError('This campaign takes its entries from survey answers', [{ path: ['surveyId'], message: 'answer the survey to enter' }]);
    }
    if (!s.consent) throw new ValidationError('Consent is required', [{ path: ['consent'], message: 'agree to the reuse of your content to enter' }]);
    const caption = s.caption?.trim() || null;
    if (caption && caption.length > CAPTION_MAX) throw new ValidationError('Caption too long', [{ path: ['caption'], message: `at most ${CAPTION_MAX} characters` }]);
    const postUrl = s.postUrl?.trim();
    if (postUrl && !campaign.acceptsUrl) throw new ValidationError('This campaign takes photos only', [{ path: ['postUrl'], message: 'upload a photo instead' }]);
    if (s.photo && !campaign.acceptsPhoto) throw new ValidationError('This campaign takes post URLs only', [{ path: ['photo'], message: 'paste the URL of your post instead' }]);
    if (!postUrl && !s.photo) {
      const field = campaign.acceptsPhoto ? 'photo' : 'postUrl';
      throw new ValidationError('Nothing to enter', [{ path: [field], message: campaign.acceptsPhoto && campaign.acceptsUrl ? 'attach a photo or paste the URL of your post' : campaign.acceptsPhoto ? 'attach a photo' : 'paste the URL of your post' }]);
    }
    const post = postUrl ? checkPostUrl(postUrl, campaign.allowAnyHttps) : null;
    const photo = s.photo ? await acceptPhoto(s.photo) : null;
    const { customerId, identifiedBy } = await this.identify(campaign, s, now);
    const locale: Locale = campaign.texts[s.locale] ? s.locale : campaign.defaultLocale;

    const id = await this.db.tx(async (tx) => {
      await lockCustomerInCampaign(tx, campaign.id, customerId);
      const { rows } = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ugc_entries WHERE workspace_id = $1 AND customer_id = $2 AND campaign_id = $3 AND status <> 'rejected'`,
        [ws, customerId, campaign.id],
      );
      if (rows[0]!.n >= campaign.maxEntriesPerCustomer) throw new EntryCapError(campaign.maxEntriesPerCustomer);
      const mediaId = photo ? randomUUID() : null;
      if (photo) {
        await tx.query(
          `INSERT INTO ugc_media (workspace_id, customer_id, id, content_type, bytes, size, sha256) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [ws, customerId, mediaId, photo.contentType, photo.bytes, photo.bytes.length, createHash('sha256').update(photo.bytes).digest('hex')],
        );
      }
      const entryId = newId();
      await tx.query(
        `INSERT INTO ugc_entries (workspace_id, customer_id, id, campaign_id, kind, post_url, platform, caption, media_id,
           consent_text, consent_locale, consented_at, identified_by, ip_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [ws, customerId, entryId, campaign.id, photo ? 'photo' : 'url', post?.url ?? null, post?.platform ?? null, caption, mediaId,
          campaign.texts[locale]!.consent, locale, now, identifiedBy, s.ipHash ?? null],
      );
      await this.recordEvent(tx, ws, 'UGC Entry Submitted', { id: entryId, campaignId: campaign.id, customerId, kind: photo ? 'photo' : 'url', platform: post?.platform ?? null }, now);
      return entryId;
    });
    return this.getEntry(ws, id);
  }

  /**
   * A survey campaign's entries are its survey's answers: each answer of a known customer given
   * within the campaign's dates enters once (pending moderation, within the entry cap). Anonymous
   * answers cannot be rewarded and are skipped. The worker runs this every 10 minutes for active
   * survey campaigns; POST /v1/ugc/campaigns/:id/sync runs it now.
   */
  async syncSurveyEntries(workspaceId: string, campaignId: string): Promise<{ added: number; skipped: number }> {
    const campaign = await this.getCampaign(workspaceId, campaignId);
    if (campaign.kind !== 'survey' || !campaign.surveyId) throw new ConflictError('This campaign takes posts, not survey answers');
    if (campaign.status === 'draft') throw new CampaignNotOpenError('draft');
    let added = 0;
    let skipped = 0;
    let cursor: string | undefined;
    scan: do {
      // Newest first: the scan stops at the first answer from before the campaign.
      const page = await this.deps.surveys.listResponses(workspaceId, { survey: campaign.surveyId, limit: 500, cursor });
      for (const r of page.data) {
        if (r.answeredAt < campaign.startsAt) break scan;
        const inWindow = !campaign.endsAt || r.answeredAt < campaign.endsAt;
        if (inWindow && r.customerId && (await this.addSurveyEntry(workspaceId, campaign, r.customerId, r.id, r.comment))) added++;
        else skipped++;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { added, skipped };
  }

  /** Active survey campaigns, for the worker's sync. */
  async activeSurveyCampaigns(): Promise<{ workspaceId: string; campaignId: string }[]> {
    const { rows } = await this.db.query<{ workspace_id: string; id: string }>(`SELECT workspace_id, id FROM ugc_campaigns WHERE kind = 'survey' AND status = 'active' ORDER BY workspace_id, id`);
    return rows.map((r) => ({ workspaceId: r.workspace_id, campaignId: r.id }));
  }

  async getEntry(workspaceId: string, id: string, q: Queryable = this.db): Promise<Entry> {
    const { rows } = isUuid(id) ? await q.query<EntryRow>(`${ENTRY_SELECT} WHERE e.workspace_id = $1 AND e.id = $2`, [workspaceId, id]) : { rows: [] };
    if (!rows[0]) throw new NotFoundError(`UGC entry ${id} not found`);
    return toEntry(rows[0]);
  }

  /** Entries in creation order (the moderation queue is first come, first served). */
  async listEntries(workspaceId: string, query: EntryQuery): Promise<{ data: Entry[]; nextCursor: string | null }> {
    const { rows } = await this.db.query<EntryRow>(
      `${ENTRY_SELECT}
       WHERE e.workspace_id = $1 AND ($2::uuid IS NULL OR e.id > $2) AND ($3::uuid IS NULL OR e.campaign_id = $3)
         AND ($4::text IS NULL OR e.status = $4) AND ($5::uuid IS NULL OR e.customer_id = $5)
       ORDER BY e.id LIMIT $6`,
      [workspaceId, query.cursor ? decodeCursor(query.cursor) : null, query.campaignId ?? null, query.status ?? null, query.customerId ?? null, query.limit + 1],
    );
    const { data, nextCursor } = pageOf(rows, query.limit);
    return { data: data.map(toEntry), nextCursor };
  }

  /** The privacy export's part: entries, photos (described; each is downloadable at /v1/ugc/media/{id}) and wins. */
  async exportCustomer(workspaceId: string, customerId: string, q: Queryable = this.db) {
    const rows = (sql: string) => exportRows(q, sql, [workspaceId, customerId]);
    return {
      ugcEntries: await rows('SELECT * FROM ugc_entries WHERE workspace_id = $1 AND customer_id = $2 ORDER BY created_at, id'),
      ugcPhotos: await rows('SELECT customer_id, id, content_type, size, sha256, public, created_at FROM ugc_media WHERE workspace_id = $1 AND customer_id = $2 ORDER BY created_at, id'),
      ugcWins: await rows('SELECT * FROM ugc_winners WHERE workspace_id = $1 AND customer_id = $2 ORDER BY picked_at'),
    };
  }

  /**
   * Erasure (APPI/GDPR): the person's photos go, and their captions, post URLs and what moderators
   * wrote about them; entries stay (status, reward, winner) so campaign counts remain true.
   */
  async eraseCustomer(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<void> {
    // A rejected entry must keep a reason (CHECK): it says only that it was erased.
    await q.query(
      `UPDATE ugc_entries SET media_id = NULL, caption = NULL, post_url = NULL, ip_hash = NULL,
         reject_reason = CASE WHEN status = 'rejected' THEN 'erased' END
       WHERE workspace_id = $1 AND customer_id = $2`,
      [workspaceId, customerId],
    );
    await q.query('DELETE FROM ugc_media WHERE workspace_id = $1 AND customer_id = $2', [workspaceId, customerId]);
  }

  /** A photo for signed-in staff. */
  async media(workspaceId: string, id: string): Promise<{ contentType: string; bytes: Buffer }> {
    const { rows } = isUuid(id)
      ? await this.db.query<{ content_type: string; bytes: Buffer }>('SELECT content_type, bytes FROM ugc_media WHERE workspace_id = $1 AND id = $2', [workspaceId, id])
      : { rows: [] };
    if (!rows[0]) throw new NotFoundError(`photo ${id} not found`);
    return { contentType: rows[0].content_type, bytes: rows[0].bytes };
  }

  /** A photo staff published; anything else is "not found", whether it exists or not. */
  async publicMedia(id: string): Promise<{ contentType: string; bytes: Buffer }> {
    const { rows } = isUuid(id)
      ? await this.db.query<{ content_type: string; bytes: Buffer }>('SELECT content_type, bytes FROM ugc_media WHERE id = $1 AND public', [id])
      : { rows: [] };
    if (!rows[0]) throw new NotFoundError(`photo ${id} not found`);
    return { contentType: rows[0].content_type, bytes: rows[0].bytes };
  }

  /** Entries as CSV (UTF-8 with a BOM, so Excel opens Japanese text correctly). */
  async entriesCsv(workspaceId: string, campaignId: string, status: EntryStatus | undefined, options: ExportOptions): Promise<Buffer> {
    const campaign = await this.getCampaign(workspaceId, campaignId);
    const rows: unknown[][] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listEntries(workspaceId, { campaignId: campaign.id, status, limit: 500, cursor });
      for (const e of page.data) {
        rows.push([
          e.id, e.createdAt, e.status, e.customerId, e.customerExternalId, e.customerEmail, e.customerName, e.kind, e.platform, e.postUrl,
          e.caption, e.mediaId, e.surveyResponseId, e.consentedAt, e.consentLocale, e.consentText, e.moderatedAt, e.rejectReason,
          e.rewardStatus, e.rewardRef, e.winner ? 'yes' : 'no',
        ]);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return csvExportBuffer(ENTRY_COLUMNS, rows, options);
  }

  private async checkCampaign(workspaceId: string, input: unknown, defaultStart: Date = new Date()): Promise<CampaignInput & { startsAt: Date }> {
    const parsed = campaignInput.safeParse(input);
    if (!parsed.success) throw new ValidationError('Invalid UGC campaign', zodIssues(parsed.error));
    const c = parsed.data;
    if (c.reward.kind === 'coupon') {
      await this.deps.coupons.getCampaign(workspaceId, c.reward.couponCampaignId).catch((err: unknown) => {
        if (err instanceof NotFoundError) throw new ValidationError('Unknown coupon campaign', [{ path: ['reward', 'couponCampaignId'], message: 'no such coupon campaign' }]);
        throw err;
      });
    }
    if (c.kind === 'survey' && c.surveyId) {
      await this.deps.surveys.get(workspaceId, c.surveyId).catch((err: unknown) => {
        if (err instanceof NotFoundError) throw new ValidationError('Unknown survey', [{ path: ['surveyId'], message: 'no such survey' }]);
        throw err;
      });
    }
    return { ...c, startsAt: c.startsAt ?? defaultStart };
  }

  private async identify(campaign: Campaign & { workspaceId: string }, s: EntrySubmission, now: Date): Promise<{ customerId: string; identifiedBy: 'token' | 'email' }> {
    if (s.token) {
      const claims = await this.deps.loyalty.verifyToken(s.token, now, 'ugc');
      if (claims.workspaceId !== campaign.workspaceId) throw new AuthError('Invalid customer token');
      const customer = await this.deps.customers.get(campaign.workspaceId, claims.customerId).catch((err: unknown) => {
        if (err instanceof NotFoundError) throw new AuthError('Invalid customer token');
        throw err;
      });
      // An erased person's old link must not bring their data back.
      if (customer.erasedAt) throw new AuthError('Invalid customer token');
      return { customerId: customer.id, identifiedBy: 'token' };
    }
    if (!campaign.allowAnonymous) throw new AuthError('This campaign takes entries from personal links only: open the link you received');
    const parsed = email.safeParse(s.email ?? '');
    if (!parsed.success) throw new ValidationError('Invalid email', [{ path: ['email'], message: 'a valid email address' }]);
    const found = await this.deps.customers.list(campaign.workspaceId, { email: parsed.data, limit: 1 });
    if (found.data[0]) return { customerId: found.data[0].id, identifiedBy: 'email' };
    // A new person from SNS: an external id derived from the email keeps a retry from making a second customer.
    const externalId = `email:${parsed.data}`;
    const { ids } = await this.deps.customers.upsertMany(campaign.workspaceId, [{ externalId, email: parsed.data, attributes: { firstSeenVia: 'ugc' } }]);
    return { customerId: ids.get(externalId)!, identifiedBy: 'email' };
  }

  /** True when the answer became an entry; false when it already was one or the customer is at the cap. */
  private async addSurveyEntry(workspaceId: string, campaign: Campaign, customerId: string, responseId: string, comment: string | null): Promise<boolean> {
    return this.db.tx(async (tx) => {
      await lockCustomerInCampaign(tx, campaign.id, customerId);
      const { rows } = await tx.query<{ n: number; entered: boolean }>(
        `SELECT count(*) FILTER (WHERE status <> 'rejected')::int AS n, bool_or(survey_response_id = $4) AS entered
         FROM ugc_entries WHERE workspace_id = $1 AND customer_id = $2 AND campaign_id = $3`,
        [workspaceId, customerId, campaign.id, responseId],
      );
      if (rows[0]!.entered || rows[0]!.n >= campaign.maxEntriesPerCustomer) return false;
      const entryId = newId();
      await tx.query(
        `INSERT INTO ugc_entries (workspace_id, customer_id, id, campaign_id, kind, caption, survey_response_id, identified_by)
         VALUES ($1, $2, $3, $4, 'survey', $5, $6, 'survey')`,
        [workspaceId, customerId, entryId, campaign.id, comment?.slice(0, CAPTION_MAX) ?? null, responseId],
      );
      await this.recordEvent(tx, workspaceId, 'UGC Entry Submitted', { id: entryId, campaignId: campaign.id, customerId, kind: 'survey', platform: null }, new Date());
      return true;
    });
  }

  /** On the customer's timeline, for segments and journeys ("UGC Entry Approved" → thank-you message); once per entry. */
  async recordEvent(
    tx: Queryable,
    workspaceId: string,
    name: 'UGC Entry Submitted' | 'UGC Entry Approved',
    e: { id: string; campaignId: string; customerId: string; [property: string]: unknown },
    at: Date,
  ): Promise<void> {
    const { id, customerId, ...properties } = e;
    await this.deps.events.insertForCustomers(
      workspaceId,
      [{ customerId, messageId: `ugc:${name === 'UGC Entry Approved' ? 'approved' : 'submitted'}:${id}`, name, properties: { entryId: id, ...properties }, occurredAt: at }],
      tx,
    );
  }

  // ── moderation (moderation.ts) ────────────────────────────────────────────

  approve(...a: Parameters<UgcModeration['approve']>) { return this.moderation.approve(...a); }
  approveMany(...a: Parameters<UgcModeration['approveMany']>) { return this.moderation.approveMany(...a); }
  reject(...a: Parameters<UgcModeration['reject']>) { return this.moderation.reject(...a); }
  rejectMany(...a: Parameters<UgcModeration['rejectMany']>) { return this.moderation.rejectMany(...a); }
  retryReward(...a: Parameters<UgcModeration['retryReward']>) { return this.moderation.retryReward(...a); }
  grantPendingRewards(...a: Parameters<UgcModeration['grantPendingRewards']>) { return this.moderation.grantPendingRewards(...a); }
  workspacesWithPendingRewards(...a: Parameters<UgcModeration['workspacesWithPendingRewards']>) { return this.moderation.workspacesWithPendingRewards(...a); }
  setMediaPublic(...a: Parameters<UgcModeration['setMediaPublic']>) { return this.moderation.setMediaPublic(...a); }

  // ── winners (winners.ts) ──────────────────────────────────────────────────

  pickWinners(...a: Parameters<UgcWinners['pickWinners']>) { return this.winnerBook.pickWinners(...a); }
  addWinner(...a: Parameters<UgcWinners['addWinner']>) { return this.winnerBook.addWinner(...a); }
  removeWinner(...a: Parameters<UgcWinners['removeWinner']>) { return this.winnerBook.removeWinner(...a); }
  winners(...a: Parameters<UgcWinners['winners']>) { return this.winnerBook.winners(...a); }
  winnersCsv(...a: Parameters<UgcWinners['winnersCsv']>) { return this.winnerBook.winnersCsv(...a); }
}

const CAMPAIGN_COLUMNS = [
  'name', 'texts', 'default_locale', 'hashtag', 'kind', 'accepts_photo', 'accepts_url', 'allow_any_https', 'allow_anonymous', 'survey_id', 'status',
  'starts_at', 'ends_at', 'reward_kind', 'reward_points', 'reward_coupon_campaign_id', 'max_entries_per_customer', 'max_rewards_per_customer',
];

function campaignValues(c: CampaignInput & { startsAt: Date }): unknown[] {
  return [
    c.name, JSON.stringify(c.texts), c.defaultLocale, c.hashtag, c.kind, c.acceptsPhoto, c.acceptsUrl, c.allowAnyHttps, c.allowAnonymous, c.surveyId, c.status,
    c.startsAt, c.endsAt, c.reward.kind, c.reward.kind === 'points' ? c.reward.points : null, c.reward.kind === 'coupon' ? c.reward.couponCampaignId : null,
    c.maxEntriesPerCustomer, c.maxRewardsPerCustomer,
  ];
}

/** Why the campaign takes no entries at `now`, or null when it does. */
export function closedReason(campaign: Campaign, now: Date): CampaignNotOpenError['reason'] | null {
  if (campaign.status !== 'active') return campaign.status === 'draft' ? 'draft' : 'ended';
  if (campaign.startsAt > now) return 'not_started';
  if (campaign.endsAt && campaign.endsAt <= now) return 'ended';
  return null;
}

function assertOpen(campaign: Campaign, now: Date): void {
  const reason = closedReason(campaign, now);
  if (reason) throw new CampaignNotOpenError(reason);
}

