import { createHash } from 'node:crypto';
import { NotFoundError } from '../../kernel/errors.ts';
import type { Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import { decodeCursor, ListFilter, pageOf } from '../../kernel/listQuery.ts';
import { resolveKeys, upsertByKey, type UpsertField, type UpsertResult } from '../../db/upsert.ts';
import type { AccountService } from '../accounts/index.ts';
import { CUSTOMER_COLUMNS, toCustomer, type CustomerRow } from './rows.ts';
import { refreshSearchText, searchPattern, SEARCHABLE_FIELDS } from './searchText.ts';
import type { ConsentChannel, ConsentInput, Customer, CustomerInput } from './types.ts';

const FIELDS: UpsertField[] = [
  { key: 'email', column: 'email', type: 'text' },
  { key: 'phone', column: 'phone', type: 'text' },
  { key: 'lineUserId', column: 'line_user_id', type: 'text' },
  { key: 'familyName', column: 'family_name', type: 'text' },
  { key: 'givenName', column: 'given_name', type: 'text' },
  { key: 'familyNameKana', column: 'family_name_kana', type: 'text' },
  { key: 'givenNameKana', column: 'given_name_kana', type: 'text' },
  { key: 'birthday', column: 'birthday', type: 'date' },
  { key: 'postalCode', column: 'postal_code', type: 'char(7)' },
  { key: 'prefecture', column: 'prefecture', type: 'text' },
  { key: 'city', column: 'city', type: 'text' },
  { key: 'addressLine1', column: 'address_line1', type: 'text' },
  { key: 'addressLine2', column: 'address_line2', type: 'text' },
  { key: 'country', column: 'country', type: 'char(2)' },
  { key: 'locale', column: 'locale', type: 'text' },
  { key: 'timeZone', column: 'time_zone', type: 'text' },
  { key: 'accountId', column: 'account_id', type: 'uuid' },
  { key: 'attributes', column: 'attributes', type: 'jsonb', merge: true, insertDefault: `'{}'::jsonb` },
  { key: 'createdAt', column: 'created_at', type: 'timestamptz', insertDefault: 'now()' },
];

export interface ConsentState {
  channel: ConsentChannel;
  status: 'opted_in' | 'opted_out';
  source: string;
  recordedAt: Date;
}

export interface ListCustomersQuery {
  limit: number;
  /** Opaque cursor from the previous page (the last id: ids are UUIDv7, so id order is creation order). */
  cursor?: string;
  email?: string;
  search?: string;
  accountId?: string;
  updatedSince?: Date;
}

/** Customers: profiles, aliases, consent history and erasure. */
export class CustomerService {
  /** The table's row count as its statistics last said, once looked up (see `analyzeIfOutgrown`). */
  private counted: number | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly accounts: AccountService,
  ) {}

  /**
   * Statistics for `customers` once the table holds about `seen` rows (customers the caller has seen;
   * a rolled-back batch's may be among them) and that is more than twice what its statistics say. Every row check of a foreign key
   * to customers runs a plan its connection cached at first use: made while a fresh install's table
   * was nearly empty, it walked the workspace's customers by a secondary index, one walk per event
   * (most of the database's work on a new server's first minute of ingest, until autovacuum's
   * ANALYZE). ANALYZE gets those plans made again, on the primary key. Outside any transaction;
   * at most once per doubling.
   */
  async analyzeIfOutgrown(seen: number): Promise<void> {
    if (seen < ANALYZE_FROM_ROWS || (this.counted !== undefined && seen <= 2 * this.counted)) return;
    this.counted = seen; // concurrent callers see this and skip
    const estimate = async () => (await this.db.query<{ rows: number }>(`SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = 'customers'::regclass`)).rows[0]!.rows;
    let rows = await estimate();
    if (rows < 0 || seen > 2 * rows) {
      // SKIP_LOCKED: an ANALYZE already under way (autovacuum's) does the same.
      await this.db.query('ANALYZE (SKIP_LOCKED) customers');
      rows = await estimate();
    }
    this.counted = Math.max(rows, seen);
  }

  /**
   * Creates or updates customers by external id. An `anonymousId` is claimed for the customer
   * (see `claimAliases`); the returned `merges` name anonymous visitors whose events and orders the
   * caller must move before `removeAnonymous`.
   */
  async upsertMany(
    workspaceId: string,
    inputs: CustomerInput[],
    q: Queryable = this.db,
  ): Promise<UpsertResult & { merges: { from: string; to: string }[] }> {
    const accountKeys = inputs.flatMap((i) => (i.accountExternalId ? [i.accountExternalId] : []));
    const accountIds = await this.accounts.resolveIds(workspaceId, accountKeys, q);
    const rows = inputs.map(({ consents: _c, anonymousId: _a, accountExternalId, ...fields }) => ({
      ...fields,
      accountId: accountExternalId === undefined ? undefined : accountExternalId === null ? null : accountIds.get(accountExternalId),
    }));
    const result = await upsertByKey(q, CUSTOMERS, workspaceId, rows);
    // New rows, and rows whose searchable fields were sent: events re-send bare customer references by the thousand.
    const changed = inputs.filter((i) => SEARCHABLE_FIELDS.some((f) => i[f] !== undefined)).map((i) => result.ids.get(i.externalId)!);
    await refreshSearchText(q, workspaceId, [...new Set(changed)], [...result.ids.values()]);

    const consents = inputs.flatMap((i) => (i.consents ?? []).map((c) => ({ ...c, customerId: result.ids.get(i.externalId)! })));
    await this.insertConsents(workspaceId, consents, q);
    const claims = inputs.flatMap((i) => (i.anonymousId ? [{ alias: i.anonymousId, customerId: result.ids.get(i.externalId)! }] : []));
    return { ...result, merges: await this.claimAliases(workspaceId, claims, q) };
  }

  /** Ids for external ids, creating bare customers for unknown ones (an order from a new buyer). */
  resolveIds(workspaceId: string, externalIds: string[], q: Queryable = this.db): Promise<Map<string, string>> {
    return resolveKeys(q, 'customers', 'external_id', workspaceId, externalIds);
  }

  /** Ids for Segment anonymousIds, creating an anonymous customer (no external id) for each new one. */
  async resolveAliases(workspaceId: string, aliases: string[], q: Queryable = this.db): Promise<Map<string, string>> {
    const unique = [...new Set(aliases)].sort();
    const ids = new Map<string, string>();
    if (unique.length === 0) return ids;
    const known = await q.query<{ alias: string; customer_id: string }>(
      'SELECT alias, customer_id FROM customer_aliases WHERE workspace_id = $1 AND alias = ANY($2::text[])',
      [workspaceId, unique],
    );
    for (const r of known.rows) ids.set(r.alias, r.customer_id);
    const missing = unique.filter((a) => !ids.has(a));
    if (missing.length === 0) return ids;
    const fresh = missing.map(() => newId());
    await q.query(
      `INSERT INTO customers (workspace_id, id) SELECT $1, unnest($2::uuid[])`,
      [workspaceId, fresh],
    );
    // A concurrent request may have claimed an alias meanwhile: ours is then an orphan row, which is
    // harmless (no events point at it) and cheaper than a lock per alias.
    const claimed = await q.query<{ alias: string; customer_id: string }>(
      `WITH input AS (SELECT * FROM unnest($2::text[], $3::uuid[]) AS t(alias, customer_id)),
            ins AS (INSERT INTO customer_aliases (workspace_id, alias, customer_id) SELECT $1, alias, customer_id FROM input
                    ON CONFLICT (workspace_id, alias) DO NOTHING RETURNING alias, customer_id)
       SELECT alias, customer_id FROM ins
       UNION ALL
       SELECT a.alias, a.customer_id FROM customer_aliases a JOIN input USING (alias) WHERE a.workspace_id = $1`,
      [workspaceId, missing, fresh],
    );
    for (const r of claimed.rows) ids.set(r.alias, r.customer_id);
    return ids;
  }

  /**
   * Points each alias at its identified customer. Where an alias belonged to an anonymous visitor
   * (no external id), that visitor's other aliases and consents move too, and the pair is returned
   * so the caller can move the visitor's events and orders before `removeAnonymous`. An alias that
   * already belongs to another identified customer (a shared device) is left alone.
   */
  async claimAliases(
    workspaceId: string,
    claims: { alias: string; customerId: string }[],
    q: Queryable = this.db,
  ): Promise<{ from: string; to: string }[]> {
    if (claims.length === 0) return [];
    const { rows } = await q.query<{ from_id: string; to_id: string }>(
      `SELECT DISTINCT a.customer_id AS from_id, x.customer_id AS to_id
       FROM unnest($2::text[], $3::uuid[]) AS x(alias, customer_id)
       JOIN customer_aliases a ON a.workspace_id = $1 AND a.alias = x.alias
       JOIN customers c ON c.workspace_id = $1 AND c.id = a.customer_id
       WHERE c.external_id IS NULL AND c.erased_at IS NULL AND a.customer_id <> x.customer_id`,
      [workspaceId, claims.map((c) => c.alias), claims.map((c) => c.customerId)],
    );
    const merges = rows.map((r) => ({ from: r.from_id, to: r.to_id }));
    for (const m of merges) {
      await q.query('UPDATE customer_aliases SET customer_id = $3 WHERE workspace_id = $1 AND customer_id = $2', [workspaceId, m.from, m.to]);
      await q.query('UPDATE consents SET customer_id = $3 WHERE workspace_id = $1 AND customer_id = $2', [workspaceId, m.from, m.to]);
    }
    await q.query(
      `INSERT INTO customer_aliases (workspace_id, alias, customer_id)
       SELECT $1, alias, customer_id FROM unnest($2::text[], $3::uuid[]) AS t(alias, customer_id)
       ON CONFLICT (workspace_id, alias) DO NOTHING`,
      [workspaceId, claims.map((c) => c.alias), claims.map((c) => c.customerId)],
    );
    return merges;
  }

  /** Deletes anonymous visitors whose data was moved to an identified customer. */
  async removeAnonymous(workspaceId: string, ids: string[], q: Queryable = this.db): Promise<void> {
    if (ids.length === 0) return;
    await q.query('DELETE FROM customers WHERE workspace_id = $1 AND id = ANY($2::uuid[]) AND external_id IS NULL', [workspaceId, ids]);
  }

  async insertConsents(
    workspaceId: string,
    consents: (ConsentInput & { customerId: string })[],
    q: Queryable = this.db,
  ): Promise<void> {
    if (consents.length === 0) return;
    // The history records changes: a record that repeats the customer's current status on that
    // channel (a re-imported file, a form submitted twice) adds nothing and is skipped.
    await q.query(
      `INSERT INTO consents (workspace_id, customer_id, id, channel, status, source, recorded_at)
       SELECT $1, x.customer_id, x.id, x.channel, x.status, x.source, x.recorded_at
       FROM jsonb_to_recordset($2::jsonb) AS x(customer_id uuid, id uuid, channel text, status text, source text, recorded_at timestamptz)
       WHERE x.status IS DISTINCT FROM (SELECT c.status FROM consents c
                                        WHERE c.workspace_id = $1 AND c.customer_id = x.customer_id AND c.channel = x.channel
                                        ORDER BY c.recorded_at DESC, c.created_at DESC LIMIT 1)`,
      [
        workspaceId,
        JSON.stringify(
          consents.map((c) => ({ customer_id: c.customerId, id: newId(), channel: c.channel, status: c.status, source: c.source, recorded_at: c.recordedAt })),
        ),
      ],
    );
  }

  /** The latest consent per channel: what the delivery gate checks. */
  async consentState(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<ConsentState[]> {
    const { rows } = await q.query<{ channel: ConsentChannel; status: 'opted_in' | 'opted_out'; source: string; recorded_at: Date }>(
      `SELECT DISTINCT ON (channel) channel, status, source, recorded_at FROM consents
       WHERE workspace_id = $1 AND customer_id = $2 ORDER BY channel, recorded_at DESC, created_at DESC`,
      [workspaceId, customerId],
    );
    return rows.map((r) => ({ channel: r.channel, status: r.status, source: r.source, recordedAt: r.recorded_at }));
  }

  async consentHistory(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<ConsentState[]> {
    const { rows } = await q.query<{ channel: ConsentChannel; status: 'opted_in' | 'opted_out'; source: string; recorded_at: Date }>(
      `SELECT channel, status, source, recorded_at FROM consents WHERE workspace_id = $1 AND customer_id = $2 ORDER BY recorded_at`,
      [workspaceId, customerId],
    );
    return rows.map((r) => ({ channel: r.channel, status: r.status, source: r.source, recordedAt: r.recorded_at }));
  }

  async get(workspaceId: string, id: string, q: Queryable = this.db): Promise<Customer> {
    const { rows } = await q.query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
    if (!rows[0]) throw new NotFoundError(`customer ${id} not found`);
    return toCustomer(rows[0]);
  }

  /** By our id or, failing that, by the client's external id: clients know theirs. */
  async find(workspaceId: string, idOrExternalId: string, q: Queryable = this.db): Promise<Customer> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrExternalId);
    const { rows } = await q.query<CustomerRow>(
      `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE workspace_id = $1 AND (external_id = $2 ${isUuid ? 'OR id = $2::uuid' : ''})
       ORDER BY (external_id = $2) DESC LIMIT 1`,
      [workspaceId, idOrExternalId],
    );
    if (!rows[0]) throw new NotFoundError(`customer ${idOrExternalId} not found`);
    return toCustomer(rows[0]);
  }

  async list(workspaceId: string, query: ListCustomersQuery): Promise<{ data: Customer[]; nextCursor: string | null }> {
    const where = new ListFilter('workspace_id = ?', workspaceId);
    if (query.cursor) where.add('id > ?::uuid', decodeCursor(query.cursor));
    if (query.email) where.add('lower(email) = lower(?)', query.email);
    if (query.accountId) where.add('account_id = ?::uuid', query.accountId);
    if (query.updatedSince) where.add('updated_at >= ?', query.updatedSince);
    if (query.search) where.add('search_text LIKE ?', searchPattern(query.search));
    const limit = where.limit(query.limit);
    const { rows } = await this.db.query<CustomerRow>(
      `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE ${where.sql} AND erased_at IS NULL ORDER BY id LIMIT ${limit}`,
      where.values,
    );
    const { data, nextCursor } = pageOf(rows, query.limit);
    return { data: data.map(toCustomer), nextCursor };
  }

  /** The privacy export's part: the profile, the anonymous ids that point at it, every consent record. */
  async exportCustomer(workspaceId: string, id: string, q: Queryable = this.db) {
    return { customer: await this.get(workspaceId, id, q), aliases: await this.aliases(workspaceId, id, q), consents: await this.consentHistory(workspaceId, id, q) };
  }

  /**
   * Erasure (APPI/GDPR): personal fields are wiped, the row stays under its random id so that
   * orders keep counting in KPIs, aliases and consents go, and hashes of the email and phone go on
   * the suppression list so nothing is ever sent to them again. Running it again changes nothing.
   */
  async eraseCustomer(workspaceId: string, id: string, q: Queryable = this.db): Promise<void> {
    const customer = await this.get(workspaceId, id, q);
    const hashes = [
      customer.email && { kind: 'email', hash: contactHash(customer.email) },
      customer.phone && { kind: 'phone', hash: contactHash(customer.phone) },
      customer.lineUserId && { kind: 'line', hash: contactHash(customer.lineUserId) },
    ].filter((h): h is { kind: string; hash: string } => Boolean(h));
    if (hashes.length > 0) {
      await q.query(
        `INSERT INTO suppressions (workspace_id, value_hash, kind, reason)
         SELECT $1, hash, kind, 'erased' FROM unnest($2::text[], $3::text[]) AS t(hash, kind)
         ON CONFLICT (workspace_id, value_hash) DO NOTHING`,
        [workspaceId, hashes.map((h) => h.hash), hashes.map((h) => h.kind)],
      );
    }
    await q.query('DELETE FROM customer_aliases WHERE workspace_id = $1 AND customer_id = $2', [workspaceId, id]);
    await q.query('DELETE FROM consents WHERE workspace_id = $1 AND customer_id = $2', [workspaceId, id]);
    await q.query(
      `UPDATE customers SET external_id = NULL, email = NULL, phone = NULL, line_user_id = NULL, family_name = NULL,
         given_name = NULL, family_name_kana = NULL, given_name_kana = NULL, birthday = NULL, postal_code = NULL,
         prefecture = NULL, city = NULL, address_line1 = NULL, address_line2 = NULL, attributes = '{}', search_text = NULL,
         erased_at = coalesce(erased_at, now()), updated_at = now()
       WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, id],
    );
  }

  /** The Segment anonymousIds (and alias previousIds) that point at a customer. */
  async aliases(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<{ alias: string; createdAt: Date }[]> {
    const { rows } = await q.query<{ alias: string; created_at: Date }>(
      'SELECT alias, created_at FROM customer_aliases WHERE workspace_id = $1 AND customer_id = $2 ORDER BY created_at, alias',
      [workspaceId, customerId],
    );
    return rows.map((r) => ({ alias: r.alias, createdAt: r.created_at }));
  }

  /**
   * Adds contact values to the suppression list in bulk (messaging's unsubscribes, hard bounces and
   * complaints), inside the caller's transaction `q`. Static: the list is this module's table, and
   * callers that hold only a Queryable (a worker's transaction) write it through here. An existing
   * entry keeps its reason unless the new one is stronger (a hard bounce beats an unsubscribe; an
   * erasure is never overwritten).
   */
  static async addSuppressions(q: Queryable, workspaceId: string, entries: { kind: 'email' | 'phone' | 'line'; value: string; reason: 'unsubscribed' | 'hard_bounce' | 'complaint' }[]): Promise<void> {
    if (entries.length === 0) return;
    await q.query(
      `INSERT INTO suppressions (workspace_id, value_hash, kind, reason)
       SELECT $1, hash, kind, reason FROM unnest($2::text[], $3::text[], $4::text[]) AS t(hash, kind, reason)
       ON CONFLICT (workspace_id, value_hash) DO UPDATE SET reason = EXCLUDED.reason
         WHERE suppressions.reason NOT IN ('erased', 'hard_bounce') AND EXCLUDED.reason = 'hard_bounce'`,
      [workspaceId, entries.map((e) => contactHash(e.value)), entries.map((e) => e.kind), entries.map((e) => e.reason)],
    );
  }

  /** Why each of `values` is suppressed, keyed by contactHash (absent: not suppressed), in one query whatever their number. */
  static async suppressionReasons(q: Queryable, workspaceId: string, values: string[]): Promise<Map<string, string>> {
    const hashes = [...new Set(values.map(contactHash))];
    if (hashes.length === 0) return new Map();
    const { rows } = await q.query<{ value_hash: string; reason: string }>(
      'SELECT value_hash, reason FROM suppressions WHERE workspace_id = $1 AND value_hash = ANY($2::text[])',
      [workspaceId, hashes],
    );
    return new Map(rows.map((r) => [r.value_hash, r.reason]));
  }

  /** Whether an email, phone or LINE id was erased or suppressed; the delivery gate asks this. */
  async isSuppressed(workspaceId: string, value: string, q: Queryable = this.db): Promise<boolean> {
    const { rowCount } = await q.query('SELECT 1 FROM suppressions WHERE workspace_id = $1 AND value_hash = $2', [
      workspaceId,
      contactHash(value),
    ]);
    return (rowCount ?? 0) > 0;
  }
}

/** Below this many rows a walk of a workspace's customers is short: ANALYZE would cost more than it saves. */
const ANALYZE_FROM_ROWS = 1_000;

const CUSTOMERS = { table: 'customers', keyColumn: 'external_id', keyField: 'externalId', fields: FIELDS, touch: 'updated_at = now()' };

/** Addresses are hashed in one normal form so that "Foo@Example.com" and "foo@example.com" match. */
export function contactHash(value: string): string {
  return createHash('sha256').update(value.trim().toLowerCase()).digest('hex');
}
