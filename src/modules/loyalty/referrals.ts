import { ConflictError, NotFoundError } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { mapRow } from '../../kernel/rowMapper.ts';
import { newId } from '../../db/ids.ts';
import type { CouponService } from '../coupons/index.ts';
import type { EventService } from '../events/index.ts';
import type { ProgrammeContext } from './earning.ts';
import { lotDates } from './earning.ts';
import { credit, reverseEarning } from './ledger.ts';
import { ensureMembers } from './members.ts';
import type { LoyaltySettings, ReferralReward } from './settings.ts';

export type ReferralStatus = 'pending' | 'completed' | 'rejected' | 'reversed';

export interface Referral {
  id: string;
  referrerId: string;
  refereeId: string;
  status: ReferralStatus;
  rejectReason: string | null;
  firstOrderId: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

/** A loyalty_referrals row (the columns read here). */
interface ReferralRow {
  id: string;
  referrer_id: string;
  referee_id: string;
  status: ReferralStatus;
  reject_reason: string | null;
  first_order_id: string | null;
  created_at: Date;
  completed_at: Date | null;
}

const toReferral = mapRow<ReferralRow>()(
  (r): Referral => ({
    id: r.id,
    referrerId: r.referrer_id,
    refereeId: r.referee_id,
    status: r.status,
    rejectReason: r.reject_reason,
    firstOrderId: r.first_order_id,
    createdAt: r.created_at,
    completedAt: r.completed_at,
  }),
);

interface Person {
  id: string;
  email: string | null;
  phone: string | null;
  postal_code: string | null;
  address_line1: string | null;
}

/**
 * Why a referral is not allowed, or null. Self-referral is the same customer, or one sharing an
 * email, phone, postal address, or (when the storefront sends one) a payment-card fingerprint
 * seen on the referrer's orders; a referee who already bought is not new; a referrer past the cap
 * earns no more.
 */
export function fraudReason(
  referrer: Person,
  referee: Person,
  facts: { refereeOrders: number; referrerFingerprints: string[]; paymentFingerprint: string | null; referrerRewards: number; cap: number | null },
): string | null {
  const same = (a: string | null, b: string | null) => a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();
  if (referrer.id === referee.id) return 'self_referral';
  if (same(referrer.email, referee.email)) return 'same_email';
  if (same(referrer.phone, referee.phone)) return 'same_phone';
  if (same(referrer.postal_code, referee.postal_code) && same(referrer.address_line1, referee.address_line1)) return 'same_address';
  if (facts.paymentFingerprint !== null && facts.referrerFingerprints.includes(facts.paymentFingerprint)) return 'same_payment';
  if (facts.refereeOrders > 0) return 'existing_customer';
  if (facts.cap !== null && facts.referrerRewards >= facts.cap) return 'referrer_cap';
  return null;
}

export interface ReferralDeps {
  coupons: Pick<CouponService, 'issueIn'>;
  events: Pick<EventService, 'insertForCustomers'>;
}

/**
 * Records that `refereeId` came through `code`. A customer is referred at most once (unique row);
 * a referral failing the fraud checks is kept as 'rejected' with its reason, and earns nothing.
 * The referee's welcome reward is given at once.
 */
export async function attachReferral(
  db: Db,
  deps: ReferralDeps,
  p: ProgrammeContext,
  input: { refereeId: string; code: string; paymentFingerprint: string | null },
  now: Date,
): Promise<Referral> {
  const ws = p.workspaceId;
  const { rows: owner } = await db.query<{ customer_id: string }>('SELECT customer_id FROM loyalty_members WHERE workspace_id = $1 AND referral_code = $2', [
    ws,
    input.code.trim().toUpperCase(),
  ]);
  if (!owner[0]) throw new NotFoundError(`referral code ${input.code} not found`);
  const referrerId = owner[0].customer_id;
  const { rows: people } = await db.query<Person>(
    'SELECT id, email, phone, postal_code, address_line1 FROM customers WHERE workspace_id = $1 AND id = ANY($2::uuid[])',
    [ws, [referrerId, input.refereeId]],
  );
  const referrer = people.find((x) => x.id === referrerId)!;
  const referee = people.find((x) => x.id === input.refereeId);
  if (!referee) throw new NotFoundError(`customer ${input.refereeId} not found`);
  // Not paying_orders: any completed order, even one refunded in full, means the referee already bought.
  const { rows: facts } = await db.query<{ referee_orders: number; fingerprints: string[]; rewards: number }>(
    `SELECT (SELECT count(*) FROM orders WHERE workspace_id = $1 AND customer_id = $3 AND status = 'completed')::int AS referee_orders,
            (SELECT coalesce(array_agg(DISTINCT attributes->>'paymentFingerprint') FILTER (WHERE attributes ? 'paymentFingerprint'), '{}')
               FROM orders WHERE workspace_id = $1 AND customer_id = $2) AS fingerprints,
            (SELECT count(*) FROM loyalty_referrals WHERE workspace_id = $1 AND referrer_id = $2 AND status IN ('pending', 'completed'))::int AS rewards`,
    [ws, referrerId, input.refereeId],
  );
  const f = facts[0]!;
  const reason = fraudReason(referrer, referee, {
    refereeOrders: f.referee_orders,
    referrerFingerprints: f.fingerprints,
    paymentFingerprint: input.paymentFingerprint,
    referrerRewards: f.rewards,
    cap: p.settings.referral.maxRewardsPerReferrer,
  });
  const referral = await db.tx(async (tx) => {
    // The referrer's member row is locked, so concurrent referrals cannot slip past the cap together.
    await tx.query('SELECT 1 FROM loyalty_members WHERE workspace_id = $1 AND customer_id = $2 FOR UPDATE', [ws, referrerId]);
    const { rows } = await tx.query<ReferralRow>(
      `INSERT INTO loyalty_referrals (workspace_id, id, referrer_id, referee_id, status, reject_reason, created_at)
       SELECT $1, $2, $3, $4, $5, $6, $7
       WHERE $5::text = 'rejected' OR $8::int IS NULL
          OR (SELECT count(*) FROM loyalty_referrals WHERE workspace_id = $1 AND referrer_id = $3 AND status IN ('pending', 'completed')) < $8
       ON CONFLICT (workspace_id, referee_id) DO NOTHING RETURNING *`,
      [ws, newId(), referrerId, input.refereeId, reason ? 'rejected' : 'pending', reason, now, p.settings.referral.maxRewardsPerReferrer],
    );
    if (!rows[0]) {
      const { rows: existing } = await tx.query('SELECT 1 FROM loyalty_referrals WHERE workspace_id = $1 AND referee_id = $2', [ws, input.refereeId]);
      throw new ConflictError(existing[0] ? 'This customer was already referred' : 'The referrer has reached the referral cap');
    }
    const r = toReferral(rows[0]);
    if (r.status === 'pending') {
      await rewardPoints(tx, p, input.refereeId, 'referral_welcome', r.id, p.settings.referral.refereeReward, now);
      await rewardCoupon(tx, deps, ws, input.refereeId, p.settings.referral.refereeReward);
    }
    return r;
  });
  return referral;
}

async function rewardPoints(q: Queryable, p: ProgrammeContext, customerId: string, sourceType: string, sourceId: string, reward: ReferralReward, now: Date): Promise<void> {
  if (reward.points <= 0) return;
  await ensureMembers(q, p.workspaceId, [customerId]);
  await credit(q, p.workspaceId, [{ customerId, kind: 'earn', points: reward.points, sourceType, sourceId, reason: 'referral reward', ...lotDates(p.settings, now, false) }], now);
}

/** Inside the referral's transaction: the referral is recorded with its coupon or not at all. */
async function rewardCoupon(tx: Queryable, deps: ReferralDeps, workspaceId: string, customerId: string, reward: ReferralReward): Promise<void> {
  if (reward.couponCampaignId === null) return;
  await deps.coupons.issueIn(tx, workspaceId, reward.couponCampaignId, { customers: [customerId] });
}

/**
 * Completes pending referrals whose referee's first order (completed, not fully refunded) has
 * passed the return window: the referrer gets the reward and a "Referral Completed" event.
 */
export async function completeReferrals(db: Db, deps: ReferralDeps, p: ProgrammeContext, now: Date): Promise<Referral[]> {
  const ws = p.workspaceId;
  const windowStart = new Date(now.getTime() - p.settings.pendingDays * 86_400_000);
  const { rows: due } = await db.query<{ id: string; order_id: string }>(
    `SELECT r.id, o.id AS order_id FROM loyalty_referrals r
     JOIN LATERAL (SELECT id, ordered_at FROM paying_orders WHERE workspace_id = $1 AND customer_id = r.referee_id
                   ORDER BY ordered_at, id LIMIT 1) o ON true
     WHERE r.workspace_id = $1 AND r.status = 'pending' AND o.ordered_at <= $2
     ORDER BY r.referrer_id, r.id`,
    [ws, windowStart],
  );
  const done: Referral[] = [];
  for (const d of due) {
    const referral = await db.tx(async (tx) => {
      const { rows } = await tx.query<ReferralRow>(
        `UPDATE loyalty_referrals SET status = 'completed', first_order_id = $3, completed_at = $4 WHERE workspace_id = $1 AND id = $2 AND status = 'pending' RETURNING *`,
        [ws, d.id, d.order_id, now],
      );
      if (!rows[0]) return null;
      const r = toReferral(rows[0]);
      await rewardPoints(tx, p, r.referrerId, 'referral', r.id, p.settings.referral.referrerReward, now);
      await rewardCoupon(tx, deps, ws, r.referrerId, p.settings.referral.referrerReward);
      await deps.events.insertForCustomers(
        ws,
        [{ customerId: r.referrerId, messageId: `loyalty:referral-completed:${r.id}`, name: 'Referral Completed', properties: { referralId: r.id, refereeId: r.refereeId, points: p.settings.referral.referrerReward.points }, occurredAt: now }],
        tx,
      );
      return r;
    });
    if (referral) done.push(referral);
  }
  return done;
}

/** Takes back the referrer's points when the referee's qualifying order is later cancelled or fully refunded. */
export async function reverseReferrals(db: Db, p: ProgrammeContext, now: Date): Promise<Referral[]> {
  const ws = p.workspaceId;
  // The order's own state (the inverse of paying_orders, for one known order): a reach-in listed in docs/architecture.md.
  const { rows } = await db.query<{ id: string }>(
    `SELECT r.id FROM loyalty_referrals r JOIN orders o ON o.workspace_id = $1 AND o.id = r.first_order_id
     WHERE r.workspace_id = $1 AND r.status = 'completed' AND (o.status = 'cancelled' OR o.refunded_minor >= o.total_minor)`,
    [ws],
  );
  const reversed: Referral[] = [];
  for (const { id } of rows) {
    const r = await db.tx(async (tx) => {
      const { rows: updated } = await tx.query<ReferralRow>(`UPDATE loyalty_referrals SET status = 'reversed' WHERE workspace_id = $1 AND id = $2 AND status = 'completed' RETURNING *`, [ws, id]);
      if (!updated[0]) return null;
      const referral = toReferral(updated[0]);
      await reverseEarning(
        tx,
        ws,
        { customerId: referral.referrerId, earnedSourceType: 'referral', earnedSourceId: referral.id, points: p.settings.referral.referrerReward.points, sourceType: 'referral', sourceId: referral.id, reason: 'referral order refunded' },
        now,
      );
      return referral;
    });
    if (r) reversed.push(r);
  }
  return reversed;
}

export interface ReferralStats {
  referrers: number;
  referred: number;
  completed: number;
  rejected: Record<string, number>;
  reversed: number;
  /** completed / referred (rejected ones included in the denominator). */
  conversion: number;
  /** New customers brought per member: completed referrals / members (customers with a referral code). */
  kFactor: number;
  /** Net revenue of referred customers' orders (after refunds; cancelled count 0), workspace currency. */
  revenueMinor: number;
}

export async function referralStats(q: Queryable, p: ProgrammeContext): Promise<ReferralStats> {
  const ws = p.workspaceId;
  const { rows } = await q.query<{ referrers: number; referred: number; completed: number; reversed: number; members: number; revenue: number }>(
    `SELECT count(DISTINCT referrer_id)::int AS referrers, count(*)::int AS referred,
            (count(*) FILTER (WHERE status = 'completed'))::int AS completed, (count(*) FILTER (WHERE status = 'reversed'))::int AS reversed,
            (SELECT count(*) FROM loyalty_members WHERE workspace_id = $1)::int AS members,
            (SELECT coalesce(sum(o.net_minor), 0) FROM paying_orders o
               WHERE o.workspace_id = $1 AND o.currency = $2
                 AND o.customer_id IN (SELECT referee_id FROM loyalty_referrals WHERE workspace_id = $1 AND status <> 'rejected'))::bigint AS revenue
     FROM loyalty_referrals WHERE workspace_id = $1`,
    [ws, p.currency],
  );
  const { rows: rejected } = await q.query<{ reason: string; n: number }>(
    `SELECT reject_reason AS reason, count(*)::int AS n FROM loyalty_referrals WHERE workspace_id = $1 AND status = 'rejected' GROUP BY reject_reason ORDER BY reject_reason`,
    [ws],
  );
  const s = rows[0]!;
  return {
    referrers: s.referrers,
    referred: s.referred,
    completed: s.completed,
    rejected: Object.fromEntries(rejected.map((r) => [r.reason, r.n])),
    reversed: s.reversed,
    conversion: s.referred === 0 ? 0 : s.completed / s.referred,
    kFactor: s.members === 0 ? 0 : s.completed / s.members,
    revenueMinor: s.revenue,
  };
}

/** The shop's sign-up link carrying a member's code (`?ref=`), when the programme has a link base. */
export function referralLink(settings: LoyaltySettings, code: string): string | null {
  const base = settings.referral.linkBase;
  if (base === null) return null;
  const url = new URL(base);
  url.searchParams.set('ref', code);
  return url.toString();
}
