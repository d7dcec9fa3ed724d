import { ConflictError, KizunaError, NotFoundError, ValidationError } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { lockCustomerInCampaign } from './locks.ts';
import { isUuid } from './rows.ts';
import type { UgcBasics, UgcDeps } from './service.ts';
import type { Entry, EntryStatus } from './types.ts';

/**
 * The moderation queue: approve (within the per-customer caps) or reject entries, one by one or
 * many, publish their media, and grant each approved entry's reward exactly once.
 */
export class UgcModeration {
  constructor(
    private readonly db: Db,
    private readonly deps: Pick<UgcDeps, 'loyalty' | 'coupons'>,
    private readonly ugc: UgcBasics,
  ) {}

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
      const campaign = await this.ugc.getCampaign(workspaceId, current.campaign_id, tx);
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
      await this.ugc.recordEvent(tx, workspaceId, 'UGC Entry Approved', { id: current.id, campaignId: campaign.id, customerId: current.customer_id, reward }, now);
      return current;
    });
    await this.grantReward(workspaceId, entry.id as string, now);
    return this.ugc.getEntry(workspaceId, entry.id as string);
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
    return this.ugc.getEntry(workspaceId, id);
  }

  /** Retries a reward that failed (e.g. the coupon campaign had ended and was extended since). */
  async retryReward(workspaceId: string, id: string, now: Date = new Date()): Promise<Entry> {
    const entry = await this.ugc.getEntry(workspaceId, id);
    if (entry.rewardStatus !== 'failed') throw new ConflictError(`The reward of this entry is ${entry.rewardStatus}, not failed`);
    await this.db.query(`UPDATE ugc_entries SET reward_status = 'pending', reward_error = NULL WHERE workspace_id = $1 AND id = $2 AND reward_status = 'failed'`, [workspaceId, entry.id]);
    await this.grantReward(workspaceId, entry.id, now);
    return this.ugc.getEntry(workspaceId, entry.id);
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
    const entry = await this.ugc.getEntry(workspaceId, id);
    if (!entry.mediaId) throw new ConflictError('This entry has no photo');
    if (published && entry.status !== 'approved') throw new ConflictError('Only an approved entry can be published');
    await this.db.query('UPDATE ugc_media SET public = $3 WHERE workspace_id = $1 AND id = $2', [workspaceId, entry.mediaId, published]);
    return this.ugc.getEntry(workspaceId, id);
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
    const entry = await this.ugc.getEntry(workspaceId, entryId);
    if (entry.rewardStatus !== 'pending') return;
    const campaign = await this.ugc.getCampaign(workspaceId, entry.campaignId);
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
