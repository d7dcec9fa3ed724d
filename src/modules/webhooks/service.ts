import { NotFoundError } from '../../kernel/errors.ts';
import { exportRows } from '../../kernel/exportRows.ts';
import { outboundRequest } from '../../kernel/outboundHttp.ts';
import { OutboundRefusedError } from '../../kernel/outboundUrl.ts';
import type { Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import { camelRow, type RowOf } from '../../kernel/rowMapper.ts';
import type { JobService } from '../jobs/index.ts';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, newSecret, sign } from './signature.ts';
import { webhookInput, type Delivery, type Webhook, type WebhookEvent, type WebhookInput } from './types.ts';

/** The job kind that runs `deliverDueWebhooks` for a workspace. */
export const DELIVER_JOB = 'webhooks.deliver';
/** Attempts before a delivery is given up (about 4 h of retries with the schedule below). */
export const MAX_ATTEMPTS = 10;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 6 * 3_600_000;
/** A claimed delivery is not claimed again for this long: a worker that died mid-request is retried after it. */
const LEASE_MS = 5 * 60_000;

/** Delay before attempt n + 1 after n failed attempts: 30 s, 1 min, 2 min, … capped at 6 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), MAX_RETRY_MS);
}

export interface DeliverOptions {
  /** The clock (tests move it forward to reach retries). */
  now?: Date;
  /** Most deliveries claimed in one call. */
  limit?: number;
  /** Only this workspace's deliveries (the worker passes none: it serves every workspace). */
  workspaceId?: string;
  timeoutMs?: number;
  concurrency?: number;
}

export interface DeliverResult {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
}

interface Claimed {
  workspace_id: string;
  id: string;
  event_type: string;
  payload: Record<string, unknown>;
  attempts: number;
  created_at: Date;
  url: string;
  secret: string;
}

/**
 * Outgoing webhooks through an outbox: `enqueue` writes deliveries in the caller's transaction, so a
 * change and its notification commit together; `deliverDueWebhooks` (called by the worker) posts
 * them, signed, and retries failures with exponential backoff. Delivery is at least once; the
 * delivery id (X-Kizuna-Delivery, also `id` in the body) is the receiver's idempotency key.
 */
export class WebhookService {
  constructor(
    private readonly db: Queryable,
    private readonly jobs: JobService,
  ) {}

  /** The privacy export's part: what was (or will be) sent to the workspace's endpoints about the person. */
  async exportCustomer(workspaceId: string, customerId: string, q: Queryable = this.db) {
    return { webhookDeliveries: await exportRows(q, 'SELECT * FROM webhook_deliveries WHERE workspace_id = $1 AND strpos(payload::text, $2) > 0 ORDER BY created_at, id', [workspaceId, customerId]) };
  }

  /**
   * Erasure: a batch about many people (segment changes) loses the person's entries; a delivery
   * about the person alone (a journey step, a detractor alert) goes, sent or not.
   */
  async eraseCustomer(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<void> {
    const without = (list: string) =>
      `coalesce((SELECT jsonb_agg(e) FROM jsonb_array_elements(payload->'${list}') e WHERE e->>'customerId' IS DISTINCT FROM $2), '[]'::jsonb)`;
    const { rows } = await q.query<{ id: string }>(
      `UPDATE webhook_deliveries SET payload = payload || jsonb_build_object('entered', ${without('entered')}, 'exited', ${without('exited')})
       WHERE workspace_id = $1 AND jsonb_typeof(payload->'entered') = 'array' AND jsonb_typeof(payload->'exited') = 'array' AND strpos(payload::text, $2) > 0
       RETURNING id`,
      [workspaceId, customerId],
    );
    // A batch that was only about the person is now about no one.
    await q.query(`DELETE FROM webhook_deliveries WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND payload->'entered' = '[]' AND payload->'exited' = '[]'`, [workspaceId, rows.map((r) => r.id)]);
    await q.query('DELETE FROM webhook_deliveries WHERE workspace_id = $1 AND strpos(payload::text, $2) > 0', [workspaceId, customerId]);
  }

  async create(workspaceId: string, input: WebhookInput): Promise<{ webhook: Webhook; secret: string }> {
    const w = webhookInput.parse(input);
    const secret = newSecret();
    const { rows } = await this.db.query(
      `INSERT INTO webhooks (workspace_id, id, url, secret, events, segment_ids, description)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [workspaceId, newId(), w.url, secret, w.events, w.segmentIds ?? null, w.description ?? null],
    );
    return { webhook: toWebhook(rows[0]!), secret };
  }

  async list(workspaceId: string): Promise<Webhook[]> {
    const { rows } = await this.db.query('SELECT * FROM webhooks WHERE workspace_id = $1 ORDER BY id', [workspaceId]);
    return rows.map(toWebhook);
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    const { rowCount } = await this.db.query('DELETE FROM webhooks WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
    if (!rowCount) throw new NotFoundError(`webhook ${id} not found`);
  }

  /** The latest deliveries of an endpoint, newest first. */
  async deliveries(workspaceId: string, webhookId: string, limit = 50): Promise<Delivery[]> {
    const { rowCount } = await this.db.query('SELECT 1 FROM webhooks WHERE workspace_id = $1 AND id = $2', [workspaceId, webhookId]);
    if (!rowCount) throw new NotFoundError(`webhook ${webhookId} not found`);
    const { rows } = await this.db.query<RowOf<typeof toDelivery>>(
      'SELECT * FROM webhook_deliveries WHERE workspace_id = $1 AND webhook_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3',
      [workspaceId, webhookId, limit],
    );
    return rows.map(toDelivery);
  }

  /**
   * One delivery per payload for every active endpoint subscribed to `type` (and, when the change
   * concerns a segment, to that segment). Call it inside the transaction that made the change.
   * `payloads` may be a function: it is called only when some endpoint subscribes, so a caller with
   * costly payloads (a segment refresh's changes) builds none for nobody.
   */
  async enqueue(
    workspaceId: string,
    type: WebhookEvent,
    payloads: Record<string, unknown>[] | (() => Promise<Record<string, unknown>[]>),
    q: Queryable = this.db,
    about: { segmentId?: string } = {},
  ): Promise<number> {
    if (Array.isArray(payloads) && payloads.length === 0) return 0;
    const { rows: hooks } = await q.query<{ id: string }>(
      `SELECT id FROM webhooks WHERE workspace_id = $1 AND active AND $2 = ANY(events)
         AND (segment_ids IS NULL OR $3::uuid = ANY(segment_ids))`,
      [workspaceId, type, about.segmentId ?? null],
    );
    if (hooks.length === 0) return 0;
    const built = Array.isArray(payloads) ? payloads : await payloads();
    return this.enqueueTo(workspaceId, type, hooks.flatMap((h) => built.map((payload) => ({ webhookId: h.id, payload }))), q);
  }

  /**
   * Deliveries to named endpoints (a journey's webhook step names one), whatever they subscribe
   * to; inactive or unknown endpoints get nothing. Call it inside the transaction that made the change.
   */
  async enqueueTo(workspaceId: string, type: WebhookEvent, deliveries: { webhookId: string; payload: Record<string, unknown> }[], q: Queryable = this.db): Promise<number> {
    if (deliveries.length === 0) return 0;
    const rows = deliveries.map((d) => ({ id: newId(), webhook_id: d.webhookId, payload: d.payload }));
    const { rowCount } = await q.query(
      `INSERT INTO webhook_deliveries (workspace_id, id, webhook_id, event_type, payload, next_attempt_at)
       SELECT $1, x.id, x.webhook_id, $2, x.payload, $4
       FROM jsonb_to_recordset($3::jsonb) AS x(id uuid, webhook_id uuid, payload jsonb)
       WHERE EXISTS (SELECT 1 FROM webhooks w WHERE w.workspace_id = $1 AND w.id = x.webhook_id AND w.active)`,
      [workspaceId, type, JSON.stringify(rows), new Date()],
    );
    if (!rowCount) return 0;
    // The worker posts them right away; retries are picked up by the schedule (see jobs.ts).
    await this.jobs.enqueue(workspaceId, { kind: DELIVER_JOB, dedupeKey: `${DELIVER_JOB}:${rows[0]!.id}` }, q);
    return rowCount;
  }

  /** Workspaces with deliveries due at `now` (the schedule enqueues a delivery job for each). */
  async workspacesWithDueDeliveries(now = new Date()): Promise<string[]> {
    const { rows } = await this.db.query<{ workspace_id: string }>(
      `SELECT DISTINCT workspace_id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1`,
      [now],
    );
    return rows.map((r) => r.workspace_id);
  }

  /** Posts the deliveries that are due; returns what happened. The worker calls it every few seconds. */
  async deliverDueWebhooks(options: DeliverOptions = {}): Promise<DeliverResult> {
    const now = options.now ?? new Date();
    const { rows } = await this.db.query<Claimed>(
      `WITH due AS (
         SELECT d.workspace_id, d.id FROM webhook_deliveries d
         JOIN webhooks w ON w.workspace_id = d.workspace_id AND w.id = d.webhook_id AND w.active
         WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND ($3::uuid IS NULL OR d.workspace_id = $3)
         ORDER BY d.next_attempt_at LIMIT $2
         FOR UPDATE OF d SKIP LOCKED)
       UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_attempt_at = $4
       FROM due, webhooks w
       WHERE d.workspace_id = due.workspace_id AND d.id = due.id AND w.workspace_id = d.workspace_id AND w.id = d.webhook_id
       RETURNING d.workspace_id, d.id, d.event_type, d.payload, d.attempts, d.created_at, w.url, w.secret`,
      [now, options.limit ?? 100, options.workspaceId ?? null, new Date(now.getTime() + LEASE_MS)],
    );
    const result: DeliverResult = { attempted: rows.length, delivered: 0, retrying: 0, failed: 0 };
    const queue = [...rows];
    const worker = async () => {
      for (let d = queue.shift(); d; d = queue.shift()) {
        const outcome = await this.post(d, now, options.timeoutMs ?? 10_000);
        await this.record(d, outcome, now);
        if (outcome.ok) result.delivered++;
        else if (d.attempts >= MAX_ATTEMPTS) result.failed++;
        else result.retrying++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, rows.length) }, worker));
    return result;
  }

  private async post(d: Claimed, now: Date, timeoutMs: number): Promise<{ ok: boolean; status: number | null; error: string | null }> {
    const body = JSON.stringify({ id: d.id, type: d.event_type, createdAt: d.created_at.toISOString(), data: d.payload });
    try {
      // Redirects are not followed: the endpoint is the URL that was registered (outboundRequest never follows them).
      const res = await outboundRequest(d.url, {
        method: 'POST',
        body,
        timeoutMs,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Kizuna-Webhooks/1',
          [DELIVERY_HEADER]: d.id,
          [EVENT_HEADER]: d.event_type,
          [TIMESTAMP_HEADER]: String(Math.floor(now.getTime() / 1000)),
          [SIGNATURE_HEADER]: sign(d.secret, body),
        },
      });
      const ok = res.status >= 200 && res.status < 300;
      return { ok, status: res.status, error: ok ? null : `HTTP ${res.status}` };
    } catch (err) {
      const e = err as Error & { code?: string };
      return { ok: false, status: null, error: (err instanceof OutboundRefusedError ? e.message : (e.code ?? e.message)).slice(0, 500) };
    }
  }

  private async record(d: Claimed, outcome: { ok: boolean; status: number | null; error: string | null }, now: Date): Promise<void> {
    const status = outcome.ok ? 'delivered' : d.attempts >= MAX_ATTEMPTS ? 'failed' : 'pending';
    await this.db.query(
      `UPDATE webhook_deliveries SET status = $3, last_status = $4, last_error = $5, next_attempt_at = $6,
         delivered_at = CASE WHEN $3 = 'delivered' THEN $7::timestamptz END
       WHERE workspace_id = $1 AND id = $2`,
      [d.workspace_id, d.id, status, outcome.status, outcome.error, new Date(now.getTime() + retryDelayMs(d.attempts)), now],
    );
  }
}

function toWebhook(r: Record<string, unknown>): Webhook {
  return {
    id: r.id as string,
    url: r.url as string,
    events: r.events as WebhookEvent[],
    segmentIds: (r.segment_ids as string[] | null) ?? null,
    description: (r.description as string | null) ?? null,
    active: r.active as boolean,
    secretPrefix: (r.secret as string).slice(0, 12),
    createdAt: r.created_at as Date,
  };
}

const toDelivery = camelRow<Delivery>()('id webhook_id event_type status attempts next_attempt_at last_status last_error created_at delivered_at');
