import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../kernel/errors.ts';
import { exportRows } from '../../kernel/exportRows.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { CustomerService } from '../customers/index.ts';
import { decodeCursor, pageOf } from '../../kernel/listQuery.ts';
import type { SegmentService } from '../segments/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { normalizeCode, randomCodes } from './codes.ts';
import { issueAnonymous, issueToCustomers, type CodeSource } from './issue.ts';
import { redeemCode } from './redeem.ts';
import { toCampaign, toRedemption, type CampaignRow, type RedemptionRow } from './rows.ts';
import { codeStatus } from './rules.ts';
import type { Campaign, CampaignInput, CampaignPatch, CampaignStats, CampaignStatus, CodeInfo, IssueInput, IssuedCode, RedeemInput, Redemption } from './types.ts';

const DAY = 86_400_000;

/** An order's reported coupon code normalized like stored codes; migration 003 indexes exactly this expression. */
export const orderCouponCode = (alias: string) => `upper(regexp_replace(${alias}.coupon_code, '[\\s-]', '', 'g'))`;
const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

export interface CouponDeps {
  workspaces: Pick<WorkspaceService, 'get'>;
  customers: Pick<CustomerService, 'get' | 'resolveIds'>;
  segments: Pick<SegmentService, 'members'>;
}

export interface IssueResult {
  issued: number;
  /** Customers who already held a code of the campaign. */
  skipped: number;
  codes: IssuedCode[];
}

/** Coupon campaigns, their single-use codes, redemption and statistics. */
export class CouponService {
  constructor(
    private readonly db: Db,
    private readonly deps: CouponDeps,
    private readonly codeSource: CodeSource = randomCodes,
  ) {}

  /** The privacy export's part: codes issued to the person, their redemptions and use per campaign. Nothing here is personal once the profile is erased. */
  async exportCustomer(workspaceId: string, customerId: string, q: Queryable = this.db) {
    const rows = (sql: string) => exportRows(q, sql, [workspaceId, customerId]);
    return {
      coupons: await rows('SELECT * FROM coupon_codes WHERE workspace_id = $1 AND customer_id = $2 ORDER BY issued_at, code'),
      couponRedemptions: await rows('SELECT * FROM coupon_redemptions WHERE workspace_id = $1 AND customer_id = $2 ORDER BY redeemed_at, id'),
      couponUsage: await rows('SELECT * FROM coupon_customer_usage WHERE workspace_id = $1 AND customer_id = $2 ORDER BY campaign_id'),
    };
  }

  async createCampaign(workspaceId: string, input: CampaignInput): Promise<Campaign> {
    const currency = input.currency ?? (await this.deps.workspaces.get(workspaceId)).currency;
    const { rows } = await this.db.query<CampaignRow>(
      `INSERT INTO coupon_campaigns (workspace_id, id, name, kind, value, currency, min_spend_minor, starts_at, ends_at, valid_days,
         per_customer_limit, budget_minor, max_redemptions, code_prefix, code_length, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING *`,
      [
        workspaceId, newId(), input.name, input.kind, input.value, currency, input.minSpendMinor, input.startsAt ?? new Date(),
        input.endsAt ?? null, input.validDays ?? null, input.perCustomerLimit ?? null, input.budgetMinor ?? null,
        input.maxRedemptions ?? null, input.codePrefix, input.codeLength, input.status,
      ],
    );
    return toCampaign(rows[0]!);
  }

  /** `lock` holds the row against deletion until the transaction `q` ends (what a foreign key check does). */
  async getCampaign(workspaceId: string, id: string, q: Queryable = this.db, options: { lock?: boolean } = {}): Promise<Campaign> {
    const { rows } = isUuid(id)
      ? await q.query<CampaignRow>(`SELECT * FROM coupon_campaigns WHERE workspace_id = $1 AND id = $2 ${options.lock ? 'FOR KEY SHARE' : ''}`, [workspaceId, id])
      : { rows: [] };
    if (!rows[0]) throw new NotFoundError(`coupon campaign ${id} not found`);
    return toCampaign(rows[0]);
  }

  async listCampaigns(
    workspaceId: string,
    query: { limit: number; cursor?: string; status?: CampaignStatus },
  ): Promise<{ data: Campaign[]; nextCursor: string | null }> {
    const { rows } = await this.db.query<CampaignRow>(
      `SELECT * FROM coupon_campaigns WHERE workspace_id = $1 AND ($2::uuid IS NULL OR id > $2) AND ($3::text IS NULL OR status = $3)
       ORDER BY id LIMIT $4`,
      [workspaceId, query.cursor ? decodeCursor(query.cursor) : null, query.status ?? null, query.limit + 1],
    );
    const { data, nextCursor } = pageOf(rows, query.limit);
    return { data: data.map(toCampaign), nextCursor };
  }

  /** Changes the name, status and limits; a budget below what was already given is refused. */
  async updateCampaign(workspaceId: string, id: string, patch: CampaignPatch): Promise<Campaign> {
    const columns: [keyof CampaignPatch, string][] = [
      ['name', 'name'],
      ['status', 'status'],
      ['endsAt', 'ends_at'],
      ['perCustomerLimit', 'per_customer_limit'],
      ['budgetMinor', 'budget_minor'],
      ['maxRedemptions', 'max_redemptions'],
    ];
    const values: unknown[] = [workspaceId, id];
    const sets = columns.flatMap(([key, column]) => {
      if (patch[key] === undefined) return [];
      values.push(patch[key]);
      return [`${column} = $${values.length}`];
    });
    await this.getCampaign(workspaceId, id);
    try {
      const { rows } = await this.db.query<CampaignRow>(
        `UPDATE coupon_campaigns SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE workspace_id = $1 AND id = $2 RETURNING *`,
        values,
      );
      return toCampaign(rows[0]!);
    } catch (err) {
      if ((err as { code?: string }).code !== '23514') throw err;
      throw new ValidationError('The new limits are below what the campaign has already used', [
        { path: ['budgetMinor'], message: 'budgetMinor and maxRedemptions cannot go below what was already spent; endsAt must be after startsAt' },
      ]);
    }
  }

  /** A campaign nobody redeemed yet can be deleted with its codes; otherwise end it (status "ended") to keep its history. */
  async deleteCampaign(workspaceId: string, id: string): Promise<void> {
    const campaign = await this.getCampaign(workspaceId, id);
    const { rowCount } = await this.db.query('DELETE FROM coupon_campaigns WHERE workspace_id = $1 AND id = $2 AND redemptions = 0', [workspaceId, campaign.id]);
    if (rowCount !== 1) throw new ConflictError('This campaign has redemptions: set its status to "ended" instead of deleting it');
  }

  /** Issues codes: a number of unassigned ones, or one to each customer or segment member who has none yet. All or nothing. */
  async issue(workspaceId: string, campaignId: string, input: IssueInput): Promise<IssueResult> {
    return this.db.tx((tx) => this.issueIn(tx, workspaceId, campaignId, input));
  }

  /**
   * `issue` inside the caller's transaction `tx`, so the codes commit or roll back with the caller's
   * other writes (a loyalty reward: the points spent and its coupon, both or neither).
   */
  async issueIn(tx: Queryable, workspaceId: string, campaignId: string, input: IssueInput): Promise<IssueResult> {
    // Held until commit: the campaign cannot be deleted under codes being inserted for it.
    const campaign = await this.getCampaign(workspaceId, campaignId, tx, { lock: true });
    if (campaign.status === 'ended' || (campaign.endsAt && campaign.endsAt <= new Date())) {
      throw new ConflictError('The campaign has ended: no more codes can be issued');
    }
    const expiresAt = input.expiresAt ?? (campaign.validDays ? new Date(Date.now() + campaign.validDays * DAY) : null);
    if (input.count !== undefined) {
      const codes = await issueAnonymous(tx, workspaceId, campaign, input.count, expiresAt, this.codeSource);
      return { issued: codes.length, skipped: 0, codes };
    }
    const customerIds = input.segmentId ? await this.segmentMembers(workspaceId, input.segmentId) : await this.customerIds(workspaceId, input.customers ?? []);
    const { issued, skipped } = await issueToCustomers(tx, workspaceId, campaign, customerIds, expiresAt, this.codeSource);
    return { issued: issued.length, skipped, codes: issued };
  }

  async listCodes(
    workspaceId: string,
    campaignId: string,
    query: { limit: number; cursor?: string },
  ): Promise<{ data: (IssuedCode & { issuedAt: Date; redeemedAt: Date | null })[]; nextCursor: string | null }> {
    const campaign = await this.getCampaign(workspaceId, campaignId);
    const { rows } = await this.db.query<{ code: string; customer_id: string | null; issued_at: Date; expires_at: Date | null; redeemed_at: Date | null }>(
      `SELECT code, customer_id, issued_at, expires_at, redeemed_at FROM coupon_codes
       WHERE workspace_id = $1 AND campaign_id = $2 AND ($3::text IS NULL OR code > $3) ORDER BY code LIMIT $4`,
      [workspaceId, campaign.id, query.cursor ?? null, query.limit + 1],
    );
    const data = rows.slice(0, query.limit).map((r) => ({
      code: r.code,
      customerId: r.customer_id,
      issuedAt: r.issued_at,
      expiresAt: r.expires_at,
      redeemedAt: r.redeemed_at,
    }));
    return { data, nextCursor: rows.length > query.limit ? data[data.length - 1]!.code : null };
  }

  /**
   * The codes a customer holds, newest first, with their campaign's terms and status (the customer
   * 360). One probe per campaign on the (campaign, customer) index: campaigns are few, codes many.
   */
  async codesOfCustomer(workspaceId: string, customerId: string): Promise<Omit<CodeInfo, 'redemption'>[]> {
    const customer = await this.deps.customers.get(workspaceId, customerId);
    const { rows } = await this.db.query<{ code: string; campaign_id: string; issued_at: Date; expires_at: Date | null; redeemed_at: Date | null }>(
      `SELECT k.code, k.campaign_id, k.issued_at, k.expires_at, k.redeemed_at FROM coupon_campaigns c
       JOIN LATERAL (SELECT * FROM coupon_codes WHERE workspace_id = c.workspace_id AND campaign_id = c.id AND customer_id = $2) k ON true
       WHERE c.workspace_id = $1 ORDER BY k.issued_at DESC, k.code`,
      [workspaceId, customer.id],
    );
    const campaigns = new Map<string, Campaign>();
    for (const id of new Set(rows.map((r) => r.campaign_id))) campaigns.set(id, await this.getCampaign(workspaceId, id));
    const now = new Date();
    return rows.map((r) => {
      const campaign = campaigns.get(r.campaign_id)!;
      const { id, name, kind, value, currency, minSpendMinor, status, startsAt, endsAt } = campaign;
      return {
        code: r.code,
        campaign: { id, name, kind, value, currency, minSpendMinor, status, startsAt, endsAt },
        customerId: customer.id,
        issuedAt: r.issued_at,
        expiresAt: r.expires_at,
        redeemedAt: r.redeemed_at,
        status: codeStatus(campaign, { expiresAt: r.expires_at, redeemedAt: r.redeemed_at }, now),
      };
    });
  }

  /** See redeem.ts: race-safe, idempotent by `idempotencyKey`. */
  redeem(workspaceId: string, input: RedeemInput): Promise<Redemption> {
    return redeemCode(this.db, workspaceId, input, async (q) => {
      if (input.customerId) {
        await this.deps.customers.get(workspaceId, input.customerId, q).catch((err: unknown) => {
          if (err instanceof NotFoundError) throw new ValidationError('Unknown customer', [{ path: ['customerId'], message: `customer ${input.customerId} not found` }]);
          throw err;
        });
        return input.customerId;
      }
      // Like an order, a redemption may name a customer we have not seen yet.
      const ids = await this.deps.customers.resolveIds(workspaceId, [input.customerExternalId!], q);
      return ids.get(input.customerExternalId!)!;
    });
  }

  /** A code as a customer typed it: its campaign, owner, validity and redemption. */
  async lookup(workspaceId: string, typed: string): Promise<CodeInfo> {
    const code = normalizeCode(typed);
    const { rows } = await this.db.query<{ campaign_id: string; customer_id: string | null; issued_at: Date; expires_at: Date | null; redeemed_at: Date | null }>(
      'SELECT campaign_id, customer_id, issued_at, expires_at, redeemed_at FROM coupon_codes WHERE workspace_id = $1 AND code = $2',
      [workspaceId, code],
    );
    const row = rows[0];
    if (!row) throw new NotFoundError(`coupon code ${code} not found`);
    const campaign = await this.getCampaign(workspaceId, row.campaign_id);
    const { rows: redeemed } = await this.db.query<RedemptionRow>('SELECT * FROM coupon_redemptions WHERE workspace_id = $1 AND code = $2', [workspaceId, code]);
    const { id, name, kind, value, currency, minSpendMinor, status, startsAt, endsAt } = campaign;
    const redemption = redeemed[0] ? toRedemption(redeemed[0]) : null;
    return {
      code,
      campaign: { id, name, kind, value, currency, minSpendMinor, status, startsAt, endsAt },
      customerId: row.customer_id,
      issuedAt: row.issued_at,
      expiresAt: row.expires_at,
      redeemedAt: row.redeemed_at,
      status: codeStatus(campaign, { expiresAt: row.expires_at, redeemedAt: row.redeemed_at }, new Date()),
      redemption: redemption && {
        id: redemption.id,
        customerId: redemption.customerId,
        orderExternalId: redemption.orderExternalId,
        orderTotalMinor: redemption.orderTotalMinor,
        discountMinor: redemption.discountMinor,
        currency: redemption.currency,
        redeemedAt: redemption.redeemedAt,
      },
    };
  }

  /**
   * Issued, redeemed, expired, discount given, and the orders that used the campaign's codes with
   * their net revenue: orders named at redemption (by external id) plus orders recorded with one of
   * the codes in `coupon_code` (a shop that reports coupons on its orders without calling redeem).
   */
  async stats(workspaceId: string, campaignId: string): Promise<CampaignStats> {
    const campaign = await this.getCampaign(workspaceId, campaignId);
    const { rows: codes } = await this.db.query<{ issued: number; assigned: number; redeemed: number; expired: number }>(
      `SELECT count(*)::int AS issued, count(customer_id)::int AS assigned, count(redeemed_at)::int AS redeemed,
              (count(*) FILTER (WHERE redeemed_at IS NULL AND (expires_at <= now() OR $3::timestamptz <= now())))::int AS expired
       FROM coupon_codes WHERE workspace_id = $1 AND campaign_id = $2`,
      [workspaceId, campaign.id, campaign.endsAt],
    );
    const { rows: orders } = await this.db.query<{ orders: number; revenue: number }>(
      `SELECT count(*)::int AS orders,
              coalesce(sum(CASE WHEN o.status = 'cancelled' THEN 0 ELSE o.total_minor - o.refunded_minor END), 0)::bigint AS revenue
       FROM orders o
       WHERE o.workspace_id = $1 AND o.currency = $3 AND o.id IN (
         SELECT x.id FROM coupon_redemptions r JOIN orders x ON x.workspace_id = r.workspace_id AND x.external_id = r.order_external_id
         WHERE r.workspace_id = $1 AND r.campaign_id = $2
         UNION
         SELECT x.id FROM orders x JOIN coupon_codes k ON k.workspace_id = x.workspace_id AND k.code = ${orderCouponCode('x')}
         WHERE x.workspace_id = $1 AND x.coupon_code IS NOT NULL AND k.campaign_id = $2)`,
      [workspaceId, campaign.id, campaign.currency],
    );
    const c = codes[0]!;
    return {
      campaignId: campaign.id,
      issued: c.issued,
      assigned: c.assigned,
      redeemed: c.redeemed,
      expired: c.expired,
      redemptionRate: c.issued === 0 ? 0 : c.redeemed / c.issued,
      discountMinor: campaign.spentMinor,
      budgetRemainingMinor: campaign.budgetMinor === null ? null : campaign.budgetMinor - campaign.spentMinor,
      orders: orders[0]!.orders,
      revenueMinor: orders[0]!.revenue,
      currency: campaign.currency,
    };
  }

  /** Our ids of customers given by our id or external id; unknown or erased ones are an error naming their index. */
  private async customerIds(workspaceId: string, given: string[]): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string; external_id: string | null }>(
      `SELECT id, external_id FROM customers
       WHERE workspace_id = $1 AND erased_at IS NULL AND (external_id = ANY($2::text[]) OR id = ANY($3::uuid[]))`,
      [workspaceId, given, given.filter(isUuid)],
    );
    const byExternal = new Map(rows.flatMap((r) => (r.external_id ? [[r.external_id, r.id] as const] : [])));
    const ids = new Set(rows.map((r) => r.id));
    const issues: FieldIssue[] = [];
    const resolved = given.map((g, index) => {
      const id = byExternal.get(g) ?? (ids.has(g.toLowerCase()) ? g.toLowerCase() : undefined);
      if (!id) issues.push({ path: ['customers', index], message: `customer ${g} not found` });
      return id!;
    });
    if (issues.length > 0) throw new ValidationError('Some customers are unknown', issues);
    return resolved;
  }

  private async segmentMembers(workspaceId: string, segmentId: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.segments.members(workspaceId, segmentId, { limit: 5000, cursor });
      for (const m of page.data) ids.push(m.customerId);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return ids;
  }
}
