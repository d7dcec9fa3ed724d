import type { Db, Queryable } from '../../db/database.ts';
import { decideWinner } from '../../analytics/stats/abWinner.ts';
import { wakeWorkers } from '../jobs/wake.ts';
import { sendModeOf, type StoredDecision } from './abTest.ts';
import { outcomesFor, variantCounts } from './abReport.ts';
import { toCampaign } from './campaignRows.ts';
import type { Campaign } from './types.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import type { WorkspaceMessaging } from './dispatch.ts';
import { usualHourTimes } from './usualHourFacts.ts';

export interface DecisionDeps {
  /** The workspace's currency: revenue and conversions count paying orders in it only. */
  currency: string;
  /**
   * Each rest customer's due time when the chosen variant sends at the usual hour, read through the
   * decision's transaction `q` (a second pooled connection could wait for ever on a full pool).
   */
  usualHourTimes(q: Queryable, workspaceId: string, customerIds: string[], now: Date, windowHours: number): Promise<Map<string, { at: Date }>>;
}

/**
 * Campaigns whose A/B test is due for its decision at `now`, and whose test group has left: a test
 * delivery still queued (a usual-hour one not yet due, or a worker behind) would count as unsent and
 * bias the decision, so the test waits (its time is set after the last one at launch, abTest.ts; this
 * also holds tests launched before that rule).
 */
export async function dueDecisions(db: Db, now: Date, workspaceId: string | null): Promise<{ workspaceId: string; campaignId: string }[]> {
  const { rows } = await db.query<{ workspace_id: string; id: string }>(
    `SELECT workspace_id, id FROM campaigns c
     WHERE ab_decision IS NULL AND ab_decide_at <= $1 AND enqueued_at IS NOT NULL AND status IN ('sending', 'sent') AND ($2::uuid IS NULL OR workspace_id = $2)
       AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.workspace_id = c.workspace_id AND d.campaign_id = c.id AND d.ab_group = 'test' AND d.state IN ('queued', 'claimed', 'sending', 'deferred'))
     ORDER BY ab_decide_at`,
    [now, workspaceId],
  );
  return rows.map((r) => ({ workspaceId: r.workspace_id, campaignId: r.id }));
}

/**
 * Decides one campaign's test at `now` (winner rule: analytics/stats/abWinner.ts) and releases its
 * rest group with the winner, or the fallback when none won. One transaction, and the decision is
 * written only while none exists: a second run, or a second worker, changes nothing. The released
 * rows keep their delivery ids, the messages' idempotency keys, and go through the gate as any.
 */
export async function decideCampaign(db: Db, deps: DecisionDeps, workspaceId: string, campaignId: string, now: Date): Promise<StoredDecision | null> {
  return db.tx(async (tx) => {
    const { rows } = await tx.query('SELECT * FROM campaigns WHERE workspace_id = $1 AND id = $2 AND ab_decision IS NULL FOR UPDATE', [workspaceId, campaignId]);
    if (!rows[0]) return null;
    const campaign: Campaign = toCampaign(rows[0]);
    const t = campaign.abTest;
    if (!t) return null;
    const counts = await variantCounts(tx, workspaceId, campaignId, deps.currency, campaign.conversionWindowDays, now);
    const result = decideWinner(outcomesFor(t, counts, t.metric), { metric: t.metric, confidence: t.confidence, minPerVariant: t.minPerVariant });
    const sent = result.winner ?? t.fallback ?? t.variants[0]!.key;
    const decision: StoredDecision = { ...result, sent, decidedAt: now.toISOString() };
    await tx.query('UPDATE campaigns SET ab_decision = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2', [workspaceId, campaignId, JSON.stringify(decision)]);

    const { rows: waiting } = await tx.query<{ customer_id: string }>(
      "SELECT customer_id FROM deliveries WHERE workspace_id = $1 AND campaign_id = $2 AND state = 'waiting'",
      [workspaceId, campaignId],
    );
    const mode = sendModeOf(t.variants.find((v) => v.key === sent), campaign.sendTime);
    const fixedAt = mode.mode === 'fixed' && mode.at && mode.at > now ? mode.at : now;
    const usual = mode.mode === 'usual_hour' ? await deps.usualHourTimes(tx, workspaceId, waiting.map((w) => w.customer_id), now, mode.windowHours) : new Map<string, { at: Date }>();
    const reason = `${result.winner ? 'winner' : 'fallback'}:${sent}`;
    await tx.query(
      `WITH due AS (SELECT * FROM unnest($3::uuid[], $4::timestamptz[]) AS x(customer_id, due_at)),
       upd AS (
         UPDATE deliveries d SET state = 'queued', reason = NULL, variant = $5, due_at = coalesce(due.due_at, $6)
         FROM deliveries w LEFT JOIN due ON due.customer_id = w.customer_id
         WHERE w.workspace_id = $1 AND w.campaign_id = $2 AND w.state = 'waiting' AND d.workspace_id = w.workspace_id AND d.id = w.id
         RETURNING d.id, d.customer_id)
       INSERT INTO delivery_log (workspace_id, delivery_id, customer_id, at, kind, reason) SELECT $1, id, customer_id, $8, 'queued', $7 FROM upd`,
      [workspaceId, campaignId, [...usual.keys()], [...usual.values()].map((u) => u.at), sent, fixedAt, reason, now],
    );
    if (waiting.length > 0) await wakeWorkers(tx, 'messaging');
    return decision;
  });
}

/** What the decision job reads per workspace before each decision: quiet hours, currency and time zone. */
export interface DecisionJobDeps {
  workspaces: Pick<WorkspaceService, 'get'>;
  settingsOf(workspaceId: string): Promise<Pick<WorkspaceMessaging, 'settings'>>;
}

/**
 * The A/B decision job's pass: every test due at `now` (of one workspace, or of all when
 * `workspaceId` is null) is decided and its rest released with the winner. Safe to run again and
 * from several workers.
 */
export async function decideDue(db: Db, job: DecisionJobDeps, now: Date, workspaceId: string | null): Promise<{ campaignId: string; decision: StoredDecision }[]> {
  const decided: { campaignId: string; decision: StoredDecision }[] = [];
  for (const due of await dueDecisions(db, now, workspaceId)) {
    // Read before the decision's transaction, which then uses no other connection.
    const { settings } = await job.settingsOf(due.workspaceId);
    const { currency, timeZone } = await job.workspaces.get(due.workspaceId);
    const deps = {
      currency,
      usualHourTimes: (q: Queryable, ws: string, ids: string[], at: Date, windowHours: number) =>
        usualHourTimes(q, ws, ids, at, { windowHours, quietHours: settings.policy.quietHours, timeZone }),
    };
    const decision = await decideCampaign(db, deps, due.workspaceId, due.campaignId, now);
    if (decision) decided.push({ campaignId: due.campaignId, decision });
  }
  return decided;
}
