import type { Queryable } from '../../db/database.ts';
import { NotFoundError } from '../../kernel/errors.ts';
import { decodeCursor, ListFilter, pageOf } from '../../kernel/listQuery.ts';
import type { Channel, MessageClass } from './types.ts';

/** A message the outbox channel stored (see channels/outbox.ts). */
export interface OutboxMessage {
  id: string;
  campaignId: string | null;
  campaignName: string | null;
  customerId: string | null;
  channel: Channel;
  class: MessageClass;
  to: string;
  subject: string | null;
  text: string | null;
  headers: Record<string, string>;
  createdAt: Date;
}

export interface OutboxQuery {
  limit: number;
  cursor?: string;
  campaignId?: string;
  customerId?: string;
}

const COLUMNS = `o.id, o.campaign_id, c.name AS campaign_name, o.customer_id, o.channel, o.class, o.recipient, o.subject, o.text, o.headers, o.created_at`;

/** Newest first; ids are UUIDv7, so the cursor is the last id seen. */
export async function listOutbox(q: Queryable, workspaceId: string, query: OutboxQuery): Promise<{ data: OutboxMessage[]; nextCursor: string | null }> {
  const where = new ListFilter('o.workspace_id = ?', workspaceId);
  if (query.cursor) where.add('o.id < ?::uuid', decodeCursor(query.cursor));
  if (query.campaignId) where.add('o.campaign_id = ?::uuid', query.campaignId);
  if (query.customerId) where.add('o.customer_id = ?::uuid', query.customerId);
  const limit = where.limit(query.limit);
  const { rows } = await q.query(
    `SELECT ${COLUMNS} FROM outbox_messages o LEFT JOIN campaigns c ON c.workspace_id = o.workspace_id AND c.id = o.campaign_id
     WHERE ${where.sql} ORDER BY o.id DESC LIMIT ${limit}`,
    where.values,
  );
  return pageOf(rows.map(toOutboxMessage), query.limit);
}

/** One message with its html (email) and the channel's whole content (LINE messages, push data). */
export async function getOutboxMessage(q: Queryable, workspaceId: string, id: string): Promise<OutboxMessage & { html: string | null; content: Record<string, unknown> }> {
  const { rows } = await q.query(
    `SELECT ${COLUMNS}, o.html, o.content FROM outbox_messages o LEFT JOIN campaigns c ON c.workspace_id = o.workspace_id AND c.id = o.campaign_id
     WHERE o.workspace_id = $1 AND o.id = $2`,
    [workspaceId, id],
  );
  if (!rows[0]) throw new NotFoundError(`outbox message ${id} not found`);
  return { ...toOutboxMessage(rows[0]), html: (rows[0].html as string | null) ?? null, content: rows[0].content as Record<string, unknown> };
}

function toOutboxMessage(r: Record<string, unknown>): OutboxMessage {
  return {
    id: r.id as string,
    campaignId: (r.campaign_id as string | null) ?? null,
    campaignName: (r.campaign_name as string | null) ?? null,
    customerId: (r.customer_id as string | null) ?? null,
    channel: r.channel as Channel,
    class: r.class as MessageClass,
    to: r.recipient as string,
    subject: (r.subject as string | null) ?? null,
    text: (r.text as string | null) ?? null,
    headers: r.headers as Record<string, string>,
    createdAt: r.created_at as Date,
  };
}
