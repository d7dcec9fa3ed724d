import { ValidationError, type FieldIssue } from '../../kernel/errors.ts';
import type { Queryable } from '../../db/database.ts';
import type { CustomerService } from '../customers/service.ts';
import { newIds } from './batchIds.ts';
import type { EventInput, StoredEvent } from './types.ts';

/** Behavioural events, stored once per messageId. */
export class EventService {
  constructor(
    private readonly db: Queryable,
    private readonly customers: CustomerService,
  ) {}

  async insertMany(workspaceId: string, inputs: EventInput[], q: Queryable = this.db): Promise<{ inserted: number; duplicates: number }> {
    if (inputs.length === 0) return { inserted: 0, duplicates: 0 };
    const issues: FieldIssue[] = [];
    inputs.forEach((e, index) => {
      if (!e.customerExternalId && !e.anonymousId) issues.push({ path: [index, 'userId'], message: 'userId or anonymousId is required' });
    });
    if (issues.length > 0) throw new ValidationError('Events need a person', issues);

    const known = await this.customers.resolveIds(workspaceId, inputs.flatMap((e) => (e.customerExternalId ? [e.customerExternalId] : [])), q);
    const anonymous = await this.customers.resolveAliases(
      workspaceId,
      inputs.flatMap((e) => (!e.customerExternalId && e.anonymousId ? [e.anonymousId] : [])),
      q,
    );
    const ids = newIds(inputs.length);
    const rows = inputs.map((e, i) => ({
      customer_id: e.customerExternalId ? known.get(e.customerExternalId) : anonymous.get(e.anonymousId!),
      id: ids[i],
      message_id: e.messageId,
      name: e.name,
      properties: e.properties,
      context: e.context ?? null,
      occurred_at: e.occurredAt,
    }));
    const { rows: result } = await q.query<{ inserted: number }>(
      `WITH ins AS (
         INSERT INTO events (workspace_id, customer_id, id, message_id, name, properties, context, occurred_at)
         SELECT $1, x.customer_id, x.id, x.message_id, x.name, x.properties, x.context, x.occurred_at
         FROM jsonb_to_recordset($2::jsonb) AS x(customer_id uuid, id uuid, message_id text, name text, properties jsonb,
           context jsonb, occurred_at timestamptz)
         ON CONFLICT (workspace_id, message_id) DO NOTHING
         RETURNING 1)
       SELECT count(*)::int AS inserted FROM ins`,
      [workspaceId, JSON.stringify(rows)],
    );
    const inserted = result[0]!.inserted;
    return { inserted, duplicates: inputs.length - inserted };
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
    const { rows } = await q.query(
      `SELECT id, customer_id, message_id, name, properties, context, occurred_at, received_at FROM events
       WHERE workspace_id = $1 AND customer_id = $2 ORDER BY occurred_at, id`,
      [workspaceId, customerId],
    );
    const events = rows.map((r) => ({
      id: r.id as string,
      customerId: r.customer_id as string,
      messageId: r.message_id as string,
      name: r.name as string,
      properties: r.properties as Record<string, unknown>,
      context: r.context as Record<string, unknown> | null,
      occurredAt: r.occurred_at as Date,
      receivedAt: r.received_at as Date,
    }));
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
    const { rows } = await q.query(
      `SELECT id, customer_id, message_id, name, properties, occurred_at, received_at FROM events
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
    const { rows } = await q.query(
      `SELECT id, customer_id, message_id, name, properties, occurred_at, received_at FROM events
       WHERE workspace_id = $1 AND customer_id = $2 AND ($3::timestamptz IS NULL OR occurred_at < $3)
       ORDER BY occurred_at DESC LIMIT $4`,
      [workspaceId, customerId, options.before ?? null, options.limit],
    );
    return rows.map((r) => ({
      id: r.id as string,
      customerId: r.customer_id as string,
      messageId: r.message_id as string,
      name: r.name as string,
      properties: r.properties as Record<string, unknown>,
      occurredAt: r.occurred_at as Date,
      receivedAt: r.received_at as Date,
    }));
  }
}

function toStoredEvent(r: Record<string, unknown>): StoredEvent {
  return {
    id: r.id as string,
    customerId: r.customer_id as string,
    messageId: r.message_id as string,
    name: r.name as string,
    properties: r.properties as Record<string, unknown>,
    occurredAt: r.occurred_at as Date,
    receivedAt: r.received_at as Date,
  };
}
