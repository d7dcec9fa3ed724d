import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { csvExportBuffer, exportRows, type ExportOptions } from '../../kernel/exportRows.ts';
import { z } from 'zod';
import { AuthError, ConflictError, KizunaError, NotFoundError, ValidationError, zodIssues } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { CouponService } from '../coupons/service.ts';
import type { CustomerService } from '../customers/service.ts';
import { decodeCursor, encodeCursor } from '../customers/service.ts';
import type { EventService } from '../events/service.ts';
import type { LoyaltyService } from '../loyalty/service.ts';
import type { SurveyService } from '../surveys/service.ts';
import { acceptPhoto } from './media.ts';
import { checkPostUrl } from './postUrl.ts';
import { ENTRY_SELECT, toCampaign, toEntry, toWinner } from './rows.ts';
import { campaignInput, type Campaign, type CampaignInput, type Entry, type EntryStatus, type EntrySubmission, type Locale, type Winner } from './types.ts';

const column = (en: string, ja: string) => ({ header: { en, ja } });
/** The entries export's columns (the one export writer gives the header in the asked language). */
const ENTRY_COLUMNS = [
  column('Entry ID', '応募ID'), column('Created at', '応募日時'), column('Status', 'ステータス'), column('Customer ID', '顧客ID'), column('External ID', '外部ID'),
  column('Email', 'メールアドレス'), column('Name', '氏名'), column('Kind', '種類'), column('Platform', 'プラットフォーム'), column('Post URL', '投稿URL'),
  column('Caption', 'キャプション'), column('Media ID', 'メディアID'), column('Survey response ID', 'アンケート回答ID'), column('Consented at', '同意日時'),
  column('Consent locale', '同意の言語'), column('Consent text', '同意文'), column('Moderated at', '審査日時'), column('Reject reason', '却下理由'),
  column('Reward status', '特典の状態'), column('Reward reference', '特典の参照'), column('Winner', '当選'),
];
const WINNER_COLUMNS = [
  column('Entry ID', '応募ID'), column('Customer ID', '顧客ID'), column('External ID', '外部ID'), column('Email', 'メールアドレス'), column('Name', '氏名'),
  column('Method', '選出方法'), column('Seed', 'シード'), column('Picked at', '選出日時'),
];

export interface UgcDeps {
  customers: Pick<CustomerService, 'list' | 'upsertMany' | 'get'>;
  loyalty: Pick<LoyaltyService, 'adjust' | 'issueToken' | 'verifyToken'>;
  coupons: Pick<CouponService, 'issue' | 'getCampaign'>;
  surveys: Pick<SurveyService, 'get' | 'listResponses'>;
  events: Pick<EventService, 'insertForCustomers'>;
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
export class UgcService {
  constructor(
    private readonly db: Db,
    private readonly deps: UgcDeps,
  ) {}

  async createCampaign(workspaceId: string, input: unknown): Promise<Campaign> {
    const c = await this.checkCampaign(workspaceId, input);
    const { rows } = await this.db.query(
      `INSERT INTO ugc_campaigns (workspace_id, id, ${CAMPAIGN_COLUMNS.join(', ')})
       VALUES ($1, $2, ${CAMPAIGN_COLUMNS.map((_, i) => `$${i + 3}`).join(', ')}) RETURNING *`,
      [workspaceId, newId(), ...campaignValues(c)],
    );
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
    const { rows } = await this.db.query(
      `UPDATE ugc_campaigns SET ${CAMPAIGN_COLUMNS.map((col, i) => `${col} = $${i + 3}`).join(', ')}, updated_at = now()
       WHERE workspace_id = $1 AND id = $2 RETURNING *`,
      [workspaceId, current.id, ...campaignValues(c)],
    );
    return toCampaign(rows[0]!);
  }

  /** Only a campaign without entries can go; otherwise close it (status "closed") to keep its history. */
  async deleteCampaign(workspaceId: string, id: string): Promise<void> {
    const campaign = await this.getCampaign(workspaceId, id);
    const { rowCount } = await this.db.query(
      `DELETE FROM ugc_campaigns c WHERE workspace_id = $1 AND id = $2
         AND NOT EXISTS (SELECT 1 FROM ugc_entries e WHERE e.workspace_id = c.workspace_id AND e.campaign_id = c.id)`,
      [workspaceId, campaign.id],
    );
    if (rowCount !== 1) throw new ConflictError('This campaign has entries: set its status to "closed" instead of deleting it');
  }

  async getCampaign(workspaceId: string, id: string, q: Queryable = this.db): Promise<Campaign> {
    const { rows } = isUuid(id) ? await q.query('SELECT * FROM ugc_campaigns WHERE workspace_id = $1 AND id = $2', [workspaceId, id]) : { rows: [] };
    if (!rows[0]) throw new NotFoundError(`UGC campaign ${id} not found`);
    return toCampaign(rows[0]);
  }

  /** For the public entry page, which knows only the campaign id; the workspace comes with it. */
  async publicCampaign(id: string): Promise<Campaign & { workspaceId: string }> {
    const { rows } = isUuid(id) ? await this.db.query('SELECT * FROM ugc_campaigns WHERE id = $1', [id]) : { rows: [] };
    if (!rows[0]) throw new NotFoundError(`UGC campaign ${id} not found`);
    return { ...toCampaign(rows[0]), workspaceId: rows[0].workspace_id as string };
  }

  async listCampaigns(workspaceId: string): Promise<CampaignSummary[]> {
    const { rows } = await this.db.query(
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
      counts: { pending: r.pending as number, approved: r.approved as number, rejected: r.rejected as number, winners: r.winners as number },
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
    const { rows } = isUuid(id) ? await q.query(`${ENTRY_SELECT} WHERE e.workspace_id = $1 AND e.id = $2`, [workspaceId, id]) : { rows: [] };
    if (!rows[0]) throw new NotFoundError(`UGC entry ${id} not found`);
    return toEntry(rows[0]);
  }

  /** Entries in creation order (the moderation queue is first come, first served). */
  async listEntries(workspaceId: string, query: EntryQuery): Promise<{ data: Entry[]; nextCursor: string | null }> {
    const { rows } = await this.db.query(
      `${ENTRY_SELECT}
       WHERE e.workspace_id = $1 AND ($2::uuid IS NULL OR e.id > $2) AND ($3::uuid IS NULL OR e.campaign_id = $3)
         AND ($4::text IS NULL OR e.status = $4) AND ($5::uuid IS NULL OR e.customer_id = $5)
       ORDER BY e.id LIMIT $6`,
      [workspaceId, query.cursor ? decodeCursor(query.cursor) : null, query.campaignId ?? null, query.status ?? null, query.customerId ?? null, query.limit + 1],
    );
    const data = rows.slice(0, query.limit).map(toEntry);
    return { data, nextCursor: rows.length > query.limit ? encodeCursor(data[data.length - 1]!.id) : null };
  }

  /**
   * Approves an entry (a rejected one too, on second thought) and grants the campaign's reward once:
   * the entry is marked "reward pending" in the same transaction that approves it, under the
   * customer's lock, so the reward cap holds under concurrent approvals; the grant then uses the
   * entry id as idempotency key, and the worker retries a grant a crash interrupted.
   */
  async approve(workspaceId: string, id: string, by: string, now: Date = new Date()): Promise<Entry> {
    const entry = await this.db.tx(async (tx) => {
      const current = await this.lockEntry(tx, workspaceId, id);
      if (current.status === 'approved') return current;
      const campaign = await this.getCampaign(workspaceId, current.campaign_id, tx);
      await lockCustomerInCampaign(tx, campaign.id, current.customer_id);
      let reward: 'none' | 'pending' | 'capped' = 'none';
      if (campaign.reward.kind !== 'none') {
        const { rows } = await tx.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ugc_entries WHERE workspace_id = $1 AND customer_id = $2 AND campaign_id = $3 AND reward_status IN ('pending', 'granted')`,
          [workspaceId, current.customer_id, campaign.id],
        );
        reward = rows[0]!.n >= campaign.maxRewardsPerCustomer ? 'capped' : 'pending';
      }
      await tx.query(
        `UPDATE ugc_entries SET status = 'approved', reject_reason = NULL, moderated_at = $3, moderated_by = $4, reward_status = $5
         WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, current.id, now, by, reward],
      );
      await this.recordEvent(tx, workspaceId, 'UGC Entry Approved', { id: current.id, campaignId: campaign.id, customerId: current.customer_id, reward }, now);
      return current;
    });
    await this.grantReward(workspaceId, entry.id as string, now);
    return this.getEntry(workspaceId, entry.id as string);
  }

  /** Approves several entries (the queue's "approve selected"); unknown ids are refused before any change. */
  async approveMany(workspaceId: string, ids: string[], by: string, now: Date = new Date()): Promise<Entry[]> {
    await this.checkIds(workspaceId, ids);
    const approved: Entry[] = [];
    for (const id of ids) approved.push(await this.approve(workspaceId, id, by, now));
    return approved;
  }

  /** Rejects several pending entries with one reason; unknown or approved ones are refused before any change. */
  async rejectMany(workspaceId: string, ids: string[], reason: string, by: string, now: Date = new Date()): Promise<Entry[]> {
    const statuses = await this.checkIds(workspaceId, ids);
    const approved = ids.flatMap((id, i) => (statuses.get(id) === 'approved' ? [{ path: ['ids', i], message: `entry ${id} is already approved` }] : []));
    if (approved.length > 0) throw new ValidationError('Approved entries cannot be rejected', approved);
    const rejected: Entry[] = [];
    for (const id of ids) rejected.push(await this.reject(workspaceId, id, reason, by, now));
    return rejected;
  }

  /** Rejects a pending entry with a reason; an approved one stays approved (its reward may be out). */
  async reject(workspaceId: string, id: string, reason: string, by: string, now: Date = new Date()): Promise<Entry> {
    if (!reason.trim()) throw new ValidationError('A reason is required', [{ path: ['reason'], message: 'say why (kept with the entry)' }]);
    await this.db.tx(async (tx) => {
      const current = await this.lockEntry(tx, workspaceId, id);
      if (current.status === 'approved') throw new ConflictError('This entry is already approved and cannot be rejected');
      await tx.query(
        `UPDATE ugc_entries SET status = 'rejected', reject_reason = $3, moderated_at = $4, moderated_by = $5 WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, current.id, reason.trim().slice(0, 500), now, by],
      );
    });
    return this.getEntry(workspaceId, id);
  }

  /** Retries a reward that failed (e.g. the coupon campaign had ended and was extended since). */
  async retryReward(workspaceId: string, id: string, now: Date = new Date()): Promise<Entry> {
    const entry = await this.getEntry(workspaceId, id);
    if (entry.rewardStatus !== 'failed') throw new ConflictError(`The reward of this entry is ${entry.rewardStatus}, not failed`);
    await this.db.query(`UPDATE ugc_entries SET reward_status = 'pending', reward_error = NULL WHERE workspace_id = $1 AND id = $2 AND reward_status = 'failed'`, [workspaceId, entry.id]);
    await this.grantReward(workspaceId, entry.id, now);
    return this.getEntry(workspaceId, entry.id);
  }

  /** Grants the rewards left pending (a crash between approval and grant); the worker calls this. */
  async grantPendingRewards(workspaceId: string, now: Date = new Date()): Promise<number> {
    const { rows } = await this.db.query<{ id: string }>(`SELECT id FROM ugc_entries WHERE workspace_id = $1 AND reward_status = 'pending' ORDER BY id LIMIT 1000`, [workspaceId]);
    for (const r of rows) await this.grantReward(workspaceId, r.id, now);
    return rows.length;
  }

  async workspacesWithPendingRewards(): Promise<string[]> {
    const { rows } = await this.db.query<{ workspace_id: string }>(`SELECT DISTINCT workspace_id FROM ugc_entries WHERE reward_status = 'pending'`);
    return rows.map((r) => r.workspace_id);
  }

  /** Publishes (or withdraws) an approved entry's photo at /ugc/media/:id, for reuse on the shop's pages. */
  async setMediaPublic(workspaceId: string, id: string, published: boolean): Promise<Entry> {
    const entry = await this.getEntry(workspaceId, id);
    if (!entry.mediaId) throw new ConflictError('This entry has no photo');
    if (published && entry.status !== 'approved') throw new ConflictError('Only an approved entry can be published');
    await this.db.query('UPDATE ugc_media SET public = $3 WHERE workspace_id = $1 AND id = $2', [workspaceId, entry.mediaId, published]);
    return this.getEntry(workspaceId, id);
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

  /**
   * Draws `count` winners among approved entries, one per customer, excluding earlier winners.
   * The draw orders entries by md5(seed || entry id): the same seed over the same entries gives the
   * same winners, so a draw can be audited; without a seed a random one is made and returned.
   */
  async pickWinners(workspaceId: string, campaignId: string, input: { count: number; seed?: string }, by: string): Promise<{ seed: string; winners: Winner[] }> {
    if (!Number.isInteger(input.count) || input.count < 1 || input.count > 10_000) throw new ValidationError('Invalid count', [{ path: ['count'], message: 'a whole number from 1 to 10000' }]);
    const seed = input.seed?.trim() || randomBytes(8).toString('hex');
    const campaign = await this.getCampaign(workspaceId, campaignId);
    const picked = await this.db.tx(async (tx) => {
      // One draw at a time per campaign: two draws must not both pick the same customer.
      await tx.query('SELECT 1 FROM ugc_campaigns WHERE workspace_id = $1 AND id = $2 FOR UPDATE', [workspaceId, campaign.id]);
      const { rows } = await tx.query<{ entry_id: string }>(
        `INSERT INTO ugc_winners (workspace_id, campaign_id, entry_id, customer_id, method, seed, picked_by)
         SELECT $1, $2, id, customer_id, 'random', $3, $5 FROM (
           SELECT DISTINCT ON (e.customer_id) e.id, e.customer_id, md5($3 || e.id::text) AS draw FROM ugc_entries e
           WHERE e.workspace_id = $1 AND e.campaign_id = $2 AND e.status = 'approved'
             AND NOT EXISTS (SELECT 1 FROM ugc_winners w WHERE w.workspace_id = $1 AND w.campaign_id = $2 AND w.customer_id = e.customer_id)
           ORDER BY e.customer_id, draw
         ) candidates ORDER BY draw LIMIT $4
         RETURNING entry_id`,
        [workspaceId, campaign.id, seed, input.count, by],
      );
      return new Set(rows.map((r) => r.entry_id));
    });
    return { seed, winners: (await this.winners(workspaceId, campaign.id)).filter((w) => picked.has(w.entryId)) };
  }

  /** Marks an approved entry a winner by hand (a jury's pick). */
  async addWinner(workspaceId: string, campaignId: string, entryId: string, by: string): Promise<Winner> {
    const entry = await this.getEntry(workspaceId, entryId);
    if (entry.campaignId !== campaignId) throw new NotFoundError(`UGC entry ${entryId} not found in campaign ${campaignId}`);
    if (entry.status !== 'approved') throw new ConflictError('Only an approved entry can win');
    await this.db.query(
      `INSERT INTO ugc_winners (workspace_id, campaign_id, entry_id, customer_id, method, picked_by) VALUES ($1, $2, $3, $4, 'manual', $5)
       ON CONFLICT DO NOTHING`,
      [workspaceId, campaignId, entry.id, entry.customerId, by],
    );
    return (await this.winners(workspaceId, campaignId)).find((w) => w.entryId === entry.id)!;
  }

  async removeWinner(workspaceId: string, campaignId: string, entryId: string): Promise<void> {
    const { rowCount } = isUuid(entryId)
      ? await this.db.query('DELETE FROM ugc_winners WHERE workspace_id = $1 AND campaign_id = $2 AND entry_id = $3', [workspaceId, campaignId, entryId])
      : { rowCount: 0 };
    if (rowCount !== 1) throw new NotFoundError(`entry ${entryId} is not a winner of campaign ${campaignId}`);
  }

  async winners(workspaceId: string, campaignId: string): Promise<Winner[]> {
    const campaign = await this.getCampaign(workspaceId, campaignId);
    const { rows } = await this.db.query(
      `SELECT w.*, c.email AS customer_email, c.external_id AS customer_external_id, nullif(concat_ws(' ', c.family_name, c.given_name), '') AS customer_name
       FROM ugc_winners w JOIN customers c ON c.workspace_id = w.workspace_id AND c.id = w.customer_id
       WHERE w.workspace_id = $1 AND w.campaign_id = $2 ORDER BY w.picked_at, w.entry_id`,
      [workspaceId, campaign.id],
    );
    return rows.map(toWinner);
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

  async winnersCsv(workspaceId: string, campaignId: string, options: ExportOptions): Promise<Buffer> {
    const winners = await this.winners(workspaceId, campaignId);
    const rows = winners.map((w) => [w.entryId, w.customerId, w.customerExternalId, w.customerEmail, w.customerName, w.method, w.seed, w.pickedAt]);
    return csvExportBuffer(WINNER_COLUMNS, rows, options);
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
  private async recordEvent(
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

  private async checkIds(workspaceId: string, ids: string[]): Promise<Map<string, EntryStatus>> {
    const { rows } = await this.db.query<{ id: string; status: EntryStatus }>('SELECT id, status FROM ugc_entries WHERE workspace_id = $1 AND id = ANY($2::uuid[])', [
      workspaceId,
      ids.filter(isUuid),
    ]);
    const statuses = new Map(rows.map((r) => [r.id, r.status]));
    const missing = ids.flatMap((id, i) => (statuses.has(id.toLowerCase()) ? [] : [{ path: ['ids', i], message: `entry ${id} not found` }]));
    if (missing.length > 0) throw new ValidationError('Some entries are unknown', missing);
    return statuses;
  }

  private async lockEntry(tx: Queryable, workspaceId: string, id: string): Promise<{ id: string; status: EntryStatus; campaign_id: string; customer_id: string }> {
    const { rows } = isUuid(id)
      ? await tx.query<{ id: string; status: EntryStatus; campaign_id: string; customer_id: string }>(
          'SELECT id, status, campaign_id, customer_id FROM ugc_entries WHERE workspace_id = $1 AND id = $2 FOR UPDATE',
          [workspaceId, id],
        )
      : { rows: [] };
    if (!rows[0]) throw new NotFoundError(`UGC entry ${id} not found`);
    return rows[0];
  }

  /**
   * Grants a pending reward. Points: a loyalty adjustment keyed by the entry, so a retry adds
   * nothing. Coupon: one code of the coupon campaign (the coupon module skips a customer who holds
   * one already). A refusal (coupon campaign ended, no such customer) marks the reward failed.
   */
  private async grantReward(workspaceId: string, entryId: string, now: Date): Promise<void> {
    const entry = await this.getEntry(workspaceId, entryId);
    if (entry.rewardStatus !== 'pending') return;
    const campaign = await this.getCampaign(workspaceId, entry.campaignId);
    let ref: string | null = null;
    try {
      if (campaign.reward.kind === 'points') {
        const { entry: ledger } = await this.deps.loyalty.adjust(
          workspaceId,
          { customer: entry.customerId, points: campaign.reward.points, reason: `UGC: ${campaign.name}`, idempotencyKey: `ugc:${entry.id}` },
          now,
        );
        ref = ledger.id;
      } else if (campaign.reward.kind === 'coupon') {
        const issued = await this.deps.coupons.issue(workspaceId, campaign.reward.couponCampaignId, { customers: [entry.customerId] });
        ref = issued.codes[0]?.code ?? null;
      }
    } catch (err) {
      if (!(err instanceof KizunaError)) throw err;
      await this.db.query(`UPDATE ugc_entries SET reward_status = 'failed', reward_error = $3 WHERE workspace_id = $1 AND id = $2 AND reward_status = 'pending'`, [
        workspaceId,
        entry.id,
        err.message,
      ]);
      return;
    }
    await this.db.query(
      `UPDATE ugc_entries SET reward_status = 'granted', reward_ref = coalesce($3, reward_ref), rewarded_at = $4 WHERE workspace_id = $1 AND id = $2 AND reward_status = 'pending'`,
      [workspaceId, entry.id, ref, now],
    );
  }
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

/** Serialises a customer's entries and approvals in one campaign, so caps hold under concurrency. */
async function lockCustomerInCampaign(tx: Queryable, campaignId: string, customerId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`ugc:${campaignId}:${customerId}`]);
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
