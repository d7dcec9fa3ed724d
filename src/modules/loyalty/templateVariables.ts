import type { Queryable } from '../../db/database.ts';
import type { ProgrammeContext } from './earning.ts';
import { referralLink } from './referrals.ts';

/** What `{{ loyalty.* }}` holds for one customer (one who never earned has zeros and nulls). */
export interface LoyaltyVariables {
  points: number;
  pending_points: number;
  tier: string | null;
  referral_code: string | null;
  referral_link: string | null;
  /** Points in lots that lapse within the programme's "expiring soon" days. */
  expiring_points: number;
  /** The first of those lapses, as a date in the workspace's time zone (YYYY-MM-DD). */
  expiring_on: string | null;
}

const DAY = 86_400_000;

/**
 * `{{ loyalty.points }}`, `{{ loyalty.tier }}`, `{{ loyalty.expiring_points }}`… for a batch of
 * recipients in one query (what LoyaltyService.account shows one customer at a time). The expiry
 * is dated in the workspace's time zone: a Tokyo shop's customers read the Tokyo date.
 */
export async function loadTemplateVariables(q: Queryable, p: ProgrammeContext, customerIds: string[], now: Date): Promise<Map<string, LoyaltyVariables>> {
  const { rows } = await q.query<{
    customer_id: string;
    balance: string | null;
    pending: string | null;
    tier: string | null;
    referral_code: string | null;
    expiring_points: string | null;
    expiring_on: string | null;
  }>(
    `SELECT c.id AS customer_id, b.balance, b.pending, m.tier, m.referral_code, e.points AS expiring_points,
       to_char(e.first_lapse AT TIME ZONE $3, 'YYYY-MM-DD') AS expiring_on
     FROM unnest($2::uuid[]) AS c(id)
     LEFT JOIN points_balances b ON b.workspace_id = $1 AND b.customer_id = c.id
     LEFT JOIN loyalty_members m ON m.workspace_id = $1 AND m.customer_id = c.id
     LEFT JOIN LATERAL (
       SELECT sum(l.remaining) AS points, min(l.expires_at) AS first_lapse FROM points_lots l
       WHERE l.workspace_id = $1 AND l.customer_id = c.id AND l.status = 'available' AND l.remaining > 0
         AND l.expires_at > $4 AND l.expires_at <= $5
     ) e ON true`,
    [p.workspaceId, customerIds, p.timeZone, now, new Date(now.getTime() + p.settings.expiringSoonDays * DAY)],
  );
  return new Map(
    rows.map((r): [string, LoyaltyVariables] => [
      r.customer_id,
      {
        points: Number(r.balance ?? 0),
        pending_points: Number(r.pending ?? 0),
        tier: r.tier,
        referral_code: r.referral_code,
        referral_link: r.referral_code === null ? null : referralLink(p.settings, r.referral_code),
        expiring_points: Number(r.expiring_points ?? 0),
        expiring_on: r.expiring_on,
      },
    ]),
  );
}
