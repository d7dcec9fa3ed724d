import { isDeepStrictEqual } from 'node:util';
import type { Readable } from 'node:stream';
import { csvExport, exportOptions, exportRows, type ExportEncoding, type ExportLang } from '../../kernel/exportRows.ts';
import { cursorRows } from '../../db/cursor.ts';
import type { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import { decodeCursor, encodeCursor } from '../../kernel/listQuery.ts';
import { mapRow } from '../../kernel/rowMapper.ts';
import type { EventService } from '../events/index.ts';
import { zodIssues } from '../../kernel/errors.ts';
import type { IntelligenceService } from '../intelligence/index.ts';
import type { JobService } from '../jobs/index.ts';
import type { WebhookService } from '../webhooks/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import { AUDIENCE_HEADER, audienceLine, hashEmail, hashPhone } from './audience.ts';
import { BUILTIN_SEGMENTS } from './builtins.ts';
import { compileRule, type CompileContext } from './compile.ts';
import { parseRule, referencedSegments, ruleSchema, uses, type Rule } from './rule.ts';
import {
  segmentInput,
  segmentPatch,
  type AudienceFormat,
  type Member,
  type MembershipChange,
  type Preview,
  type RefreshResult,
  type Segment,
  type SegmentInput,
  type SegmentPatch,
} from './types.ts';

interface Modules {
  workspaces: WorkspaceService;
  events: EventService;
  webhooks: WebhookService;
  jobs: JobService;
  intelligence: Pick<IntelligenceService, 'renewalRisk'>;
}

export const SEGMENT_ENTERED = 'Segment Entered';
export const SEGMENT_EXITED = 'Segment Exited';
/** The worker job that runs `refreshAll` for a workspace. */
export const REFRESH_JOB = 'segments.refresh';
/** Refresh requests within one such window share one job, run at its end. */
const DEBOUNCE_MS = 5 * 60_000;
/** Membership is recomputed at least this often: time windows move even when no data arrives. */
const MAX_AGE_MS = 3_600_000;
/** Membership changes per webhook delivery. */
const WEBHOOK_CHUNK = 1000;
const EXPORT_CHUNK = 5000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Segment queries are set operations over a whole workspace: hash joins and hashed sub-plans of
 * customer ids. PostgreSQL's default 4 MB work_mem would make them spill (or fall back to per-row
 * sub-plans) around 100k customers. Nested loops are turned off because the row counts of
 * aggregate conditions (`HAVING count(*) = 1`) are guessed badly, and a nested loop over a side
 * guessed at 1 row and holding 40k is quadratic; a hash plan is linear whatever the guess. For the
 * same reason hash tables may grow to 8 × work_mem: `NOT (c.id IN (…))` is hashed only when the
 * planner expects the set to fit in that, and otherwise runs as a plain sub-plan that scans the
 * whole set for every customer — with a third of 10M customers expected in the set, the 128 MB
 * of the default multiplier (2) was exceeded and refreshes ran into the timeout. A timeout (per
 * statement, KIZUNA_SEGMENT_TIMEOUT_MS) keeps one bad rule from holding a connection for long.
 */
function querySettings(statementTimeoutMs: number): string[] {
  return [
    `SET LOCAL work_mem = '64MB'`,
    `SET LOCAL hash_mem_multiplier = 8`,
    `SET LOCAL enable_nestloop = off`,
    `SET LOCAL statement_timeout = ${Math.max(0, Math.floor(statementTimeoutMs))}`,
  ];
}

/** The statement timeout of segment queries unless configured otherwise. */
const DEFAULT_SEGMENT_TIMEOUT_MS = 60_000;

/** The member export's columns: SQL, English and Japanese header. */
const MEMBER_COLUMNS = [
  ['m.customer_id', 'Customer ID', '顧客ID'],
  ['cu.external_id', 'External ID', '外部ID'],
  ['cu.family_name', 'Family name', '姓'],
  ['cu.given_name', 'Given name', '名'],
  ['cu.family_name_kana', 'Family name (kana)', 'セイ'],
  ['cu.given_name_kana', 'Given name (kana)', 'メイ'],
  ['cu.email', 'Email', 'メールアドレス'],
  ['cu.phone', 'Phone', '電話番号'],
  ['cu.postal_code', 'Postal code', '郵便番号'],
  ['cu.prefecture', 'Prefecture', '都道府県'],
  ['cu.city', 'City', '市区町村'],
  ['cu.address_line1', 'Address line 1', '番地'],
  ['cu.address_line2', 'Address line 2', '建物名'],
  ['m.entered_at', 'Entered segment at', 'セグメント参加日時'],
] as const;

/**
 * Segments: versioned rules, preview, materialized membership with history, Segment Entered/Exited
 * events and webhooks, audience export, built-ins.
 */
export class SegmentService {
  constructor(
    private readonly db: Db,
    private readonly m: Modules,
    /** Where heavy read-only work runs (previews, audience exports): the read replica, or `db`. */
    private readonly reads: Db = db,
    private readonly options: { statementTimeoutMs?: number } = {},
  ) {}

  private querySettings(): string[] {
    return querySettings(this.options.statementTimeoutMs ?? DEFAULT_SEGMENT_TIMEOUT_MS);
  }

  /** The privacy export's part: the segments the person is in, and every entry and exit. */
  async exportCustomer(workspaceId: string, customerId: string, q: Queryable = this.db) {
    const withSegment = (table: string, order: string) =>
      exportRows(
        q,
        `SELECT s.key AS segment_key, s.name AS segment_name, x.* FROM ${table} x JOIN segments s ON s.workspace_id = x.workspace_id AND s.id = x.segment_id
         WHERE x.workspace_id = $1 AND x.customer_id = $2 ORDER BY ${order}`,
        [workspaceId, customerId],
      );
    return { segmentMemberships: await withSegment('segment_members', 'x.entered_at, s.key'), segmentHistory: await withSegment('segment_membership_history', 'x.at, s.key, x.seq') };
  }

  /**
   * Erasure: the person leaves every segment now, recorded as an exit in the history (so sizes over
   * time stay true) but quietly: an exit found by the next refresh would be announced to webhooks.
   */
  async eraseCustomer(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<void> {
    await q.query(
      `WITH gone AS (DELETE FROM segment_members WHERE workspace_id = $1 AND customer_id = $2 RETURNING segment_id, seq)
       INSERT INTO segment_membership_history (workspace_id, segment_id, customer_id, seq, change, at, segment_version)
       SELECT $1, g.segment_id, $2, g.seq + 1, 'exited', now(), s.version FROM gone g JOIN segments s ON s.workspace_id = $1 AND s.id = g.segment_id`,
      [workspaceId, customerId],
    );
  }

  async create(workspaceId: string, input: SegmentInput): Promise<Segment> {
    input = valid(segmentInput, input);
    const rule = parseRule(input.rule);
    return this.db.tx(async (tx) => {
      await this.checkReferences(workspaceId, rule, undefined, tx);
      const id = newId();
      await tx.query(
        `INSERT INTO segments (workspace_id, id, name, description, rule) VALUES ($1, $2, $3, $4, $5)`,
        [workspaceId, id, input.name, input.description ?? null, JSON.stringify(rule)],
      );
      await tx.query('INSERT INTO segment_versions (workspace_id, segment_id, version, rule) VALUES ($1, $2, 1, $3)', [workspaceId, id, JSON.stringify(rule)]);
      await this.requestRefresh(workspaceId, new Date(), tx);
      return this.get(workspaceId, id, tx);
    });
  }

  /** Changes name, description or rule; a changed rule becomes a new version (the old one is kept). */
  async update(workspaceId: string, id: string, patch: SegmentPatch): Promise<Segment> {
    patch = valid(segmentPatch, patch);
    const rule = patch.rule === undefined ? undefined : parseRule(patch.rule);
    return this.db.tx(async (tx) => {
      const current = await this.get(workspaceId, id, tx, { lock: true });
      let version = current.version;
      if (rule && !isDeepStrictEqual(rule, current.rule)) {
        await this.checkReferences(workspaceId, rule, id, tx);
        version++;
        await tx.query('INSERT INTO segment_versions (workspace_id, segment_id, version, rule) VALUES ($1, $2, $3, $4)', [
          workspaceId,
          id,
          version,
          JSON.stringify(rule),
        ]);
        await this.requestRefresh(workspaceId, new Date(), tx);
      }
      await tx.query(
        `UPDATE segments SET name = $3, description = $4, rule = $5, version = $6, updated_at = now() WHERE workspace_id = $1 AND id = $2`,
        [
          workspaceId,
          id,
          patch.name ?? current.name,
          patch.description === undefined ? current.description : patch.description,
          JSON.stringify(rule ?? current.rule),
          version,
        ],
      );
      return this.get(workspaceId, id, tx);
    });
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    await this.db.tx(async (tx) => {
      const segment = await this.get(workspaceId, id, tx, { lock: true });
      if (segment.key) throw new ConflictError(`"${segment.name}" is built in: it cannot be deleted (its rule can be changed)`);
      const users = (await this.all(workspaceId, tx)).filter((s) => referencedSegments(s.rule.match).some((r) => r.segmentId === id));
      if (users.length > 0) throw new ConflictError(`segment ${id} is used by ${users.map((s) => `"${s.name}"`).join(', ')}`);
      // No foreign key cascades to members and history (see migration 002).
      for (const table of ['segment_membership_history', 'segment_members']) await tx.query(`DELETE FROM ${table} WHERE workspace_id = $1 AND segment_id = $2`, [workspaceId, id]);
      await tx.query('DELETE FROM segments WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
    });
  }

  async get(workspaceId: string, id: string, q: Queryable = this.db, options: { lock?: boolean } = {}): Promise<Segment> {
    if (!UUID.test(id)) throw new NotFoundError(`segment ${id} not found`);
    const { rows } = await q.query<SegmentRow>(`SELECT * FROM segments WHERE workspace_id = $1 AND id = $2 ${options.lock ? 'FOR UPDATE' : ''}`, [workspaceId, id]);
    if (!rows[0]) throw new NotFoundError(`segment ${id} not found`);
    return toSegment(rows[0]);
  }

  /** Every segment of the workspace, built-ins first (they are created here on first use). */
  async list(workspaceId: string): Promise<Segment[]> {
    await this.ensureBuiltins(workspaceId);
    return this.all(workspaceId);
  }

  async versions(workspaceId: string, id: string): Promise<{ version: number; rule: Rule; createdAt: Date }[]> {
    await this.get(workspaceId, id);
    const { rows } = await this.db.query<{ version: number; rule: Rule; created_at: Date }>(
      'SELECT version, rule, created_at FROM segment_versions WHERE workspace_id = $1 AND segment_id = $2 ORDER BY version',
      [workspaceId, id],
    );
    return rows.map((r) => ({ version: r.version, rule: r.rule, createdAt: r.created_at }));
  }

  /** Creates the built-in segments the workspace lacks; safe to call any number of times. */
  async ensureBuiltins(workspaceId: string, q: Queryable = this.db): Promise<void> {
    const input = BUILTIN_SEGMENTS.map((b) => ({ id: newId(), key: b.key, name: b.name, description: b.description, rule: b.rule }));
    await q.query(
      `WITH ins AS (
         INSERT INTO segments (workspace_id, id, key, name, description, rule)
         SELECT $1, x.id, x.key, x.name, x.description, x.rule
         FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, key text, name text, description text, rule jsonb)
         ON CONFLICT (workspace_id, key) DO NOTHING
         RETURNING id, rule)
       INSERT INTO segment_versions (workspace_id, segment_id, version, rule) SELECT $1, id, 1, rule FROM ins`,
      [workspaceId, JSON.stringify(input)],
    );
  }

  /** How many customers match a rule now (or at `asOf`), and the first few of them. */
  async preview(workspaceId: string, ruleInput: unknown, options: { asOf?: Date; sampleSize?: number } = {}): Promise<Preview> {
    const rule = parseRule(ruleInput);
    await this.checkReferences(workspaceId, rule);
    const { sql, params } = compileRule(rule, await this.context(workspaceId, rule, options.asOf));
    const sampleSize = Math.max(1, Math.min(options.sampleSize ?? 10, 100));
    const { rows } = await this.reads.tx(async (tx) => {
      for (const s of this.querySettings()) await tx.query(s);
      // The window count runs over every match before the LIMIT keeps the sample.
      return tx.query<{ customer_id: string; total: number }>(
        `SELECT m.customer_id, count(*) OVER () AS total FROM (${sql}) m ORDER BY m.customer_id LIMIT $${params.length + 1}`,
        [...params, sampleSize],
      );
    });
    const { rows: customers } = await this.reads.query<{ id: string; external_id: string; email: string | null; family_name: string | null; given_name: string | null }>(
      'SELECT id, external_id, email, family_name, given_name FROM customers WHERE workspace_id = $1 AND id = ANY($2::uuid[]) ORDER BY id',
      [workspaceId, rows.map((r) => r.customer_id)],
    );
    return {
      count: rows[0]?.total ?? 0,
      sample: customers.map((r) => ({ id: r.id, externalId: r.external_id, email: r.email, familyName: r.family_name, givenName: r.given_name })),
    };
  }

  /**
   * Recomputes membership in one statement: matches not yet members enter, members that no longer
   * match exit, both are logged in the history, then `Segment Entered`/`Segment Exited` events (with
   * messageIds numbered by the history, so nothing is written twice) and webhook deliveries are
   * written in the same transaction.
   *
   * The difference is a FULL JOIN of the matches with the current members: PostgreSQL can only hash
   * or merge it, whatever its (often poor) estimate of how many customers a rule matches; an
   * anti-join planned as a nested loop over a misestimated side turned a 4k-member refresh into
   * seconds. Exits are deleted by key (= ANY), no join either.
   */
  async refresh(workspaceId: string, segmentId: string, options: { asOf?: Date } = {}): Promise<RefreshResult> {
    const started = performance.now();
    return this.db.tx(async (tx) => {
      const segment = await this.get(workspaceId, segmentId, tx, { lock: true });
      const ctx = await this.context(workspaceId, segment.rule, options.asOf);
      for (const s of this.querySettings()) await tx.query(s);
      const { sql, params } = compileRule(segment.rule, ctx);
      const n = params.length;
      const [seg, at, version] = [`$${n + 1}::uuid`, `$${n + 2}::timestamptz`, `$${n + 3}::int`];
      // The changes stay in the database: a first refresh of a large segment has millions of them.
      await tx.query('CREATE TEMP TABLE segment_changes (change text NOT NULL, customer_id uuid NOT NULL, seq int NOT NULL) ON COMMIT DROP');
      const { rows } = await tx.query<{ entered: number; exited: number }>(
        `WITH matched AS MATERIALIZED (${sql}),
         diff AS MATERIALIZED (
           SELECT coalesce(m.customer_id, cur.customer_id) AS customer_id, cur.customer_id IS NULL AS entering
           FROM matched m
           FULL JOIN (SELECT customer_id FROM segment_members WHERE workspace_id = $1 AND segment_id = ${seg}) cur ON cur.customer_id = m.customer_id
           WHERE m.customer_id IS NULL OR cur.customer_id IS NULL),
         entered AS (
           INSERT INTO segment_members (workspace_id, segment_id, customer_id, entered_at, seq)
           SELECT $1, ${seg}, d.customer_id, ${at},
             coalesce((SELECT max(h.seq) FROM segment_membership_history h
                       WHERE h.workspace_id = $1 AND h.segment_id = ${seg} AND h.customer_id = d.customer_id), 0) + 1
           FROM diff d WHERE d.entering
           RETURNING customer_id, seq),
         exited AS (
           DELETE FROM segment_members sm
           WHERE sm.workspace_id = $1 AND sm.segment_id = ${seg} AND sm.customer_id = ANY (ARRAY(SELECT d.customer_id FROM diff d WHERE NOT d.entering))
           RETURNING sm.customer_id, sm.seq + 1 AS seq),
         changes AS MATERIALIZED (
           SELECT 'entered'::text AS change, customer_id, seq FROM entered
           UNION ALL SELECT 'exited'::text, customer_id, seq FROM exited),
         logged AS (
           INSERT INTO segment_membership_history (workspace_id, segment_id, customer_id, seq, change, at, segment_version)
           SELECT $1, ${seg}, customer_id, seq, change, ${at}, ${version} FROM changes),
         kept AS (INSERT INTO segment_changes SELECT change, customer_id, seq FROM changes)
         SELECT count(*) FILTER (WHERE change = 'entered')::int AS entered, count(*) FILTER (WHERE change = 'exited')::int AS exited FROM changes`,
        [...params, segment.id, ctx.asOf, segment.version],
      );
      const { rows: counted } = await tx.query<{ member_count: number }>(
        `UPDATE segments SET member_count = (SELECT count(*) FROM segment_members WHERE workspace_id = $1 AND segment_id = $2), refreshed_at = now()
         WHERE workspace_id = $1 AND id = $2 RETURNING member_count`,
        [workspaceId, segment.id],
      );

      const about = { segmentId: segment.id, segmentKey: segment.key, segmentName: segment.name, segmentVersion: segment.version };
      // messageIds numbered by the history; ids in customer order, as the events were written before.
      const { entered, exited } = rows[0]!;
      if (entered + exited > 0) await this.m.events.insertForCustomersFrom(
        workspaceId,
        {
          sql: `SELECT customer_id, 'segment:' || $2 || ':' || customer_id || ':' || seq AS message_id,
                  CASE change WHEN 'entered' THEN $3 ELSE $4 END AS name, $5::jsonb AS properties, $6::timestamptz AS occurred_at
                FROM segment_changes ORDER BY customer_id`,
          params: [segment.id, SEGMENT_ENTERED, SEGMENT_EXITED, JSON.stringify(about), ctx.asOf],
        },
        tx,
      );
      if (entered + exited > 0) {
        const payloads = () => this.webhookPayloads(workspaceId, segment, ctx.asOf, tx);
        await this.m.webhooks.enqueue(workspaceId, 'segment.membership_changed', payloads, tx, { segmentId: segment.id });
      }
      return { segmentId: segment.id, entered, exited, members: counted[0]!.member_count, ms: Math.round(performance.now() - started) };
    });
  }

  /** The `segment.membership_changed` payloads of this refresh's changes (in `segment_changes`), WEBHOOK_CHUNK changes each. */
  private async webhookPayloads(workspaceId: string, segment: Segment, asOf: Date, tx: Queryable): Promise<Record<string, unknown>[]> {
    const { rows } = await tx.query<{ change: 'entered' | 'exited'; customer_id: string; external_id: string | null; email: string | null; phone: string | null }>(
      `SELECT ch.change, ch.customer_id, cu.external_id, cu.email, cu.phone
       FROM segment_changes ch JOIN customers cu ON cu.workspace_id = $1 AND cu.id = ch.customer_id
       ORDER BY ch.customer_id`,
      [workspaceId],
    );
    const payloads = [];
    for (let i = 0; i < rows.length; i += WEBHOOK_CHUNK) {
      const chunk = rows.slice(i, i + WEBHOOK_CHUNK).map((r) => ({
        change: r.change,
        customerId: r.customer_id,
        externalId: r.external_id,
        emailSha256: hashEmail(r.email),
        phoneSha256: hashPhone(r.phone, 'meta'),
      }));
      payloads.push({
        segment: { id: segment.id, key: segment.key, name: segment.name, version: segment.version },
        at: asOf.toISOString(),
        entered: chunk.filter((c) => c.change === 'entered').map(({ change: _, ...c }) => c),
        exited: chunk.filter((c) => c.change === 'exited').map(({ change: _, ...c }) => c),
      });
    }
    return payloads;
  }

  /**
   * Refreshes every segment of the workspace (built-ins included), each in its own transaction, a
   * segment after the segments its rule refers to. What the worker's schedule and the CLI call.
   */
  async refreshAll(workspaceId: string, options: { asOf?: Date } = {}): Promise<RefreshResult[]> {
    await this.ensureBuiltins(workspaceId);
    const results: RefreshResult[] = [];
    for (const segment of dependencyOrder(await this.all(workspaceId))) results.push(await this.refresh(workspaceId, segment.id, options));
    return results;
  }

  /**
   * Asks the worker to refresh the workspace's segments soon: requests within the same 5 minutes
   * share one job, which runs at the end of them (a burst of ingest batches costs one refresh).
   */
  async requestRefresh(workspaceId: string, now = new Date(), q: Queryable = this.db): Promise<boolean> {
    const bucket = Math.floor(now.getTime() / DEBOUNCE_MS) * DEBOUNCE_MS;
    const job = await this.m.jobs.enqueue(
      workspaceId,
      { kind: REFRESH_JOB, dedupeKey: `${REFRESH_JOB}:${new Date(bucket).toISOString()}`, runAt: new Date(bucket + DEBOUNCE_MS), maxAttempts: 3 },
      q,
    );
    return job !== null;
  }

  /**
   * Whether membership may be out of date: a segment was never computed or not for an hour, or
   * customers or orders changed since the oldest refresh. (Events have no cheap "changed since"
   * signal; event conditions are caught by the hourly refresh or by `requestRefresh` from ingest.)
   */
  async needsRefresh(workspaceId: string, now = new Date()): Promise<boolean> {
    const { rows } = await this.db.query<{ stale: boolean }>(
      `WITH s AS (SELECT count(*) AS n, count(refreshed_at) AS computed, min(refreshed_at) AS oldest FROM segments WHERE workspace_id = $1)
       SELECT s.n = 0 OR s.computed < s.n OR s.oldest < $2
         OR (SELECT max(updated_at) FROM customers WHERE workspace_id = $1) > s.oldest
         OR (SELECT max(updated_at) FROM orders WHERE workspace_id = $1) > s.oldest AS stale
       FROM s`,
      [workspaceId, new Date(now.getTime() - MAX_AGE_MS)],
    );
    return rows[0]!.stale;
  }

  /** Current members (erased customers left out), in id order. */
  async members(workspaceId: string, segmentId: string, page: { limit: number; cursor?: string }): Promise<{ data: Member[]; nextCursor: string | null }> {
    await this.get(workspaceId, segmentId);
    const { rows } = await this.db.query<{ customer_id: string; external_id: string | null; entered_at: Date }>(
      `SELECT m.customer_id, cu.external_id, m.entered_at FROM segment_members m
       JOIN customers cu ON cu.workspace_id = m.workspace_id AND cu.id = m.customer_id
       WHERE m.workspace_id = $1 AND m.segment_id = $2 AND cu.erased_at IS NULL AND ($3::uuid IS NULL OR m.customer_id > $3)
       ORDER BY m.customer_id LIMIT $4`,
      [workspaceId, segmentId, page.cursor ? decodeCursor(page.cursor) : null, page.limit + 1],
    );
    const data = rows.slice(0, page.limit).map((r) => ({ customerId: r.customer_id, externalId: r.external_id, enteredAt: r.entered_at }));
    return { data, nextCursor: rows.length > page.limit ? encodeCursor(data[data.length - 1]!.customerId) : null };
  }

  /**
   * The members as an office CSV (kernel/exportRows.ts: UTF-8 with a BOM or Shift_JIS, headers in
   * ja or en, times in the workspace's zone), streamed from a cursor: who they are and how to reach
   * them, for a team that works the list by hand (calls, paper DM by another vendor).
   */
  async membersCsv(workspaceId: string, segmentId: string, asked: { encoding?: ExportEncoding; lang?: ExportLang } = {}): Promise<{ segment: Segment; csv: Readable }> {
    const segment = await this.get(workspaceId, segmentId);
    if (!segment.refreshedAt) throw new ConflictError(`segment ${segmentId} has not been computed yet: refresh it first`);
    const options = exportOptions(await this.m.workspaces.get(workspaceId), asked);
    const sql = `SELECT ${MEMBER_COLUMNS.map(([column]) => column).join(', ')} FROM segment_members m
       JOIN customers cu ON cu.workspace_id = m.workspace_id AND cu.id = m.customer_id
       WHERE m.workspace_id = $1 AND m.segment_id = $2 AND cu.erased_at IS NULL ORDER BY m.customer_id`;
    async function* rows(db: Db) {
      for await (const r of cursorRows(db, sql, [workspaceId, segmentId])) yield Object.values(r);
    }
    const columns = MEMBER_COLUMNS.map(([, en, ja]) => ({ header: { en, ja } }));
    return { segment, csv: csvExport(columns, rows(this.db), options) };
  }

  /** Entered/exited changes, newest first; optionally of one customer. */
  async history(
    workspaceId: string,
    segmentId: string,
    page: { limit: number; cursor?: string; customerId?: string },
  ): Promise<{ data: MembershipChange[]; nextCursor: string | null }> {
    await this.get(workspaceId, segmentId);
    const after = page.cursor ? decodeHistoryCursor(page.cursor) : null;
    const { rows } = await this.db.query<{ customer_id: string; seq: number; change: 'entered' | 'exited'; at: Date; segment_version: number }>(
      `SELECT customer_id, seq, change, at, segment_version FROM segment_membership_history
       WHERE workspace_id = $1 AND segment_id = $2 AND ($3::uuid IS NULL OR customer_id = $3)
         AND ($4::timestamptz IS NULL OR (at, customer_id, seq) < ($4, $5::uuid, $6::int))
       ORDER BY at DESC, customer_id DESC, seq DESC LIMIT $7`,
      [workspaceId, segmentId, page.customerId ?? null, after?.at ?? null, after?.customerId ?? null, after?.seq ?? null, page.limit + 1],
    );
    const kept = rows.slice(0, page.limit);
    const last = kept[kept.length - 1];
    return {
      data: kept.map((r) => ({ customerId: r.customer_id, change: r.change, at: r.at, segmentVersion: r.segment_version })),
      nextCursor: rows.length > page.limit && last ? encodeHistoryCursor(last.at, last.customer_id, last.seq) : null,
    };
  }

  /**
   * The audience file of a segment's current members (see audience.ts and docs/segments.md):
   * a header, then one line per customer with an email or phone; erased customers never appear.
   */
  async audience(workspaceId: string, segmentId: string, format: AudienceFormat): Promise<{ segment: Segment; lines: AsyncIterable<string> }> {
    const segment = await this.get(workspaceId, segmentId);
    if (!segment.refreshedAt) throw new ConflictError(`segment ${segmentId} has not been computed yet: refresh it first`);
    const db = this.reads;
    async function* lines(): AsyncGenerator<string> {
      yield `${AUDIENCE_HEADER}\n`;
      let after: string | null = null;
      for (;;) {
        const { rows }: { rows: { customer_id: string; email: string | null; phone: string | null }[] } = await db.query(
          `SELECT m.customer_id, cu.email, cu.phone FROM segment_members m
           JOIN customers cu ON cu.workspace_id = m.workspace_id AND cu.id = m.customer_id
           WHERE m.workspace_id = $1 AND m.segment_id = $2 AND cu.erased_at IS NULL AND ($3::uuid IS NULL OR m.customer_id > $3)
           ORDER BY m.customer_id LIMIT $4`,
          [workspaceId, segmentId, after, EXPORT_CHUNK],
        );
        const text = rows.flatMap((r) => audienceLine(r.email, r.phone, format) ?? []).join('\n');
        if (text) yield `${text}\n`;
        if (rows.length < EXPORT_CHUNK) return;
        after = rows[rows.length - 1]!.customer_id;
      }
    }
    return { segment, lines: lines() };
  }

  private async all(workspaceId: string, q: Queryable = this.db): Promise<Segment[]> {
    const { rows } = await q.query<SegmentRow>('SELECT * FROM segments WHERE workspace_id = $1 ORDER BY key IS NULL, created_at, id', [workspaceId]);
    return rows.map(toSegment);
  }

  private async context(workspaceId: string, rule: Rule, asOf: Date = new Date()): Promise<CompileContext> {
    const { timeZone } = await this.m.workspaces.get(workspaceId);
    if (!uses(rule.match, 'accountHealth')) return { workspaceId, asOf, timeZone };
    const risky = await this.m.intelligence.renewalRisk(workspaceId, asOf);
    const ids = (status: 'red' | 'amber') => risky.filter((a) => a.status === status).map((a) => a.accountId);
    return { workspaceId, asOf, timeZone, accountsByHealth: { red: ids('red'), amber: ids('amber') } };
  }

  /** Segments a rule refers to must exist in the workspace and must not lead back to `selfId`. */
  private async checkReferences(workspaceId: string, rule: Rule, selfId?: string, q: Queryable = this.db): Promise<void> {
    const refs = referencedSegments(rule.match);
    if (refs.length === 0) return;
    const byId = new Map((await this.all(workspaceId, q)).map((s) => [s.id, s]));
    const issues: FieldIssue[] = [];
    for (const ref of refs) {
      const path = ['rule', ...ref.path];
      if (!byId.has(ref.segmentId)) issues.push({ path, message: `segment ${ref.segmentId} does not exist` });
      else if (selfId && leadsTo(ref.segmentId, selfId, byId)) issues.push({ path, message: 'a segment cannot refer to itself, directly or through other segments' });
    }
    if (issues.length > 0) throw new ValidationError('Invalid segment rule', issues);
  }
}

/** Input checked by its schema (the routes have done it; the CLI and other callers may not have). */
function valid<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ValidationError('Invalid segment', zodIssues(result.error));
  }
  return result.data;
}

function leadsTo(from: string, target: string, byId: Map<string, Segment>, seen = new Set<string>()): boolean {
  if (from === target) return true;
  if (seen.has(from)) return false;
  seen.add(from);
  const segment = byId.get(from);
  return !!segment && referencedSegments(segment.rule.match).some((r) => leadsTo(r.segmentId, target, byId, seen));
}

/** Segments after the segments they refer to (rules cannot form cycles: see checkReferences). */
function dependencyOrder(segments: Segment[]): Segment[] {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const ordered: Segment[] = [];
  const done = new Set<string>();
  const visit = (s: Segment) => {
    if (done.has(s.id)) return;
    done.add(s.id);
    for (const r of referencedSegments(s.rule.match)) {
      const dep = byId.get(r.segmentId);
      if (dep) visit(dep);
    }
    ordered.push(s);
  };
  segments.forEach(visit);
  return ordered;
}

function encodeHistoryCursor(at: Date, customerId: string, seq: number): string {
  return Buffer.from(JSON.stringify([at.toISOString(), customerId, seq])).toString('base64url');
}

function decodeHistoryCursor(cursor: string): { at: Date; customerId: string; seq: number } {
  try {
    const [at, customerId, seq] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string, number];
    const date = new Date(at);
    if (!Number.isNaN(date.getTime()) && /^[0-9a-f-]{36}$/.test(customerId) && Number.isInteger(seq)) return { at: date, customerId, seq };
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError('Invalid cursor', [{ path: ['query', 'cursor'], message: 'not a cursor from a previous page' }]);
}

/** A segment as `SELECT *` returns it (the columns read here). */
interface SegmentRow {
  id: string;
  key: string | null;
  name: string;
  description: string | null;
  rule: unknown;
  version: number;
  member_count: number;
  refreshed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toSegment = mapRow<SegmentRow>()(
  (r): Segment => ({
    id: r.id,
    key: r.key ?? null,
    name: r.name,
    description: r.description ?? null,
    // Stored rules were validated on the way in; parsing again restores defaults and key order.
    rule: ruleSchema.parse(r.rule),
    version: r.version,
    memberCount: r.member_count,
    refreshedAt: r.refreshed_at ?? null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }),
);
