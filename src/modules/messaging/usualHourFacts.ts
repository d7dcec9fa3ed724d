import type { Queryable } from '../../db/database.ts';
import { localMinuteOfDay } from './localTime.ts';
import { hourHistogram, nextUsualTime, usualHour, type Histogram, type UsualHour } from './usualHour.ts';

/** How far back a customer's habit is read. */
const HISTORY_DAYS = 180;
/** The workspace's fallback histogram is read from its latest events, a sample large enough for 24 bins. */
const WORKSPACE_SAMPLE = 5000;
const CHUNK = 2000;

interface Event {
  customer_id: string;
  at: Date;
  time_zone: string | null;
}

/**
 * Opens by people (a proxy's fetch at delivery only says when we sent), clicks and paying orders
 * since $2, each with its customer's time zone; of the customers in
 * $3 when `some`, else the workspace's (no `OR $3 IS NULL`: it would keep the planner off the
 * customer index).
 */
const eventsSql = (some: boolean) => {
  const who = some ? ' AND customer_id = ANY($3::uuid[])' : '';
  return `
  SELECT e.customer_id, e.at, c.time_zone FROM (
    SELECT customer_id, coalesce(human_opened_at, opened_at) AS at FROM deliveries
    WHERE workspace_id = $1 AND opened_at > $2 AND (human_opened_at IS NOT NULL OR machine_opened_at IS NULL)${who}
    UNION ALL
    SELECT customer_id, clicked_at FROM deliveries WHERE workspace_id = $1 AND clicked_at > $2${who}
    UNION ALL
    SELECT customer_id, ordered_at FROM paying_orders WHERE workspace_id = $1 AND ordered_at > $2${who}
  ) e JOIN customers c ON c.workspace_id = $1 AND c.id = e.customer_id`;
};

/** The workspace's engagement by local hour, over its latest events. */
export async function workspaceHistogram(q: Queryable, workspaceId: string, since: Date, timeZone: string): Promise<Histogram> {
  const { rows } = await q.query<Event>(`${eventsSql(false)} ORDER BY e.at DESC LIMIT ${WORKSPACE_SAMPLE}`, [workspaceId, since]);
  const h = new Array<number>(24).fill(0);
  for (const r of rows) h[Math.floor(localMinuteOfDay(r.at, r.time_zone ?? timeZone) / 60)]!++;
  return h;
}

/**
 * Each customer's next usual hour (usualHour.ts) after `now`: their own opens, clicks and orders
 * of the last 180 days, else the workspace's; customers with neither are left out (they go at
 * the campaign's time).
 */
export async function usualHourTimes(
  q: Queryable,
  workspaceId: string,
  customerIds: string[],
  now: Date,
  options: { windowHours: number; quietHours: { start: string; end: string } | null; timeZone: string },
): Promise<Map<string, { at: Date } & UsualHour>> {
  const since = new Date(now.getTime() - HISTORY_DAYS * 86_400_000);
  const fallback = await workspaceHistogram(q, workspaceId, since, options.timeZone);
  const out = new Map<string, { at: Date } & UsualHour>();
  // Everyone with the same hour and zone gets the same instant: computed once.
  const memo = new Map<string, Date>();
  for (let i = 0; i < customerIds.length; i += CHUNK) {
    const chunk = customerIds.slice(i, i + CHUNK);
    const { rows: zones } = await q.query<{ id: string; time_zone: string | null }>('SELECT id, time_zone FROM customers WHERE workspace_id = $1 AND id = ANY($2::uuid[])', [workspaceId, chunk]);
    const { rows: events } = await q.query<Event>(eventsSql(true), [workspaceId, since, chunk]);
    const byCustomer = new Map<string, Date[]>();
    for (const e of events) {
      const list = byCustomer.get(e.customer_id);
      if (list) list.push(e.at);
      else byCustomer.set(e.customer_id, [e.at]);
    }
    for (const z of zones) {
      const tz = z.time_zone ?? options.timeZone;
      const usual = usualHour(hourHistogram(byCustomer.get(z.id) ?? [], tz), fallback);
      if (!usual) continue;
      const key = `${usual.hour}:${tz}`;
      let at = memo.get(key);
      if (!at) memo.set(key, (at = nextUsualTime(now, usual.hour, tz, { windowHours: options.windowHours, quietHours: options.quietHours ?? undefined })));
      out.set(z.id, { at, ...usual });
    }
  }
  return out;
}
