import { createHash } from 'node:crypto';
import { eventInput, type EventInput } from '../../../events/index.ts';
import { parseInstant } from '../dates.ts';
import { schemaIssues, type CsvKind } from '../kind.ts';

const fields = [
  { key: 'customerExternalId', aliases: ['顧客ID', '会員ID', '顧客番号', '会員番号', 'ユーザーID', 'customer_id', 'user_id', 'member_id'] },
  { key: 'name', aliases: ['イベント名', 'イベント', 'event', 'event_name', 'name'] },
  { key: 'occurredAt', aliases: ['日時', '発生日時', '日付', 'timestamp', 'occurred_at', 'date', 'time'] },
  { key: 'messageId', aliases: ['イベントID', 'メッセージID', 'event_id', 'message_id'] },
];

type EventRow = Record<string, unknown>;

/**
 * Events: one row each. Without an イベントID column, the id is a hash of the row's content, so
 * importing the same file twice stores each event once. Columns that match nothing are properties.
 */
export const eventsKind: CsvKind<EventRow, EventInput> = {
  fields,
  required: [['customerExternalId'], ['name'], ['occurredAt']],

  read(row, ctx) {
    const out: EventRow = {
      customerExternalId: row.text('customerExternalId'),
      name: row.text('name'),
      occurredAt: row.parse('occurredAt', (v) => parseInstant(v, ctx.timeZone), 'a date and time such as 2024/01/05 10:30'),
      properties: row.extras() ?? {},
    };
    for (const key of ['customerExternalId', 'name', 'occurredAt']) if (row.text(key) === undefined) row.fail(key, 'is empty');
    out.messageId =
      row.text('messageId') ??
      `csv:${createHash('sha256')
        .update(JSON.stringify([out.customerExternalId, out.name, (out.occurredAt as Date | undefined)?.toISOString(), out.properties]))
        .digest('base64url')}`;
    return out;
  },

  build([row], _ctx, issueAt) {
    const parsed = eventInput.safeParse(row!.value);
    return parsed.success ? parsed.data : schemaIssues(parsed.error, row!.line, issueAt);
  },

  async write(services, ctx, entities, q) {
    const r = await services.events.insertMany(ctx.workspaceId, entities, q);
    return { created: r.inserted, updated: 0, duplicates: r.duplicates };
  },
};
