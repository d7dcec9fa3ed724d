import { ValidationError, type FieldIssue } from '../../kernel/errors.ts';
import type { Queryable } from '../../db/database.ts';
import type { CustomerService } from '../customers/index.ts';
import { newIdSql, newIds } from '../../db/ids.ts';
import { camelRow, type RowOf } from '../../kernel/rowMapper.ts';
import type { EventInput, StoredEvent } from './types.ts';

/** Behavioural events, stored once per messageId. */
export class EventService {
  /** userId → customer id facts, per process; `insertMany` verifies each one it uses. */
  private readonly knownCustomers = new KnownCustomers();

  constructor(
    private readonly db: Queryable,
    private readonly customers: CustomerService,
  ) {}

  /**
   * Stores events, once per messageId, inside the caller's transaction `q`. The person of each
   * event is its userId's customer (created bare if new) or its anonymousId's (see
   * `CustomerService.resolveAliases`). `resolved` is called between finding the people and writing.
   */
  async insertMany(
    workspaceId: string,
    inputs: EventInput[],
    q: Queryable = this.db,
    hooks: { resolved?(): void } = {},
  ): Promise<{ inserted: number; duplicates: number }> {
    return (await this.insertGroups(workspaceId, [inputs], q, hooks))[0]!;
  }

  /**
   * `insertMany` for several batches at once (ingest's group commit), in one statement, with the
   * counts of each. A messageId repeated across groups is stored for the first group that has it.
   */
  async insertGroups(
    workspaceId: string,
    groups: EventInput[][],
    q: Queryable = this.db,
    hooks: { resolved?(): void } = {},
  ): Promise<{ inserted: number; duplicates: number }[]> {
    const inputs = groups.flat();
    const issues: FieldIssue[] = [];
    inputs.forEach((e, index) => {
      if (!e.customerExternalId && !e.anonymousId) issues.push({ path: [index, 'userId'], message: 'userId or anonymousId is required' });
    });
    if (issues.length > 0) throw new ValidationError('Events need a person', issues);

    const stored = new Array<boolean>(inputs.length).fill(true);
    if (inputs.length > 0) {
      const people = await this.resolvePeople(workspaceId, inputs, q);
      hooks.resolved?.();
      const first = await this.insertChecked(workspaceId, inputs, people, q);
      for (const i of first.duplicates) stored[i] = false;
      for (const i of first.stale) stored[i] = false;
      if (first.stale.length > 0) {
        // Cached ids that no longer name their customer (erased, or never committed): forget them,
        // look those people up again in this transaction, and write their events.
        const staleInputs = first.stale.map((i) => inputs[i]!);
        for (const e of staleInputs) this.knownCustomers.forget(workspaceId, e.customerExternalId!);
        const again = await this.insertChecked(workspaceId, staleInputs, await this.resolvePeople(workspaceId, staleInputs, q), q);
        const notStored = new Set([...again.duplicates, ...again.stale]);
        first.stale.forEach((i, j) => (stored[i] = !notStored.has(j)));
      }
    }
    let offset = 0;
    return groups.map((group) => {
      const inserted = stored.slice(offset, (offset += group.length)).filter(Boolean).length;
      return { inserted, duplicates: group.length - inserted };
    });
  }

  /**
   * After the caller's commit: the customers this process caches tell about how many rows the table
   * has at least (a rolled-back batch's may be among them; see `CustomerService.analyzeIfOutgrown`).
   */
  analyzeCustomersIfOutgrown(): Promise<void> {
    return this.customers.analyzeIfOutgrown(this.knownCustomers.size);
  }

  /**
   * The customer id of each input, and which of them came from this process's cache (those are
   * verified by the insert). Only userId → id facts are cached: an external id keeps its customer
   * until erasure, while anonymous ids move on merges, so those are looked up every time.
   */
  private async resolvePeople(workspaceId: string, inputs: EventInput[], q: Queryable): Promise<{ ids: (string | undefined)[]; cached: boolean[] }> {
    const remembered = new Map<string, string>();
    const missing = new Set<string>();
    for (const e of inputs) {
      const key = e.customerExternalId;
      if (!key || remembered.has(key) || missing.has(key)) continue;
      const id = this.knownCustomers.get(workspaceId, key);
      if (id) remembered.set(key, id);
      else missing.add(key);
    }
    const fresh = await this.customers.resolveIds(workspaceId, [...missing], q);
    const anonymous = await this.customers.resolveAliases(
      workspaceId,
      inputs.flatMap((e) => (!e.customerExternalId && e.anonymousId ? [e.anonymousId] : [])),
      q,
    );
    const ids: (string | undefined)[] = [];
    const cached: boolean[] = [];
    for (const e of inputs) {
      if (e.customerExternalId) {
        const id = fresh.get(e.customerExternalId);
        ids.push(id ?? remembered.get(e.customerExternalId));
        cached.push(id === undefined);
      } else {
        ids.push(anonymous.get(e.anonymousId!));
        cached.push(false);
      }
    }
    // Remembered before commit: should this transaction roll back, the insert's check catches the id.
    for (const [externalId, id] of fresh) this.knownCustomers.set(workspaceId, externalId, id);
    return { ids, cached };
  }

  /**
   * One statement: events whose customer id came from the cache are written only if that customer
   * still has that external id (the published view `customer_external_ids`, read in this
   * transaction, so another process's erasure is seen); the indexes of the others come back as
   * `stale`, those of the repeated messageIds as `duplicates`. The check is a correlated subquery, so
   * one primary-key probe per event: as `NOT EXISTS` the planner hashed every customer of the
   * workspace for each statement, a cost that grew with the workspace, not the batch. Only those few indexes come back, not
   * the stored rows. Properties and contexts go as one JSON array each, and times as epoch
   * milliseconds: a `jsonb[]` literal needs every quote of every object escaped, and formatting
   * dates for `timestamptz[]`, which were most of the Node side's cost of a batch.
   */
  private async insertChecked(
    workspaceId: string,
    inputs: EventInput[],
    people: { ids: (string | undefined)[]; cached: boolean[] },
    q: Queryable,
  ): Promise<{ duplicates: number[]; stale: number[] }> {
    const { rows } = await q.query<{ duplicates: number[]; stale: number[] }>(
      `WITH x AS (
         SELECT * FROM ROWS FROM (unnest($2::uuid[]), unnest($3::text[]), unnest($4::uuid[]), unnest($5::text[]), unnest($6::text[]),
                                  json_array_elements($7::json), json_array_elements($8::json), unnest($9::float8[]))
           WITH ORDINALITY AS x(customer_id, cached_key, id, message_id, name, properties, context, occurred_ms, ord)),
       stale AS (
         SELECT x.ord FROM x WHERE x.cached_key IS NOT NULL AND x.cached_key IS DISTINCT FROM (
           SELECT k.external_id FROM customer_external_ids k WHERE k.workspace_id = $1 AND k.customer_id = x.customer_id)),
       ins AS (
         INSERT INTO events (workspace_id, customer_id, id, message_id, name, properties, context, occurred_at)
         SELECT $1, x.customer_id, x.id, x.message_id, x.name, x.properties::jsonb, nullif(x.context::jsonb, 'null'), 'epoch'::timestamptz + x.occurred_ms * interval '1 millisecond'
         FROM x WHERE x.ord NOT IN (SELECT ord FROM stale)
         ON CONFLICT (workspace_id, message_id) DO NOTHING
         RETURNING id)
       SELECT ARRAY(SELECT (ord - 1)::int FROM x WHERE ord NOT IN (SELECT ord FROM stale) AND id NOT IN (SELECT id FROM ins) ORDER BY ord) AS duplicates,
              ARRAY(SELECT (ord - 1)::int FROM stale ORDER BY ord) AS stale`,
      [
        workspaceId,
        people.ids,
        inputs.map((e, i) => (people.cached[i] ? e.customerExternalId! : null)),
        newIds(inputs.length),
        inputs.map((e) => e.messageId),
        inputs.map((e) => e.name),
        JSON.stringify(inputs.map((e) => e.properties)),
        JSON.stringify(inputs.map((e) => e.context ?? null)),
        inputs.map((e) => e.occurredAt.getTime()),
      ],
    );
    return rows[0]!;
  }

  /**
   * Events the platform derives about customers it already knows by id (e.g. "Lifecycle Stage
   * Changed" from a scoring run), many at once; a repeated messageId is stored once.
   */
  async insertForCustomers(
    workspaceId: string,
    events: { customerId: string; messageId: string; name: string; properties: Record<string, unknown>; occurredAt: Date }[],
    q: Queryable = this.db,
  ): Promise<{ inserted: number; duplicates: number }> {
    let inserted = 0;
    for (let i = 0; i < events.length; i += 10_000) {
      const chunk = events.slice(i, i + 10_000);
      const { rows } = await q.query<{ inserted: number }>(
        `WITH ins AS (
           INSERT INTO events (workspace_id, customer_id, id, message_id, name, properties, occurred_at)
           SELECT $1, x.customer_id, x.id, x.message_id, x.name, x.properties, x.occurred_at
           FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[])
             AS x(customer_id, id, message_id, name, properties, occurred_at)
           ON CONFLICT (workspace_id, message_id) DO NOTHING
           RETURNING 1)
         SELECT count(*)::int AS inserted FROM ins`,
        [
          workspaceId,
          chunk.map((e) => e.customerId),
          newIds(chunk.length),
          chunk.map((e) => e.messageId),
          chunk.map((e) => e.name),
          chunk.map((e) => JSON.stringify(e.properties)),
          chunk.map((e) => e.occurredAt),
        ],
      );
      inserted += rows[0]!.inserted;
    }
    return { inserted, duplicates: events.length - inserted };
  }

  /**
   * `insertForCustomers` for events a set-based change has in the database (a temp table of the
   * caller's transaction `q`), so millions of them need not pass through Node: `source.sql` returns
   * customer_id, message_id, name, properties (jsonb), occurred_at; `$1` in it is the workspace id,
   * `source.params` are `$2`…. Ids are given in the order of its rows.
   */
  async insertForCustomersFrom(workspaceId: string, source: { sql: string; params: unknown[] }, q: Queryable): Promise<{ inserted: number; duplicates: number }> {
    // The id counter's seed is a parameter, not a joined one-row CTE: under a caller's
    // enable_nestloop = off (segment refreshes) that join cost 1e10, and JIT compiled the statement.
    const seed = `$${source.params.length + 2}::bigint`;
    const { rows } = await q.query<{ inserted: number; total: number }>(
      `WITH x AS MATERIALIZED (SELECT s.*, row_number() OVER () AS ord FROM (${source.sql}) s),
       ins AS (
         INSERT INTO events (workspace_id, customer_id, id, message_id, name, properties, occurred_at)
         SELECT $1, x.customer_id, ${newIdSql(seed, 'x.ord')}, x.message_id, x.name, x.properties, x.occurred_at
         FROM x ORDER BY x.ord
         ON CONFLICT (workspace_id, message_id) DO NOTHING
         RETURNING 1)
       SELECT (SELECT count(*)::int FROM ins) AS inserted, (SELECT count(*)::int FROM x) AS total`,
      [workspaceId, ...source.params, Math.floor(Math.random() * 2 ** 31)],
    );
    return { inserted: rows[0]!.inserted, duplicates: rows[0]!.total - rows[0]!.inserted };
  }

  /** Moves an anonymous visitor's events to the customer they turned out to be. */
  async moveCustomer(workspaceId: string, fromCustomerId: string, toCustomerId: string, q: Queryable = this.db): Promise<void> {
    await q.query('UPDATE events SET customer_id = $3 WHERE workspace_id = $1 AND customer_id = $2', [workspaceId, fromCustomerId, toCustomerId]);
  }

  /** The privacy export's part: every event of a customer with its context (IP, user agent, …), oldest first. */
  async exportCustomer(
    workspaceId: string,
    customerId: string,
    q: Queryable = this.db,
  ): Promise<{ events: (StoredEvent & { context: Record<string, unknown> | null })[] }> {
    const { rows } = await q.query<RowOf<typeof toEventWithContext>>(
      `SELECT ${toEventWithContext.columns} FROM events
       WHERE workspace_id = $1 AND customer_id = $2 ORDER BY occurred_at, id`,
      [workspaceId, customerId],
    );
    const events = rows.map(toEventWithContext);
    return { events };
  }

  /** Erasure: properties and context may hold personal data; the event's name and time stay for the KPIs. */
  async eraseCustomer(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<void> {
    await q.query(`UPDATE events SET properties = '{}', context = NULL WHERE workspace_id = $1 AND customer_id = $2`, [workspaceId, customerId]);
  }

  /**
   * Events with one of `names` received after the keyset position `after` (received_at, id), in
   * received order: what a reader with a cursor (the journeys trigger scanner) has not seen yet.
   */
  async receivedSince(
    workspaceId: string,
    names: string[],
    options: { after: { receivedAt: Date; id: string }; limit: number },
    q: Queryable = this.db,
  ): Promise<StoredEvent[]> {
    if (names.length === 0) return [];
    const { rows } = await q.query<RowOf<typeof toStoredEvent>>(
      `SELECT ${toStoredEvent.columns} FROM events
       WHERE workspace_id = $1 AND (received_at, id) > ($3, $4::uuid) AND name = ANY($2::text[])
       ORDER BY received_at, id LIMIT $5`,
      [workspaceId, names, options.after.receivedAt, options.after.id, options.limit],
    );
    return rows.map(toStoredEvent);
  }

  /** When the customer first did `name` at or after `since` (null if not yet). */
  async firstSince(workspaceId: string, customerId: string, name: string, since: Date, q: Queryable = this.db): Promise<Date | null> {
    const { rows } = await q.query<{ at: Date | null }>(
      'SELECT min(occurred_at) AS at FROM events WHERE workspace_id = $1 AND customer_id = $2 AND occurred_at >= $3 AND name = $4',
      [workspaceId, customerId, since, name],
    );
    return rows[0]?.at ?? null;
  }

  /** A customer's events, newest first (the 360 timeline). */
  async forCustomer(
    workspaceId: string,
    customerId: string,
    options: { limit: number; before?: Date } = { limit: 100 },
    q: Queryable = this.db,
  ): Promise<StoredEvent[]> {
    const { rows } = await q.query<RowOf<typeof toStoredEvent>>(
      `SELECT ${toStoredEvent.columns} FROM events
       WHERE workspace_id = $1 AND customer_id = $2 AND ($3::timestamptz IS NULL OR occurred_at < $3)
       ORDER BY occurred_at DESC LIMIT $4`,
      [workspaceId, customerId, options.before ?? null, options.limit],
    );
    return rows.map(toStoredEvent);
  }
}

const toStoredEvent = camelRow<StoredEvent>()('id customer_id message_id name properties occurred_at received_at');
const toEventWithContext = camelRow<StoredEvent & { context: Record<string, unknown> | null }>()('id customer_id message_id name properties context occurred_at received_at');

/**
 * Positive facts only ("this external id named this customer"), per workspace and bounded: when
 * full it starts over, which costs lookups, never correctness. Nested maps rather than one keyed by
 * `workspace externalId`: building and hashing that string per event was a visible share of a batch.
 */
class KnownCustomers {
  private readonly byWorkspace = new Map<string, Map<string, string>>();
  private entries = 0;

  /** Entries over all workspaces. */
  get size(): number {
    return this.entries;
  }

  get(workspaceId: string, externalId: string): string | undefined {
    return this.byWorkspace.get(workspaceId)?.get(externalId);
  }

  set(workspaceId: string, externalId: string, id: string): void {
    if (this.entries >= KNOWN_CUSTOMERS_MAX) {
      this.byWorkspace.clear();
      this.entries = 0;
    }
    let ids = this.byWorkspace.get(workspaceId);
    if (!ids) this.byWorkspace.set(workspaceId, (ids = new Map()));
    if (!ids.has(externalId)) this.entries++;
    ids.set(externalId, id);
  }

  forget(workspaceId: string, externalId: string): void {
    if (this.byWorkspace.get(workspaceId)?.delete(externalId)) this.entries--;
  }
}

const KNOWN_CUSTOMERS_MAX = 500_000;
