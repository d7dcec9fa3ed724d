import type { Queryable } from '../../db/database.ts';
import type { ProgrammeContext } from './earning.ts';
import { referralStats, type ReferralStats } from './referrals.ts';
import { addMonths } from './tiers.ts';

export interface LoyaltyReport {
  currency: string;
  /** Available points outstanding, and what they would cost if all were redeemed (points × pointValueMinor). */
  outstandingPoints: number;
  liabilityMinor: number;
  /** Points still inside the return window (not yet a liability, but likely to become one). */
  pendingPoints: number;
  pendingLiabilityMinor: number;
  /** All-time totals by kind of entry; issued = earned + points added by hand. */
  earnedPoints: number;
  issuedPoints: number;
  redeemedPoints: number;
  expiredPoints: number;
  reversedPoints: number;
  adjustedPoints: number;
  /** expired / issued and redeemed / issued. */
  breakageRate: number;
  redemptionRate: number;
  members: number;
  membersByTier: { tier: string | null; members: number }[];
  /** The ten customers who earned most in the last 12 months. */
  topEarners: { customerId: string; externalId: string | null; points: number }[];
  referrals: ReferralStats;
}

/** Finance's view of the programme: liability, breakage, redemption rate, members by tier, top earners, referrals. */
export async function loyaltyReport(q: Queryable, p: ProgrammeContext, now: Date): Promise<LoyaltyReport> {
  const ws = p.workspaceId;
  const { rows: balances } = await q.query<{ balance: number; pending: number }>(
    'SELECT coalesce(sum(balance), 0)::bigint AS balance, coalesce(sum(pending), 0)::bigint AS pending FROM points_balances WHERE workspace_id = $1',
    [ws],
  );
  const { rows: kinds } = await q.query<{ kind: string; amount: number; credited: number }>(
    `SELECT kind, sum(points + pending)::bigint AS amount, coalesce(sum(points + pending) FILTER (WHERE points + pending > 0), 0)::bigint AS credited
     FROM points_ledger WHERE workspace_id = $1 GROUP BY kind`,
    [ws],
  );
  const byKind = (kind: string) => kinds.find((k) => k.kind === kind)?.amount ?? 0;
  // Debits are negative in the ledger and reported as positive amounts (0 - x, so that none shows as -0).
  const taken = (kind: string) => 0 - byKind(kind);
  // Points issued: earned (pending or not) and added by hand; the rates are shares of these.
  const issued = byKind('earn') + byKind('pending') + (kinds.find((k) => k.kind === 'adjust')?.credited ?? 0);
  const { rows: tiers } = await q.query<{ tier: string | null; members: number }>(
    'SELECT tier, count(*)::int AS members FROM loyalty_members WHERE workspace_id = $1 GROUP BY tier ORDER BY count(*) DESC',
    [ws],
  );
  const rank = new Map(p.settings.tiers.map((t, i) => [t.name, i]));
  tiers.sort((a, b) => (b.tier === null ? -1 : (rank.get(b.tier) ?? -1)) - (a.tier === null ? -1 : (rank.get(a.tier) ?? -1)));
  const { rows: top } = await q.query<{ customer_id: string; external_id: string | null; points: number }>(
    `SELECT l.customer_id, c.external_id, sum(l.points + l.pending)::bigint AS points FROM points_ledger l
     JOIN customers c ON c.workspace_id = $1 AND c.id = l.customer_id
     WHERE l.workspace_id = $1 AND l.kind IN ('earn', 'pending') AND l.created_at > $2
     GROUP BY l.customer_id, c.external_id ORDER BY points DESC, l.customer_id LIMIT 10`,
    [ws, addMonths(now, -12)],
  );
  const value = p.settings.pointValueMinor;
  const b = balances[0]!;
  return {
    currency: p.currency,
    outstandingPoints: b.balance,
    liabilityMinor: Math.round(b.balance * value),
    pendingPoints: b.pending,
    pendingLiabilityMinor: Math.round(b.pending * value),
    earnedPoints: byKind('earn') + byKind('pending'),
    issuedPoints: issued,
    redeemedPoints: taken('redeem'),
    expiredPoints: taken('expire'),
    reversedPoints: taken('reverse'),
    adjustedPoints: byKind('adjust'),
    breakageRate: issued === 0 ? 0 : taken('expire') / issued,
    redemptionRate: issued === 0 ? 0 : taken('redeem') / issued,
    members: tiers.reduce((s, t) => s + t.members, 0),
    membersByTier: tiers,
    topEarners: top.map((t) => ({ customerId: t.customer_id, externalId: t.external_id, points: t.points })),
    referrals: await referralStats(q, p),
  };
}
