import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { MessageClass, Template } from './types.ts';

/**
 * One templated message to one customer (a journey's send step). It is queued as a delivery like a
 * campaign's, so the workers put it through the delivery gate and the same dispatch code; there is
 * no other path to a provider. The sender's campaign row (one per `source.key`) carries the template.
 */
export interface DirectMessage {
  customerId: string;
  template: Template;
  class: MessageClass;
  /** Unique per message: a second call with the same key enqueues nothing (a retried step sends once). */
  idempotencyKey: string;
  /** The sender, e.g. a journey version's step: the key names its campaign row, the name is shown in message history. */
  source: { key: string; name: string };
  vars?: Record<string, unknown>;
}

/** A stable uuid from a string: the same source always gets the same campaign row. */
export function uuidFrom(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Queues the messages (inside the caller's transaction when `q` is one) in two statements; returns
 * how many were new. Like `enqueue` in queue.ts, but each row has its own campaign and step, so a
 * batch of journey steps is one round trip.
 */
export async function enqueueDirect(q: Queryable, workspaceId: string, messages: DirectMessage[], now: Date): Promise<number> {
  if (messages.length === 0) return 0;
  const sources = new Map(messages.map((m) => [m.source.key, m]));
  // enqueued_at is set: the launch-resume path of `drain` must never treat these rows as campaigns to expand.
  await q.query(
    `INSERT INTO campaigns (workspace_id, id, name, channel, class, segment_id, template, status, started_at, enqueued_at, source)
     SELECT $1, x.id, x.name, x.channel, x.class, NULL, x.template, 'sending', $3, $3, 'journey'
     FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, name text, channel text, class text, template jsonb)
     ON CONFLICT (workspace_id, id) DO NOTHING`,
    [
      workspaceId,
      JSON.stringify([...sources.values()].map((m) => ({ id: campaignIdOf(workspaceId, m), name: m.source.name, channel: m.template.channel, class: m.class, template: m.template }))),
      now,
    ],
  );
  const { rows } = await q.query<{ n: number }>(
    `WITH input AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, campaign_id uuid, step text, customer_id uuid, channel text, class text, vars jsonb)),
     ins AS (
       INSERT INTO deliveries (workspace_id, id, campaign_id, step, customer_id, channel, class, arm, state, due_at, vars)
       SELECT $1, id, campaign_id, step, customer_id, channel, class, 'treatment', 'queued', $3, vars FROM input
       ON CONFLICT (workspace_id, campaign_id, step, customer_id) DO NOTHING
       RETURNING id, customer_id),
     logged AS (INSERT INTO delivery_log (workspace_id, delivery_id, customer_id, kind) SELECT $1, id, customer_id, 'queued' FROM ins)
     SELECT count(*)::int AS n FROM ins`,
    [
      workspaceId,
      JSON.stringify(
        messages.map((m) => ({
          id: newId(),
          campaign_id: campaignIdOf(workspaceId, m),
          step: m.idempotencyKey,
          customer_id: m.customerId,
          channel: m.template.channel,
          class: m.class,
          vars: m.vars ?? {},
        })),
      ),
      now,
    ],
  );
  return rows[0]!.n;
}

function campaignIdOf(workspaceId: string, m: DirectMessage): string {
  return directCampaignId(workspaceId, m.source.key);
}

/** The campaign row of a sender's messages (one per `source.key`), for its reports. */
export function directCampaignId(workspaceId: string, sourceKey: string): string {
  return uuidFrom(`direct:${workspaceId}:${sourceKey}`);
}
