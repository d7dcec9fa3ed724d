import { NotFoundError } from '../../kernel/errors.ts';
import type { Queryable } from '../../db/database.ts';
import type { Workspace } from '../workspaces/index.ts';
import { HEALTH_SIGNALS, type HealthSettings, type HealthSignal } from './settings.ts';

/**
 * B2B account health, 0–100: a weighted mean of signal scores in [0, 1], each from the account's
 * users (customers with its account_id), their events and the account's subscriptions. A signal
 * without data (no NPS answers, no renewal date) is left out and the others' weights are
 * rescaled, so a missing number never counts as good or bad. Each signal's points and the points it
 * lost are returned: they answer "why is this account red?".
 *
 *   usageRecency     1 − days since the last usage event / window (0 beyond the window)
 *   usageFrequency   days with usage in the window / (window / 2), capped at 1
 *   usageBreadth     distinct usage event names in the window / distinct names the whole workspace used
 *   seatUtilization  users with usage in the window / seats of live subscriptions, capped at 1
 *   supportTickets   1 − tickets in the window / 5, floored at 0
 *   nps              mean of the account users' latest NPS answers (last 365 days) / 10; absent without answers
 *   failedPayments   1 − failed payments in the window / 3, floored at 0
 *   renewal          days to the next renewal / 90, capped at 1 (little time left to fix problems)
 */
export interface SignalBreakdown {
  signal: HealthSignal;
  /** The measured input (days, count, ratio …), null when absent. */
  raw: number | null;
  /** Score in [0, 1], null when absent. */
  score: number | null;
  weight: number;
  /** Points this signal adds to the 0–100 health score, and the points it lost. */
  points: number;
  lostPoints: number;
}

export interface AccountHealth {
  accountId: string;
  externalId: string;
  name: string | null;
  score: number;
  status: 'green' | 'amber' | 'red';
  mrrMinor: number;
  seats: number;
  renewsAt: Date | null;
  /** MRR × (100 − score) / 100: what ordering the renewal risk list uses. */
  mrrAtRiskMinor: number;
  signals: SignalBreakdown[];
}

interface Row {
  id: string;
  external_id: string;
  name: string | null;
  last_usage: Date | null;
  usage_days: number;
  breadth: number;
  users: number;
  tickets: number;
  failed: number;
  seats: number;
  mrr: number;
  renews_at: Date | null;
  workspace_breadth: number;
  nps: number | null;
}

const DAY_MS = 86_400_000;
const DERIVED_EVENTS = ['Lifecycle Stage Changed', 'RFM Segment Changed'];

export async function accountHealth(
  q: Queryable,
  workspace: Workspace,
  settings: HealthSettings,
  options: { /** Our id or the external id. */ accountId?: string; now?: Date } = {},
): Promise<AccountHealth[]> {
  const now = options.now ?? new Date();
  const windowStart = new Date(now.getTime() - settings.usageWindowDays * DAY_MS);
  const usage = `CASE WHEN cardinality($5::text[]) > 0 THEN e.name = ANY($5::text[]) ELSE NOT (e.name = ANY($6::text[])) END`;
  const { rows } = await q.query<Row>(
    `WITH acc AS (SELECT id, external_id, name FROM accounts WHERE workspace_id = $1 AND ($2::text IS NULL OR id::text = $2 OR external_id = $2)),
     ev AS (
       SELECT c.account_id, e.customer_id, e.name, e.occurred_at, ${usage} AS is_usage
       FROM customers c JOIN events e ON e.workspace_id = c.workspace_id AND e.customer_id = c.id
       WHERE c.workspace_id = $1 AND c.account_id IN (SELECT id FROM acc) AND e.occurred_at < $3
         AND e.occurred_at >= $3::timestamptz - interval '365 days'),
     per AS (
       SELECT account_id, max(occurred_at) FILTER (WHERE is_usage) AS last_usage,
              count(DISTINCT (occurred_at AT TIME ZONE $9)::date) FILTER (WHERE is_usage AND occurred_at >= $4)::int AS usage_days,
              count(DISTINCT name) FILTER (WHERE is_usage AND occurred_at >= $4)::int AS breadth,
              count(DISTINCT customer_id) FILTER (WHERE is_usage AND occurred_at >= $4)::int AS users,
              count(*) FILTER (WHERE name = $7 AND occurred_at >= $4)::int AS tickets,
              count(*) FILTER (WHERE name = $8 AND occurred_at >= $4)::int AS failed
       FROM ev GROUP BY account_id),
     subs AS (
       SELECT account_id, sum(seats)::int AS seats, sum(mrr_minor)::float8 AS mrr, min(renews_at) FILTER (WHERE renews_at >= $3) AS renews_at
       FROM subscriptions WHERE workspace_id = $1 AND started_at < $3 AND (canceled_at IS NULL OR canceled_at >= $3) AND status <> 'canceled'
       GROUP BY account_id),
     nps AS (
       SELECT c.account_id, avg(x.score)::float8 AS nps FROM customers c
       CROSS JOIN LATERAL (SELECT r.score FROM nps_answers r WHERE r.workspace_id = c.workspace_id AND r.customer_id = c.id
                             AND r.score IS NOT NULL AND r.answered_at < $3 AND r.answered_at >= $3::timestamptz - interval '365 days'
                           ORDER BY r.answered_at DESC LIMIT 1) x
       WHERE c.workspace_id = $1 AND c.account_id IN (SELECT id FROM acc) GROUP BY c.account_id)
     SELECT acc.id, acc.external_id, acc.name, per.last_usage, coalesce(per.usage_days, 0) AS usage_days, coalesce(per.breadth, 0) AS breadth,
            coalesce(per.users, 0) AS users, coalesce(per.tickets, 0) AS tickets, coalesce(per.failed, 0) AS failed,
            coalesce(subs.seats, 0) AS seats, coalesce(subs.mrr, 0) AS mrr, subs.renews_at, nps.nps,
            (SELECT count(DISTINCT e.name)::int FROM events e WHERE e.workspace_id = $1 AND e.occurred_at >= $4 AND e.occurred_at < $3 AND ${usage}) AS workspace_breadth
     FROM acc LEFT JOIN per ON per.account_id = acc.id LEFT JOIN subs ON subs.account_id = acc.id LEFT JOIN nps ON nps.account_id = acc.id
     ORDER BY acc.id`,
    [
      workspace.id,
      options.accountId ?? null,
      now,
      windowStart,
      settings.usageEvents,
      [settings.supportTicketEvent, settings.failedPaymentEvent, ...DERIVED_EVENTS],
      settings.supportTicketEvent,
      settings.failedPaymentEvent,
      workspace.timeZone,
    ],
  );
  if (options.accountId && rows.length === 0) throw new NotFoundError(`account ${options.accountId} not found`);
  return rows.map((r) => scoreAccount(r, settings, now));
}

function scoreAccount(r: Row, settings: HealthSettings, now: Date): AccountHealth {
  const window = settings.usageWindowDays;
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const daysSinceUsage = r.last_usage ? (now.getTime() - r.last_usage.getTime()) / DAY_MS : null;
  const daysToRenewal = r.renews_at ? (r.renews_at.getTime() - now.getTime()) / DAY_MS : null;
  const measured: Record<HealthSignal, { raw: number | null; score: number | null }> = {
    usageRecency: { raw: daysSinceUsage, score: daysSinceUsage === null ? 0 : clamp(1 - daysSinceUsage / window) },
    usageFrequency: { raw: r.usage_days, score: clamp(r.usage_days / (window / 2)) },
    usageBreadth: { raw: r.breadth, score: r.workspace_breadth > 0 ? clamp(r.breadth / r.workspace_breadth) : null },
    seatUtilization: { raw: r.seats > 0 ? r.users / r.seats : null, score: r.seats > 0 ? clamp(r.users / r.seats) : null },
    supportTickets: { raw: r.tickets, score: clamp(1 - r.tickets / 5) },
    // Without answers NPS is absent, never invented.
    nps: { raw: r.nps, score: r.nps === null ? null : clamp(r.nps / 10) },
    failedPayments: { raw: r.failed, score: clamp(1 - r.failed / 3) },
    renewal: { raw: daysToRenewal, score: daysToRenewal === null ? null : clamp(daysToRenewal / 90) },
  };
  let totalWeight = 0;
  for (const s of HEALTH_SIGNALS) if (measured[s].score !== null) totalWeight += settings.weights[s];
  const signals = HEALTH_SIGNALS.map((signal): SignalBreakdown => {
    const { raw, score } = measured[signal];
    const weight = settings.weights[signal];
    const share = score === null || totalWeight === 0 ? 0 : (100 * weight) / totalWeight;
    return { signal, raw, score, weight, points: share * (score ?? 0), lostPoints: share * (1 - (score ?? 1)) };
  });
  const score = Math.round(signals.reduce((s, x) => s + x.points, 0) * 10) / 10;
  return {
    accountId: r.id,
    externalId: r.external_id,
    name: r.name,
    score,
    status: score < settings.redBelow ? 'red' : score < settings.amberBelow ? 'amber' : 'green',
    mrrMinor: r.mrr,
    seats: r.seats,
    renewsAt: r.renews_at,
    mrrAtRiskMinor: Math.round((r.mrr * (100 - score)) / 100),
    signals,
  };
}

/** Accounts that pay and are not green, the most MRR at risk first. */
export function renewalRisk(all: AccountHealth[]): AccountHealth[] {
  return all.filter((a) => a.mrrMinor > 0 && a.status !== 'green').sort((a, b) => b.mrrAtRiskMinor - a.mrrAtRiskMinor);
}
