import { randomBytes } from 'node:crypto';
import { exportRows } from '../../kernel/exportRows.ts';
import { referenceIn } from '../../kernel/references.ts';
import { AuthError, ConflictError, ValidationError } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { CouponService } from '../coupons/index.ts';
import type { CustomerService } from '../customers/index.ts';
import { decodeCursor, encodeCursor, pageOf } from '../../kernel/listQuery.ts';
import type { EventService } from '../events/index.ts';
import type { JobService } from '../jobs/index.ts';
import type { RecipientVariableLoader } from '../messaging/index.ts';
import type { SegmentService } from '../segments/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { earnFromEvents, earnFromOrders, lotDates, reverseFromOrders, type ProgrammeContext } from './earning.ts';
import { LedgerWriter } from './groupCommit.ts';
import { PROCESS_JOB } from './jobs.ts';
import { checkInvariants, confirmDue, expireDue, toEntry, type EntryRow, type InvariantReport, type LedgerEntry } from './ledger.ts';
import { ensureMembers, evaluateTiers, membersDueForReview, qualifyingValues, type TierChange } from './members.ts';
import { attachReferral, completeReferrals, referralLink, referralStats, reverseReferrals, type Referral, type ReferralStats } from './referrals.ts';
import { loyaltyReport, type LoyaltyReport } from './report.ts';
import {
  claimReward,
  getReward,
  periodKey,
  tierRank,
  toReward,
  toSurpriseRule,
  type Claim,
  type Reward,
  type RewardRow,
  type SurpriseRuleRow,
  type RewardInput,
  type RewardPatch,
  type SurpriseRule,
  type SurpriseRuleInput,
} from './rewards.ts';
import { loyaltySettingsSchema, type LoyaltySettings } from './settings.ts';
import { loadTemplateVariables } from './templateVariables.ts';
import { tierProgress } from './tiers.ts';
import { signToken, tokenWorkspace, verifyToken, type TokenClaims, type TokenPurpose } from './tokens.ts';

const SETTLE_BATCH = 5_000;
/** Orders ingested within this window share one processing job, run at its end. */
const PROCESS_DEBOUNCE_MS = 60_000;
const DAY = 86_400_000;

export interface LoyaltyDeps {
  workspaces: Pick<WorkspaceService, 'get'>;
  customers: Pick<CustomerService, 'find'>;
  events: Pick<EventService, 'insertForCustomers'>;
  coupons: Pick<CouponService, 'issue' | 'issueIn' | 'getCampaign'>;
  segments: Pick<SegmentService, 'members'>;
  jobs: Pick<JobService, 'enqueue'>;
}

export interface LoyaltyAccount {
  customerId: string;
  balance: number;
  pending: number;
  tier: string | null;
  tierSince: Date | null;
  tierReviewAt: Date | null;
  /** Rolling-window spend (minor units) or points earned, by the workspace's tier basis. */
  qualifying: number;
  nextTier: string | null;
  neededForNextTier: number;
  benefits: { earnMultiplier: number; earlyAccess: boolean; exclusiveEvents: boolean };
  expiringSoon: { points: number; expiresAt: Date }[];
  referralCode: string;
  referralLink: string | null;
}

export interface SyncSummary {
  earnedEntries: number;
  earnedPoints: number;
  reversedEntries: number;
  reversedPoints: number;
  tierChanges: number;
}

export interface ProcessSummary extends SyncSummary {
  confirmedPoints: number;
  expiredPoints: number;
  expiringSoonEvents: number;
  referralsCompleted: number;
  referralsReversed: number;
  surprisesGranted: number;
}

/**
 * Loyalty: a points ledger that cannot lie (ledger.ts), earning from orders and events, tiers,
 * a rewards catalog, surprise-and-delight grants, referrals, and customer-scoped storefront tokens.
 */
export class LoyaltyService {
  /** Single credits and debits outside a transaction, by group commit (the adjustments route, the benchmark). */
  readonly ledger: LedgerWriter;

  constructor(
    private readonly db: Db,
    private readonly deps: LoyaltyDeps,
  ) {
    this.ledger = new LedgerWriter(db);
  }

  /** The privacy export's part: membership, balance, every ledger entry and lot, tier changes, reward claims, referrals either way. */
  async exportCustomer(workspaceId: string, customerId: string, q: Queryable = this.db) {
    const rows = (sql: string) => exportRows(q, sql, [workspaceId, customerId]);
    return {
      loyaltyMember: (await rows('SELECT * FROM loyalty_members WHERE workspace_id = $1 AND customer_id = $2'))[0] ?? null,
      pointsBalance: (await rows('SELECT * FROM points_balances WHERE workspace_id = $1 AND customer_id = $2'))[0] ?? null,
      pointsLedger: await rows('SELECT * FROM points_ledger WHERE workspace_id = $1 AND customer_id = $2 ORDER BY id'),
      pointsLots: await rows('SELECT * FROM points_lots WHERE workspace_id = $1 AND customer_id = $2 ORDER BY id'),
      tierChanges: await rows('SELECT * FROM loyalty_tier_changes WHERE workspace_id = $1 AND customer_id = $2 ORDER BY changed_at, id'),
      rewardClaims: await rows('SELECT * FROM loyalty_reward_claims WHERE workspace_id = $1 AND customer_id = $2 ORDER BY id'),
      referrals: await rows('SELECT * FROM loyalty_referrals WHERE workspace_id = $1 AND (referrer_id = $2 OR referee_id = $2) ORDER BY created_at, id'),
    };
  }

  /**
   * Erasure: the membership goes (its referral code stops working); the ledger, lots and balance
   * stay as anonymous accounting facts, without the free-text reasons staff wrote.
   */
  async eraseCustomer(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<void> {
    await q.query('DELETE FROM loyalty_members WHERE workspace_id = $1 AND customer_id = $2', [workspaceId, customerId]);
    await q.query('UPDATE points_ledger SET reason = NULL WHERE workspace_id = $1 AND customer_id = $2 AND reason IS NOT NULL', [workspaceId, customerId]);
    await q.query('UPDATE loyalty_referrals SET reject_reason = NULL WHERE workspace_id = $1 AND (referrer_id = $2 OR referee_id = $2)', [workspaceId, customerId]);
  }

  async settings(workspaceId: string, q: Queryable = this.db): Promise<LoyaltySettings> {
    const { rows } = await q.query<{ settings: unknown }>('SELECT settings FROM loyalty_settings WHERE workspace_id = $1', [workspaceId]);
    return loyaltySettingsSchema.parse(rows[0]?.settings ?? {});
  }

  /** Replaces the workspace's overrides (absent keys take the defaults) and returns the effective settings. */
  async updateSettings(workspaceId: string, overrides: unknown): Promise<LoyaltySettings> {
    const parsed = loyaltySettingsSchema.safeParse(overrides);
    if (!parsed.success) {
      throw new ValidationError(
        'Invalid loyalty settings',
        parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message, code: i.code })),
      );
    }
    await this.db.query(
      `INSERT INTO loyalty_settings (workspace_id, settings, token_secret) VALUES ($1, $2, $3)
       ON CONFLICT (workspace_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()`,
      [workspaceId, JSON.stringify(overrides), randomBytes(32).toString('base64url')],
    );
    return parsed.data;
  }

  /** Workspaces that run a programme (they have settings): what the worker processes every hour. */
  async programmeWorkspaces(): Promise<string[]> {
    const { rows } = await this.db.query<{ workspace_id: string }>('SELECT workspace_id FROM loyalty_settings ORDER BY workspace_id');
    return rows.map((r) => r.workspace_id);
  }

  /**
   * Asks the worker to process the programme soon, e.g. after ingest brought orders, refunds or
   * cancellations, instead of waiting for the hourly run. A no-op for a workspace without a programme.
   */
  async requestProcessing(workspaceId: string, now = new Date()): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM loyalty_settings WHERE workspace_id = $1', [workspaceId]);
    if (!rows[0]) return false;
    const bucket = Math.floor(now.getTime() / PROCESS_DEBOUNCE_MS) * PROCESS_DEBOUNCE_MS;
    const job = await this.deps.jobs.enqueue(workspaceId, {
      kind: PROCESS_JOB,
      dedupeKey: `${PROCESS_JOB}:soon:${new Date(bucket).toISOString()}`,
      runAt: new Date(bucket + PROCESS_DEBOUNCE_MS),
      maxAttempts: 3,
    });
    return job !== null;
  }

  /**
   * Earns points for completed orders not yet earned and for bonus events, reverses refunds and
   * cancellations, then re-evaluates the tiers of customers who earned. Idempotent: run it as often
   * as you like (the worker, `kizuna loyalty sync`, POST /v1/loyalty/sync, or after an import).
   */
  async syncOrders(workspaceId: string, options: { since?: Date; now?: Date } = {}): Promise<SyncSummary> {
    const now = options.now ?? new Date();
    const p = await this.programme(workspaceId);
    const earned = [...(await earnFromOrders(this.db, p, options.since ?? null, now)), ...(await earnFromEvents(this.db, p, options.since ?? null, now))];
    const reversed = await reverseFromOrders(this.db, p, now);
    const positive = earned.filter((e) => e.points + e.pending > 0);
    await ensureMembers(this.db, workspaceId, positive.map((e) => e.customerId));
    await this.deps.events.insertForCustomers(
      workspaceId,
      positive.map((e) => ({
        customerId: e.customerId,
        messageId: `loyalty:points-earned:${e.sourceType}:${e.sourceId}`,
        name: 'Points Earned',
        properties: { points: e.points + e.pending, pending: e.kind === 'pending', availableAt: e.availableAt, source: e.sourceType, sourceId: e.sourceId, reason: e.reason },
        occurredAt: now,
      })),
    );
    const changes = await evaluateTiers(this.db, this.deps.events, p, positive.map((e) => e.customerId), now);
    await this.issueUpgradeCoupons(workspaceId, p.settings, changes);
    const sum = (entries: LedgerEntry[]) => entries.reduce((s, e) => s + e.points + e.pending, 0);
    return { earnedEntries: earned.length, earnedPoints: sum(earned), reversedEntries: reversed.length, reversedPoints: 0 - sum(reversed), tierChanges: changes.length };
  }

  /**
   * Everything time moves along, for the worker's schedule or `kizuna loyalty process`: the order
   * sync, pending points past the return window, expiry, "Points Expiring Soon", referrals,
   * downgrades at period end, and surprise-and-delight grants.
   */
  async process(workspaceId: string, options: { now?: Date } = {}): Promise<ProcessSummary> {
    const now = options.now ?? new Date();
    const sync = await this.syncOrders(workspaceId, { now });
    const p = await this.programme(workspaceId);
    const confirmed = await this.settleAll((tx) => confirmDue(tx, workspaceId, now, SETTLE_BATCH));
    const expired = await this.settleAll((tx) => expireDue(tx, workspaceId, now, SETTLE_BATCH));
    const expiring = await this.announceExpiring(p, now);
    const completed = await completeReferrals(this.db, this.deps, p, now);
    const reversed = await reverseReferrals(this.db, p, now);
    const changes = await evaluateTiers(this.db, this.deps.events, p, await membersDueForReview(this.db, workspaceId, now), now);
    const surprises = await this.runSurprises(workspaceId, { now });
    return {
      ...sync,
      tierChanges: sync.tierChanges + changes.length,
      confirmedPoints: confirmed.reduce((s, e) => s + e.points, 0),
      expiredPoints: 0 - expired.reduce((s, e) => s + e.points, 0),
      expiringSoonEvents: expiring,
      referralsCompleted: completed.length,
      referralsReversed: reversed.length,
      surprisesGranted: surprises.granted,
    };
  }

  /** A manual correction (positive: a lot that expires like earned points; negative: drawn like a redemption). */
  async adjust(
    workspaceId: string,
    input: { customer: string; points: number; reason: string; idempotencyKey?: string },
    now: Date = new Date(),
  ): Promise<{ entry: LedgerEntry; replayed: boolean }> {
    if (!Number.isInteger(input.points) || input.points === 0) throw new ValidationError('Invalid adjustment', [{ path: ['points'], message: 'a whole number other than 0' }]);
    if (!input.reason.trim()) throw new ValidationError('Invalid adjustment', [{ path: ['reason'], message: 'say why' }]);
    const customer = await this.deps.customers.find(workspaceId, input.customer);
    const settings = await this.settings(workspaceId);
    const key = input.idempotencyKey ?? newId();
    await ensureMembers(this.db, workspaceId, [customer.id]);
    if (input.points < 0) {
      return this.ledger.debit(workspaceId, { customerId: customer.id, kind: 'adjust', points: -input.points, sourceType: 'adjust', sourceId: key, reason: input.reason }, now);
    }
    const entry = await this.ledger.credit(
      workspaceId,
      { customerId: customer.id, kind: 'adjust', points: input.points, sourceType: 'adjust', sourceId: key, reason: input.reason, ...lotDates(settings, now, false) },
      now,
    );
    if (entry) return { entry, replayed: false };
    const { rows } = await this.db.query<EntryRow>(`SELECT * FROM points_ledger WHERE workspace_id = $1 AND source_type = 'adjust' AND source_id = $2 AND kind = 'adjust'`, [workspaceId, key]);
    return { entry: toEntry(rows[0]!), replayed: true };
  }

  /** Balance, tier, progress, benefits, points expiring soon and the referral link of one customer. */
  async account(workspaceId: string, customerId: string, now: Date = new Date()): Promise<LoyaltyAccount> {
    const p = await this.programme(workspaceId);
    await ensureMembers(this.db, workspaceId, [customerId]);
    const { rows } = await this.db.query<{ balance: number | null; pending: number | null; tier: string | null; tier_since: Date | null; tier_review_at: Date | null; referral_code: string }>(
      `SELECT b.balance, b.pending, m.tier, m.tier_since, m.tier_review_at, m.referral_code FROM loyalty_members m
       LEFT JOIN points_balances b ON b.workspace_id = m.workspace_id AND b.customer_id = m.customer_id
       WHERE m.workspace_id = $1 AND m.customer_id = $2`,
      [workspaceId, customerId],
    );
    const m = rows[0]!;
    const { rows: expiring } = await this.db.query<{ points: number; expires_at: Date }>(
      `SELECT sum(remaining)::bigint AS points, expires_at FROM points_lots
       WHERE workspace_id = $1 AND customer_id = $2 AND status = 'available' AND remaining > 0 AND expires_at > $3 AND expires_at <= $4
       GROUP BY expires_at ORDER BY expires_at`,
      [workspaceId, customerId, now, new Date(now.getTime() + p.settings.expiringSoonDays * DAY)],
    );
    const qualifying = (await qualifyingValues(this.db, p, [customerId], now)).get(customerId) ?? 0;
    const progress = tierProgress(p.settings.tiers, m.tier, qualifying);
    const tier = p.settings.tiers.find((t) => t.name === m.tier);
    return {
      customerId,
      balance: m.balance ?? 0,
      pending: m.pending ?? 0,
      tier: m.tier,
      tierSince: m.tier_since,
      tierReviewAt: m.tier_review_at,
      qualifying,
      nextTier: progress.next,
      neededForNextTier: progress.needed,
      benefits: { earnMultiplier: tier?.earnMultiplier ?? 1, earlyAccess: tier?.earlyAccess ?? false, exclusiveEvents: tier?.exclusiveEvents ?? false },
      expiringSoon: expiring.map((e) => ({ points: e.points, expiresAt: e.expires_at })),
      referralCode: m.referral_code,
      referralLink: referralLink(p.settings, m.referral_code),
    };
  }

  /** `{{ loyalty.* }}` for a batch of message recipients, handed to messaging by the composition root. */
  // Only `q`: messaging calls this inside its gate transaction, and a second pooled connection could
  // wait for ever on a pool its own concurrent batches have filled.
  readonly recipientVariables: RecipientVariableLoader = async (q, workspaceId, customerIds) =>
    loadTemplateVariables(q, await this.programme(workspaceId, q), customerIds, new Date());

  /** Ledger entries of a customer, newest first. */
  async history(workspaceId: string, customerId: string, page: { limit: number; cursor?: string }): Promise<{ data: LedgerEntry[]; nextCursor: string | null }> {
    const { rows } = await this.db.query<EntryRow>(
      `SELECT * FROM points_ledger WHERE workspace_id = $1 AND customer_id = $2 AND ($3::uuid IS NULL OR id < $3) ORDER BY id DESC LIMIT $4`,
      [workspaceId, customerId, page.cursor ? decodeCursor(page.cursor) : null, page.limit + 1],
    );
    const { data, nextCursor } = pageOf(rows, page.limit);
    return { data: data.map(toEntry), nextCursor };
  }

  /** Members by tier for the Loyalty page: balance, pending and tier, in customer-id order. */
  async members(
    workspaceId: string,
    query: { limit: number; cursor?: string; tier?: string },
  ): Promise<{ data: { customerId: string; externalId: string | null; tier: string | null; balance: number; pending: number }[]; nextCursor: string | null }> {
    const { rows } = await this.db.query<{ customer_id: string; external_id: string | null; tier: string | null; balance: number | null; pending: number | null }>(
      `SELECT m.customer_id, c.external_id, m.tier, b.balance, b.pending FROM loyalty_members m
       JOIN customers c ON c.workspace_id = m.workspace_id AND c.id = m.customer_id
       LEFT JOIN points_balances b ON b.workspace_id = m.workspace_id AND b.customer_id = m.customer_id
       WHERE m.workspace_id = $1 AND ($2::uuid IS NULL OR m.customer_id > $2) AND ($3::text IS NULL OR m.tier = $3)
       ORDER BY m.customer_id LIMIT $4`,
      [workspaceId, query.cursor ? decodeCursor(query.cursor) : null, query.tier ?? null, query.limit + 1],
    );
    const data = rows.slice(0, query.limit).map((r) => ({ customerId: r.customer_id, externalId: r.external_id, tier: r.tier, balance: r.balance ?? 0, pending: r.pending ?? 0 }));
    return { data, nextCursor: rows.length > query.limit ? encodeCursor(data[data.length - 1]!.customerId) : null };
  }

  async createReward(workspaceId: string, input: RewardInput): Promise<Reward> {
    if (input.couponCampaignId !== null) await referenceIn(['couponCampaignId'], () => this.deps.coupons.getCampaign(workspaceId, input.couponCampaignId!));
    const { rows } = await this.db.query<RewardRow>(
      `INSERT INTO loyalty_rewards (workspace_id, id, name, kind, cost_points, coupon_campaign_id, stock, min_tier, event_at, active)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [workspaceId, newId(), input.name, input.kind, input.costPoints, input.couponCampaignId, input.stock, input.minTier, input.eventAt, input.active],
    );
    return toReward(rows[0]!);
  }

  async updateReward(workspaceId: string, id: string, patch: RewardPatch): Promise<Reward> {
    await getReward(this.db, workspaceId, id);
    const { rows } = await this.db.query<RewardRow>(
      `UPDATE loyalty_rewards SET active = coalesce($3, active), cost_points = coalesce($4, cost_points),
         stock = CASE WHEN $5 THEN $6::int ELSE stock END
       WHERE workspace_id = $1 AND id = $2 RETURNING *`,
      [workspaceId, id, patch.active ?? null, patch.costPoints ?? null, patch.stock !== undefined, patch.stock ?? null],
    );
    return toReward(rows[0]!);
  }

  async listRewards(workspaceId: string): Promise<Reward[]> {
    const { rows } = await this.db.query<RewardRow>('SELECT * FROM loyalty_rewards WHERE workspace_id = $1 ORDER BY cost_points, id', [workspaceId]);
    return rows.map(toReward);
  }

  /** Active, in-stock rewards the customer's tier opens, each marked affordable or not. */
  async availableRewards(workspaceId: string, customerId: string): Promise<(Reward & { affordable: boolean })[]> {
    const [settings, account] = [await this.settings(workspaceId), await this.account(workspaceId, customerId)];
    const rank = tierRank(settings, account.tier);
    return (await this.listRewards(workspaceId))
      .filter((r) => r.active && (r.stock === null || r.stock > 0) && (r.minTier === null || rank >= tierRank(settings, r.minTier)))
      .map((r) => ({ ...r, affordable: r.costPoints <= account.balance }));
  }

  /** Redeems points for a reward; the idempotency key (per customer: another's key never returns their claim) makes a retry return the same claim. */
  async redeem(workspaceId: string, customerId: string, rewardId: string, idempotencyKey: string, now: Date = new Date()): Promise<Claim> {
    const settings = await this.settings(workspaceId);
    return claimReward(this.db, this.deps.coupons, workspaceId, settings, { customerId, rewardId, idempotencyKey: `redeem:${customerId}:${idempotencyKey}`, free: false }, now);
  }

  async createSurpriseRule(workspaceId: string, input: SurpriseRuleInput): Promise<SurpriseRule> {
    await getReward(this.db, workspaceId, input.rewardId);
    const { rows } = await this.db.query<SurpriseRuleRow>(
      `INSERT INTO loyalty_surprise_rules (workspace_id, id, name, reward_id, segment_id, period, active) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [workspaceId, newId(), input.name, input.rewardId, input.segmentId, input.period, input.active],
    );
    return toSurpriseRule(rows[0]!);
  }

  async listSurpriseRules(workspaceId: string): Promise<SurpriseRule[]> {
    const { rows } = await this.db.query<SurpriseRuleRow>('SELECT * FROM loyalty_surprise_rules WHERE workspace_id = $1 ORDER BY id', [workspaceId]);
    return rows.map(toSurpriseRule);
  }

  /**
   * Grants each active rule's reward to its segment's members, once per member and period (the
   * claim's idempotency key names rule, period and customer). A reward that runs out of stock
   * stops its rule for this run.
   */
  async runSurprises(workspaceId: string, options: { now?: Date } = {}): Promise<{ granted: number; skipped: number }> {
    const now = options.now ?? new Date();
    const [settings, workspace] = [await this.settings(workspaceId), await this.deps.workspaces.get(workspaceId)];
    let granted = 0;
    let skipped = 0;
    for (const rule of (await this.listSurpriseRules(workspaceId)).filter((r) => r.active)) {
      const period = periodKey(rule.period, now, workspace.timeZone);
      let cursor: string | undefined;
      rules: do {
        const page = await this.deps.segments.members(workspaceId, rule.segmentId, { limit: 1000, cursor });
        await ensureMembers(this.db, workspaceId, page.data.map((m) => m.customerId));
        for (const member of page.data) {
          try {
            const claim = await claimReward(
              this.db,
              this.deps.coupons,
              workspaceId,
              settings,
              { customerId: member.customerId, rewardId: rule.rewardId, idempotencyKey: `surprise:${rule.id}:${period}:${member.customerId}`, free: true },
              now,
            );
            if (claim.replayed) skipped++;
            else granted++;
          } catch (err) {
            if (err instanceof ConflictError) break rules; // out of stock or inactive: nothing more to give
            throw err;
          }
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    return { granted, skipped };
  }

  async referral(workspaceId: string, customerId: string): Promise<{ code: string; link: string | null }> {
    const account = await this.account(workspaceId, customerId);
    return { code: account.referralCode, link: account.referralLink };
  }

  /** Records a referral by code for a (new) customer; see referrals.ts for the fraud checks. */
  async attachReferral(
    workspaceId: string,
    input: { referee: string; code: string; paymentFingerprint?: string | null },
    now: Date = new Date(),
  ): Promise<Referral> {
    const referee = await this.deps.customers.find(workspaceId, input.referee);
    const p = await this.programme(workspaceId);
    return attachReferral(this.db, this.deps, p, { refereeId: referee.id, code: input.code, paymentFingerprint: input.paymentFingerprint ?? null }, now);
  }

  async referralStats(workspaceId: string): Promise<ReferralStats> {
    return referralStats(this.db, await this.programme(workspaceId));
  }

  async report(workspaceId: string, now: Date = new Date()): Promise<LoyaltyReport> {
    return loyaltyReport(this.db, await this.programme(workspaceId), now);
  }

  async invariants(workspaceId: string): Promise<InvariantReport> {
    return checkInvariants(this.db, workspaceId);
  }

  /** A customer token for one purpose (see tokens.ts), valid `ttlSeconds`. */
  async issueToken(
    workspaceId: string,
    customer: string,
    ttlSeconds: number,
    now: Date = new Date(),
    purpose: TokenPurpose = 'storefront',
  ): Promise<{ token: string; customerId: string; expiresAt: Date }> {
    const found = await this.deps.customers.find(workspaceId, customer);
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    return { token: signToken({ workspaceId, customerId: found.id, expiresAt, purpose }, await this.tokenSecret(workspaceId)), customerId: found.id, expiresAt };
  }

  async verifyToken(token: string, now: Date = new Date(), purpose: TokenPurpose = 'storefront'): Promise<TokenClaims> {
    const workspaceId = tokenWorkspace(token);
    const { rows } = await this.db.query<{ token_secret: string }>('SELECT token_secret FROM loyalty_settings WHERE workspace_id = $1', [workspaceId]);
    // No secret yet means no token was ever issued for this workspace: nothing can verify.
    if (!rows[0]) throw new AuthError('Invalid customer token');
    return verifyToken(token, rows[0].token_secret, now, purpose);
  }

  private async tokenSecret(workspaceId: string): Promise<string> {
    await this.db.query(`INSERT INTO loyalty_settings (workspace_id, token_secret) VALUES ($1, $2) ON CONFLICT (workspace_id) DO NOTHING`, [
      workspaceId,
      randomBytes(32).toString('base64url'),
    ]);
    const { rows } = await this.db.query<{ token_secret: string }>('SELECT token_secret FROM loyalty_settings WHERE workspace_id = $1', [workspaceId]);
    return rows[0]!.token_secret;
  }

  private async programme(workspaceId: string, q: Queryable = this.db): Promise<ProgrammeContext> {
    const workspace = await this.deps.workspaces.get(workspaceId, q);
    return { workspaceId, currency: workspace.currency, timeZone: workspace.timeZone, settings: await this.settings(workspaceId, q) };
  }

  private async settleAll(step: (tx: Queryable) => Promise<LedgerEntry[]>): Promise<LedgerEntry[]> {
    const all: LedgerEntry[] = [];
    for (;;) {
      const batch = await this.db.tx(step);
      if (batch.length === 0) return all;
      all.push(...batch);
    }
  }

  /** One "Points Expiring Soon" per lot (deterministic messageId, so a rerun sends nothing new). */
  private async announceExpiring(p: ProgrammeContext, now: Date): Promise<number> {
    const { rows } = await this.db.query<{ customer_id: string; id: string; remaining: number; expires_at: Date }>(
      `SELECT customer_id, id, remaining, expires_at FROM points_lots
       WHERE workspace_id = $1 AND status = 'available' AND remaining > 0 AND expires_at > $2 AND expires_at <= $3`,
      [p.workspaceId, now, new Date(now.getTime() + p.settings.expiringSoonDays * DAY)],
    );
    const { inserted } = await this.deps.events.insertForCustomers(
      p.workspaceId,
      rows.map((l) => ({
        customerId: l.customer_id,
        messageId: `loyalty:points-expiring:${l.id}`,
        name: 'Points Expiring Soon',
        properties: { points: l.remaining, expiresAt: l.expires_at.toISOString() },
        occurredAt: now,
      })),
    );
    return inserted;
  }

  private async issueUpgradeCoupons(workspaceId: string, settings: LoyaltySettings, changes: TierChange[]): Promise<void> {
    for (const tier of settings.tiers) {
      if (tier.upgradeCouponCampaignId === null) continue;
      const customers = changes.filter((c) => c.reason === 'upgrade' && c.to === tier.name).map((c) => c.customerId);
      if (customers.length > 0) await this.deps.coupons.issue(workspaceId, tier.upgradeCouponCampaignId, { customers });
    }
  }
}

