import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { mapRow } from '../../kernel/rowMapper.ts';
import { newId } from '../../db/ids.ts';
import { instant } from '../../lib/instant.ts';
import type { CouponService } from '../coupons/index.ts';
import { debit } from './ledger.ts';
import type { LoyaltySettings } from './settings.ts';

export const REWARD_KINDS = ['coupon', 'gift', 'event'] as const;

export const rewardInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    kind: z.enum(REWARD_KINDS).describe('coupon: a code of couponCampaignId; gift: a physical gift; event: a seat at an exclusive event'),
    costPoints: z.number().int().nonnegative(),
    couponCampaignId: z.uuid().nullable().default(null),
    stock: z.number().int().nonnegative().nullable().default(null).describe('null: unlimited'),
    minTier: z.string().trim().min(1).max(50).nullable().default(null).describe('members of this tier or above only'),
    eventAt: instant().nullable().default(null),
    active: z.boolean().default(true),
  })
  .refine((r) => (r.kind === 'coupon') === (r.couponCampaignId !== null), { message: 'a coupon reward needs couponCampaignId, other kinds none', path: ['couponCampaignId'] });
export type RewardInput = z.infer<typeof rewardInput>;

export const rewardPatch = z.object({ active: z.boolean().optional(), stock: z.number().int().nonnegative().nullable().optional(), costPoints: z.number().int().nonnegative().optional() });
export type RewardPatch = z.infer<typeof rewardPatch>;

export interface Reward {
  id: string;
  name: string;
  kind: (typeof REWARD_KINDS)[number];
  costPoints: number;
  couponCampaignId: string | null;
  stock: number | null;
  minTier: string | null;
  eventAt: Date | null;
  active: boolean;
  createdAt: Date;
}

export interface Claim {
  id: string;
  customerId: string;
  rewardId: string;
  points: number;
  status: 'claimed' | 'failed';
  couponCode: string | null;
  createdAt: Date;
  replayed: boolean;
}

/** A loyalty_rewards row (the columns read here). */
export interface RewardRow {
  id: string;
  name: string;
  kind: Reward['kind'];
  cost_points: number;
  coupon_campaign_id: string | null;
  stock: number | null;
  min_tier: string | null;
  event_at: Date | null;
  active: boolean;
  created_at: Date;
}

export const toReward = mapRow<RewardRow>()(
  (r): Reward => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    costPoints: r.cost_points,
    couponCampaignId: r.coupon_campaign_id,
    stock: r.stock,
    minTier: r.min_tier,
    eventAt: r.event_at,
    active: r.active,
    createdAt: r.created_at,
  }),
);

/** A loyalty_reward_claims row (the columns read here). */
interface ClaimRow {
  id: string;
  customer_id: string;
  reward_id: string;
  points: number;
  status: Claim['status'];
  coupon_code: string | null;
  created_at: Date;
}

const toClaim = mapRow<ClaimRow>()(
  (r, replayed: boolean): Claim => ({
    id: r.id,
    customerId: r.customer_id,
    rewardId: r.reward_id,
    points: r.points,
    status: r.status,
    couponCode: r.coupon_code,
    createdAt: r.created_at,
    replayed,
  }),
);

export async function getReward(q: Queryable, workspaceId: string, id: string): Promise<Reward> {
  const { rows } = await q.query<RewardRow>('SELECT * FROM loyalty_rewards WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
  if (!rows[0]) throw new NotFoundError(`reward ${id} not found`);
  return toReward(rows[0]);
}

/** A tier's rank (-1 below the lowest): rewards for a tier are open to the tiers above it too. */
export const tierRank = (settings: LoyaltySettings, tier: string | null): number => (tier === null ? -1 : settings.tiers.findIndex((t) => t.name === tier));

export interface ClaimRequest {
  customerId: string;
  rewardId: string;
  idempotencyKey: string;
  /** Surprise and delight: granted, not bought. */
  free: boolean;
}

/**
 * Claims a reward in one transaction: the stock (when limited) is lowered by a conditional UPDATE,
 * the points are debited and a coupon reward's code is issued by the coupon module inside the same
 * transaction, so concurrent claims can oversell neither stock nor points, and a failure leaves
 * neither points spent without a coupon nor a coupon without its points. A repeated idempotency
 * key returns the first claim.
 */
export async function claimReward(
  db: Db,
  coupons: Pick<CouponService, 'issueIn'>,
  workspaceId: string,
  settings: LoyaltySettings,
  req: ClaimRequest,
  now: Date,
): Promise<Claim> {
  const previousClaim = async (q: Queryable) => {
    const { rows } = await q.query<ClaimRow>('SELECT * FROM loyalty_reward_claims WHERE workspace_id = $1 AND idempotency_key = $2', [workspaceId, req.idempotencyKey]);
    return rows[0] ? toClaim(rows[0], true) : null;
  };
  return db.tx(async (tx) => {
    const previous = await previousClaim(tx);
    if (previous) return previous;
    const reward = await getReward(tx, workspaceId, req.rewardId);
    if (!reward.active) throw new ConflictError(`reward ${reward.name} is not available`);
    if (reward.minTier !== null) {
      const { rows } = await tx.query<{ tier: string | null }>('SELECT tier FROM loyalty_members WHERE workspace_id = $1 AND customer_id = $2', [workspaceId, req.customerId]);
      if (tierRank(settings, rows[0]?.tier ?? null) < tierRank(settings, reward.minTier)) throw new ConflictError(`reward ${reward.name} is for ${reward.minTier} members and above`);
    }
    if (reward.stock !== null) {
      const { rowCount } = await tx.query('UPDATE loyalty_rewards SET stock = stock - 1 WHERE workspace_id = $1 AND id = $2 AND stock > 0', [workspaceId, reward.id]);
      if (rowCount !== 1) throw new ConflictError(`reward ${reward.name} is out of stock`);
    }
    const points = req.free ? 0 : reward.costPoints;
    // The claim first: a concurrent claim with the same key waits here on the unique key, then fails
    // and returns this one (below), instead of racing for the points.
    const { rows } = await tx.query<ClaimRow>(
      `INSERT INTO loyalty_reward_claims (workspace_id, customer_id, id, reward_id, points, idempotency_key, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'claimed', $7) RETURNING *`,
      [workspaceId, req.customerId, newId(), reward.id, points, req.idempotencyKey, now],
    );
    const claim = toClaim(rows[0]!, false);
    if (points > 0) await debit(tx, workspaceId, { customerId: req.customerId, kind: 'redeem', points, sourceType: 'reward_claim', sourceId: claim.id, reason: reward.name }, now);
    if (reward.couponCampaignId === null) return claim;
    // One unassigned code per claim: the coupon module gives each customer one assigned code per
    // campaign, and a member may claim the same reward many times. The code is recorded on the claim.
    const code = (await coupons.issueIn(tx, workspaceId, reward.couponCampaignId, { count: 1 })).codes[0]!.code;
    await tx.query('UPDATE loyalty_reward_claims SET coupon_code = $3 WHERE workspace_id = $1 AND id = $2', [workspaceId, claim.id, code]);
    return { ...claim, couponCode: code };
  }).catch(async (err: unknown) => {
    // The same key claimed concurrently: ours rolled back whole (points, stock, coupon); return theirs.
    if ((err as { constraint?: string }).constraint === 'loyalty_reward_claims_workspace_id_idempotency_key_key') {
      const previous = await previousClaim(db);
      if (previous) return previous;
    }
    throw err;
  });
}

export const surpriseRuleInput = z.object({
  name: z.string().trim().min(1).max(200),
  rewardId: z.uuid(),
  segmentId: z.uuid().describe("the segment's current members get the reward (e.g. a segment of the top customers by predicted CLV)"),
  period: z.enum(['month', 'quarter', 'year']).describe('each member gets the reward at most once per period'),
  active: z.boolean().default(true),
});
export type SurpriseRuleInput = z.infer<typeof surpriseRuleInput>;

export interface SurpriseRule extends SurpriseRuleInput {
  id: string;
  createdAt: Date;
}

/** A loyalty_surprise_rules row (the columns read here). */
export interface SurpriseRuleRow {
  id: string;
  name: string;
  reward_id: string;
  segment_id: string;
  period: SurpriseRule['period'];
  active: boolean;
  created_at: Date;
}

export const toSurpriseRule = mapRow<SurpriseRuleRow>()(
  (r): SurpriseRule => ({
    id: r.id,
    name: r.name,
    rewardId: r.reward_id,
    segmentId: r.segment_id,
    period: r.period,
    active: r.active,
    createdAt: r.created_at,
  }),
);

/** The period a date falls in, in the workspace's time zone: '2026-11', '2026-Q4', '2026'. */
export function periodKey(period: SurpriseRule['period'], at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(at);
  const year = parts.find((p) => p.type === 'year')!.value;
  const month = Number(parts.find((p) => p.type === 'month')!.value);
  if (period === 'year') return year;
  if (period === 'quarter') return `${year}-Q${Math.ceil(month / 3)}`;
  return `${year}-${String(month).padStart(2, '0')}`;
}
