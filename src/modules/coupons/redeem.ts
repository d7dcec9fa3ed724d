import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import { normalizeCode } from './codes.ts';
import { judgeRedemption, type Refusal } from './rules.ts';
import { toCampaign, toRedemption, type CampaignRow, type RedemptionRow } from './rows.ts';
import type { RedeemInput, Redemption } from './types.ts';

/**
 * Redeems a code for an order, in one transaction of conditional writes, each of which only one
 * concurrent request can win:
 *
 * 1. `UPDATE coupon_codes SET redeemed_at … WHERE redeemed_at IS NULL`: a second request for the
 *    same code waits for the first's row lock, re-reads the row, finds it redeemed and updates nothing;
 * 2. the per-customer count is raised only while under the limit (an upsert with a WHERE);
 * 3. the campaign's spent and redemption counts are raised only while within budget.
 *
 * Every request takes its locks in this order (code, customer usage, campaign), so they cannot
 * deadlock. Any refusal rolls the whole transaction back. The redemption row's unique idempotency
 * key makes a retry (even one racing the first attempt) return the first result; refusals are not
 * stored, so a retry after a refusal is judged again.
 */
export async function redeemCode(db: Db, workspaceId: string, input: RedeemInput, customerId: (q: Queryable) => Promise<string>): Promise<Redemption> {
  const code = normalizeCode(input.code);
  const replay = async () => {
    const prior = await priorRedemption(db, workspaceId, input.idempotencyKey);
    if (prior && (prior.code !== code || prior.orderExternalId !== input.orderExternalId || prior.orderTotalMinor !== input.orderTotalMinor)) {
      throw new ConflictError('idempotencyKey was already used for another redemption');
    }
    return prior;
  };
  const prior = await replay();
  if (prior) return prior;
  try {
    return await db.tx(async (tx) => {
      const customer = await customerId(tx);
      const { rows } = await tx.query<CampaignRow & { code_customer_id: string | null; code_expires_at: Date | null }>(
        `SELECT k.customer_id AS code_customer_id, k.expires_at AS code_expires_at, c.*
         FROM coupon_codes k JOIN coupon_campaigns c ON c.workspace_id = k.workspace_id AND c.id = k.campaign_id
         WHERE k.workspace_id = $1 AND k.code = $2`,
        [workspaceId, code],
      );
      if (!rows[0]) throw new NotFoundError(`coupon code ${code} not found`);
      const campaign = toCampaign(rows[0]);
      const now = new Date();
      const verdict = judgeRedemption(
        campaign,
        { customerId: rows[0].code_customer_id as string | null, expiresAt: rows[0].code_expires_at as Date | null },
        { customerId: customer, orderTotalMinor: input.orderTotalMinor, shippingMinor: input.shippingMinor, currency: input.currency },
        now,
      );
      if (!verdict.ok) throw refusalError(verdict.refusal);
      const discount = verdict.discountMinor;

      const claimed = await tx.query(
        'UPDATE coupon_codes SET redeemed_at = $3 WHERE workspace_id = $1 AND code = $2 AND redeemed_at IS NULL',
        [workspaceId, code, now],
      );
      if (claimed.rowCount !== 1) throw new ConflictError(`coupon code ${code} was already redeemed`);
      if (campaign.perCustomerLimit !== null) {
        const counted = await tx.query(
          `INSERT INTO coupon_customer_usage AS u (workspace_id, campaign_id, customer_id, redemptions) VALUES ($1, $2, $3, 1)
           ON CONFLICT (workspace_id, campaign_id, customer_id) DO UPDATE SET redemptions = u.redemptions + 1
           WHERE u.redemptions < $4`,
          [workspaceId, campaign.id, customer, campaign.perCustomerLimit],
        );
        if (counted.rowCount !== 1) throw new ConflictError(`this customer has already redeemed this campaign ${campaign.perCustomerLimit} time(s)`);
      }
      const charged = await tx.query(
        `UPDATE coupon_campaigns SET spent_minor = spent_minor + $3, redemptions = redemptions + 1, updated_at = now()
         WHERE workspace_id = $1 AND id = $2 AND status = 'active'
           AND (budget_minor IS NULL OR spent_minor + $3 <= budget_minor)
           AND (max_redemptions IS NULL OR redemptions < max_redemptions)`,
        [workspaceId, campaign.id, discount],
      );
      if (charged.rowCount !== 1) throw new ConflictError('the campaign has no budget left for this discount');

      const redemption: Redemption = {
        id: newId(),
        code,
        campaignId: campaign.id,
        customerId: customer,
        orderExternalId: input.orderExternalId,
        orderTotalMinor: input.orderTotalMinor,
        discountMinor: discount,
        currency: campaign.currency,
        redeemedAt: now,
        replayed: false,
      };
      await tx.query(
        `INSERT INTO coupon_redemptions (workspace_id, id, idempotency_key, campaign_id, code, customer_id, order_external_id,
           order_total_minor, discount_minor, currency, redeemed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [workspaceId, redemption.id, input.idempotencyKey, campaign.id, code, customer, input.orderExternalId, input.orderTotalMinor, discount, campaign.currency, now],
      );
      return redemption;
    });
  } catch (err) {
    // A concurrent request with the same key may have won: then this one's answer is that result.
    if (err instanceof ConflictError || (err as { code?: string }).code === '23505') {
      const winner = await replay();
      if (winner) return winner;
    }
    throw err;
  }
}

async function priorRedemption(q: Queryable, workspaceId: string, key: string): Promise<Redemption | undefined> {
  const { rows } = await q.query<RedemptionRow>(
    'SELECT * FROM coupon_redemptions WHERE workspace_id = $1 AND idempotency_key = $2',
    [workspaceId, key],
  );
  return rows[0] ? { ...toRedemption(rows[0]), replayed: true } : undefined;
}

function refusalError(refusal: Refusal): Error {
  return refusal.kind === 'conflict'
    ? new ConflictError(refusal.message)
    : new ValidationError(`Coupon cannot be redeemed: ${refusal.message}`, [{ path: [refusal.field], message: refusal.message }]);
}
