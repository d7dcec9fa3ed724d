import type { Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import { wakeWorkers } from '../jobs/wake.ts';
import type { Arm, Channel, DeliveryState, MessageClass } from './types.ts';

/**
 * The deliveries table as a durable queue. Rows are enqueued once per (campaign, step, customer)
 * (the unique key makes a second enqueue a no-op), claimed ('claimed') with FOR UPDATE SKIP LOCKED
 * under a lease, committed 'sending' just before their provider call (`markSending`), and settled
 * with a guard on the attempt number so a worker that lost its lease cannot overwrite a newer
 * outcome. The lease is short and renewed while the worker sends (`extendLeases`). When a killed
 * worker's lease runs out, its 'claimed' rows (never handed to a provider) are claimed again; its
 * 'sending' rows may have reached the recipient, so they are settled 'uncertain' (at most once,
 * the default) or claimed again (`policy.deliveryGuarantee: at_least_once`).
 */
export const LEASE_MS = 6_000;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 3_600_000;

export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), MAX_RETRY_MS);
}

export interface NewDelivery {
  customerId: string;
  arm: Arm;
  vars: Record<string, unknown>;
  /** An A/B test's variant (test group), or none yet (rest group: enqueued 'waiting'). */
  variant?: string | null;
  abGroup?: 'test' | 'rest';
  /** When this one is due, if not the campaign's time (a variant's send time, the customer's usual hour). */
  dueAt?: Date;
}

/** Inserts the campaign's deliveries (held-out ones already settled) and logs the first decision. */
export async function enqueue(
  q: Queryable,
  workspaceId: string,
  campaign: { id: string; channel: Channel; class: MessageClass; step: string; dueAt: Date },
  rows: NewDelivery[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const { rows: inserted } = await q.query<{ n: number }>(
    `WITH input AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(id uuid, customer_id uuid, arm text, vars jsonb, variant text, ab_group text, due_at timestamptz)),
     ins AS (
       INSERT INTO deliveries (workspace_id, id, campaign_id, step, customer_id, channel, class, arm, state, reason, due_at, vars, variant, ab_group)
       SELECT $1, id, $2, $4, customer_id, $5, $6, arm,
         CASE WHEN arm <> 'treatment' THEN 'held_out' WHEN ab_group = 'rest' THEN 'waiting' ELSE 'queued' END,
         CASE WHEN arm <> 'treatment' THEN arm WHEN ab_group = 'rest' THEN 'waiting_for_winner' END, coalesce(due_at, $7), vars, variant, ab_group
       FROM input
       ON CONFLICT (workspace_id, campaign_id, step, customer_id) DO NOTHING
       RETURNING id, customer_id, state, reason),
     logged AS (INSERT INTO delivery_log (workspace_id, delivery_id, customer_id, kind, reason) SELECT $1, id, customer_id, state, reason FROM ins)
     SELECT count(*)::int AS n FROM ins`,
    [
      workspaceId,
      campaign.id,
      JSON.stringify(rows.map((r) => ({ id: newId(), customer_id: r.customerId, arm: r.arm, vars: r.vars, variant: r.variant ?? null, ab_group: r.abGroup ?? null, due_at: r.dueAt ?? null }))),
      campaign.step,
      campaign.channel,
      campaign.class,
      campaign.dueAt,
    ],
  );
  // The workers start on it now (at COMMIT when `q` is a transaction), not at their next tick.
  if (inserted[0]!.n > 0) await wakeWorkers(q, 'messaging');
  return inserted[0]!.n;
}

/**
 * The heartbeat of a drain: claimed rows still in its hands (same attempt, claimed or sending) stay
 * its until `leaseUntil`. Rows locked at that moment (being marked or settled by the same drain on
 * another connection) are skipped, not waited for: waiting, in another order than theirs, deadlocks;
 * the next beat, a third of a lease later, extends them.
 */
export async function extendLeases(q: Queryable, claimed: Claimed[], leaseUntil: Date): Promise<void> {
  if (claimed.length === 0) return;
  await q.query(
    `WITH mine AS (
       SELECT d.workspace_id, d.id FROM deliveries d
       JOIN unnest($1::uuid[], $2::uuid[], $3::int[]) AS c(workspace_id, id, attempts)
         ON d.workspace_id = c.workspace_id AND d.id = c.id AND d.attempts = c.attempts
       WHERE d.state IN ('claimed', 'sending')
       FOR UPDATE OF d SKIP LOCKED)
     UPDATE deliveries d SET lease_until = $4 FROM mine WHERE d.workspace_id = mine.workspace_id AND d.id = mine.id`,
    [claimed.map((c) => c.workspace_id), claimed.map((c) => c.id), claimed.map((c) => c.attempts), leaseUntil],
  );
}

export interface Claimed {
  workspace_id: string;
  id: string;
  campaign_id: string;
  customer_id: string;
  channel: Channel;
  class: MessageClass;
  attempts: number;
  vars: Record<string, unknown>;
  /** The A/B variant it sends (null without a test). */
  variant: string | null;
}

/** SQL: the delivery `d`'s workspace chose at least once (a 'sending' row whose lease ran out is sent again). */
const AT_LEAST_ONCE = `EXISTS (SELECT 1 FROM messaging_settings s WHERE s.workspace_id = d.workspace_id
  AND s.settings -> 'policy' ->> 'deliveryGuarantee' = 'at_least_once')`;

/**
 * Due rows, oldest first: queued, deferred and due, claimed with an expired lease (its gate
 * approval lapses; no provider saw it), and, in at-least-once workspaces only, sending with an
 * expired lease (sent again with the same idempotency key).
 */
export async function claim(q: Queryable, now: Date, limit: number, workspaceId: string | null, leaseMs = LEASE_MS): Promise<Claimed[]> {
  const { rows } = await q.query<Claimed>(
    `WITH due AS (
       SELECT workspace_id, id FROM deliveries d
       WHERE due_at <= $1
         AND (state IN ('queued', 'deferred') OR (state = 'claimed' AND lease_until < $1) OR (state = 'sending' AND lease_until < $1 AND ${AT_LEAST_ONCE}))
         AND ($3::uuid IS NULL OR workspace_id = $3)
       ORDER BY due_at LIMIT $2
       FOR UPDATE SKIP LOCKED)
     UPDATE deliveries d SET state = 'claimed', attempts = d.attempts + 1, lease_until = $4, sent_at = NULL
     FROM due WHERE d.workspace_id = due.workspace_id AND d.id = due.id
     RETURNING d.workspace_id, d.id, d.campaign_id, d.customer_id, d.channel, d.class, d.attempts, d.vars, d.variant`,
    [now, limit, workspaceId, new Date(now.getTime() + leaseMs)],
  );
  return rows;
}

/**
 * At most once: 'sending' rows whose lease ran out (their worker died between committing them
 * 'sending' and recording the provider's answer) are settled 'uncertain', logged, and never sent
 * again, except in workspaces that chose at least once. Returns the campaigns touched (they may be done).
 */
export async function settleUncertain(q: Queryable, now: Date, workspaceId: string | null): Promise<{ workspaceId: string; campaignId: string; count: number }[]> {
  const { rows } = await q.query<{ workspace_id: string; campaign_id: string; n: number }>(
    `WITH upd AS (
       UPDATE deliveries d SET state = 'uncertain', reason = 'lease_expired_while_sending', lease_until = NULL
       WHERE state = 'sending' AND lease_until < $1 AND due_at <= $1 AND ($2::uuid IS NULL OR workspace_id = $2) AND NOT ${AT_LEAST_ONCE}
       RETURNING d.workspace_id, d.id, d.customer_id, d.campaign_id),
     logged AS (
       INSERT INTO delivery_log (workspace_id, delivery_id, customer_id, at, kind, reason)
       SELECT workspace_id, id, customer_id, $1, 'uncertain', 'lease_expired_while_sending' FROM upd)
     SELECT workspace_id, campaign_id, count(*)::int AS n FROM upd GROUP BY workspace_id, campaign_id`,
    [now, workspaceId],
  );
  return rows.map((r) => ({ workspaceId: r.workspace_id, campaignId: r.campaign_id, count: r.n }));
}

/**
 * Commits claimed rows as 'sending' just before their provider calls; returns the ids still ours
 * (same attempt, still claimed). Only those may be handed to the provider: a row another worker
 * took over is left alone.
 */
export async function markSending(q: Queryable, workspaceId: string, rows: { id: string; attempts: number }[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const { rows: marked } = await q.query<{ id: string }>(
    `UPDATE deliveries d SET state = 'sending' FROM unnest($2::uuid[], $3::int[]) AS x(id, attempts)
     WHERE d.workspace_id = $1 AND d.id = x.id AND d.state = 'claimed' AND d.attempts = x.attempts
     RETURNING d.id`,
    [workspaceId, rows.map((r) => r.id), rows.map((r) => r.attempts)],
  );
  return new Set(marked.map((r) => r.id));
}

export interface Outcome {
  id: string;
  customerId: string;
  /** The attempt this worker claimed; the update is skipped if the row was claimed again since. */
  attempts: number;
  state: Exclude<DeliveryState, 'queued' | 'claimed' | 'sending' | 'uncertain' | 'held_out' | 'waiting'> | 'queued';
  reason: string | null;
  dueAt?: Date;
  providerId?: string;
}

/**
 * Settles claimed rows and logs each decision, in one statement. A row settled 'uncertain' in the
 * meantime (this worker outlived its lease) takes the outcome its worker learned after all.
 */
export async function settle(q: Queryable, workspaceId: string, outcomes: Outcome[], now: Date): Promise<number> {
  if (outcomes.length === 0) return 0;
  const { rows } = await q.query<{ n: number }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, customer_id uuid, attempts int, state text, reason text, due_at timestamptz, provider_id text)),
     upd AS (
       UPDATE deliveries d SET state = i.state, reason = i.reason, lease_until = NULL, due_at = coalesce(i.due_at, d.due_at),
         provider_id = coalesce(i.provider_id, d.provider_id), sent_at = CASE WHEN i.state = 'sent' THEN $3::timestamptz END
       FROM input i
       WHERE d.workspace_id = $1 AND d.id = i.id AND d.state IN ('claimed', 'sending', 'uncertain') AND d.attempts = i.attempts
       RETURNING d.id, d.customer_id, i.state, i.reason),
     logged AS (
       INSERT INTO delivery_log (workspace_id, delivery_id, customer_id, at, kind, reason)
       SELECT $1, id, customer_id, $3, CASE WHEN state = 'queued' THEN 'retry' ELSE state END, reason FROM upd)
     SELECT count(*)::int AS n FROM upd`,
    [
      workspaceId,
      JSON.stringify(
        outcomes.map((o) => ({ id: o.id, customer_id: o.customerId, attempts: o.attempts, state: o.state, reason: o.reason, due_at: o.dueAt ?? null, provider_id: o.providerId ?? null })),
      ),
      now,
    ],
  );
  return rows[0]!.n;
}

/**
 * Frequency caps under concurrency: the gate decides for a customer while holding that customer's
 * advisory lock (transaction-scoped, taken in key order so workers never deadlock), and stamps
 * the marketing sends it approves with sent_at while they are still 'claimed'. A second worker
 * deciding for the same customer waits for the lock, then counts those approved sends as well as
 * the sent ones (`capHistory`): two workers cannot both fill the last slot.
 */
export async function lockRecipients(q: Queryable, workspaceId: string, customerIds: string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await q.query(
    `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended($1 || ':' || c, 0) AS k FROM unnest($2::text[]) AS c ORDER BY k) keys`,
    [workspaceId, [...new Set(customerIds)]],
  );
}

/** Stamps the approved marketing sends (see lockRecipients); settle keeps the stamp only when the send succeeds. */
export async function approveSends(q: Queryable, workspaceId: string, rows: { id: string; attempts: number }[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `UPDATE deliveries d SET sent_at = $2 FROM unnest($3::uuid[], $4::int[]) AS x(id, attempts)
     WHERE d.workspace_id = $1 AND d.id = x.id AND d.state = 'claimed' AND d.attempts = x.attempts`,
    [workspaceId, now, rows.map((r) => r.id), rows.map((r) => r.attempts)],
  );
}

/**
 * The marketing sends that count against the customers' caps, in one snapshot: sent (or uncertain:
 * perhaps sent) since `since`, and approved by another worker that still holds them under a live lease. One query, so a send
 * that moves from approved to sent meanwhile is counted once, never missed.
 */
export async function capHistory(
  q: Queryable,
  workspaceId: string,
  customerIds: string[],
  excludeIds: string[],
  since: Date,
  now: Date,
): Promise<Map<string, { channel: Channel; at: Date }[]>> {
  const history = new Map<string, { channel: Channel; at: Date }[]>();
  if (customerIds.length === 0) return history;
  const { rows } = await q.query<{ customer_id: string; channel: Channel; sent_at: Date }>(
    `SELECT customer_id, channel, sent_at FROM deliveries
     WHERE workspace_id = $1 AND customer_id = ANY($2::uuid[]) AND class = 'marketing' AND sent_at > $4
       AND (state IN ('sent', 'uncertain') OR (state IN ('claimed', 'sending') AND lease_until > $5 AND NOT (id = ANY($3::uuid[]))))`,
    [workspaceId, [...new Set(customerIds)], excludeIds, since, now],
  );
  for (const r of rows) {
    const list = history.get(r.customer_id) ?? [];
    list.push({ channel: r.channel, at: r.sent_at });
    history.set(r.customer_id, list);
  }
  return history;
}

/** Campaigns whose every delivery is settled become `sent`. */
export async function finishCampaigns(q: Queryable, campaignKeys: { workspaceId: string; campaignId: string }[]): Promise<void> {
  if (campaignKeys.length === 0) return;
  await q.query(
    `UPDATE campaigns c SET status = 'sent', finished_at = now(), updated_at = now()
     FROM unnest($1::uuid[], $2::uuid[]) AS k(workspace_id, id)
     WHERE c.workspace_id = k.workspace_id AND c.id = k.id AND c.status = 'sending' AND c.enqueued_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.workspace_id = c.workspace_id AND d.campaign_id = c.id
                       AND d.state IN ('queued', 'claimed', 'sending', 'deferred', 'waiting'))`,
    [campaignKeys.map((k) => k.workspaceId), campaignKeys.map((k) => k.campaignId)],
  );
}
