import type { Db, Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import type { StoredEvent } from '../events/index.ts';
import { assignArm } from '../messaging/holdout.ts';
import type { Arm } from '../messaging/index.ts';
import { SEGMENT_ENTERED, SEGMENT_EXITED } from '../segments/index.ts';
import type { JourneyModules } from './deps.ts';
import type { Definition, Trigger } from './definition.ts';
import { addDays, localDate, nextLocalTime } from './localTime.ts';
import type { Runner } from './runner.ts';
import type { ScanResult } from './types.ts';

/** Written by the intelligence scoring run when a customer's lifecycle stage changes ({from, to}). */
export const STAGE_CHANGED = 'Lifecycle Stage Changed';
const DAY = 86_400_000;
/** Events received this long before the cursor are read again: a transaction that committed late is not missed (entries dedupe on the event id). */
const OVERLAP_MS = 60_000;
/** Events that happened longer ago than this are history, not triggers. */
const TRIGGER_HORIZON_MS = DAY;
const PAGE = 5_000;

export interface LiveJourney {
  id: string;
  version: number;
  definition: Definition;
  activatedAt: Date;
}

export interface Candidate {
  customerId: string;
  /** What caused the entry; the same source enters a journey once. */
  sourceKey: string;
  /** When the first step runs (a date trigger's time of day); now when absent. */
  startAt?: Date;
}

/**
 * Enters customers into one journey version, in one statement: entry rules (once, once per period,
 * always), one live run per customer (a partial unique index) and one entry per trigger source
 * are enforced by the database, so concurrent scanners and API calls cannot break them. The arm is
 * drawn by hash: the workspace's global control group, then the journey's holdout; held-out runs
 * have no step and only wait out the goal window (they are the comparison group for lift).
 */
export async function enterMany(
  q: Queryable,
  workspaceId: string,
  journey: LiveJourney,
  candidates: Candidate[],
  now: Date,
  globalControlPercent: number,
): Promise<{ runId: string; customerId: string; arm: Arm }[]> {
  if (candidates.length === 0) return [];
  const def = journey.definition;
  const seen = new Set<string>();
  const rows = [];
  for (const c of candidates) {
    if (seen.has(c.customerId)) continue;
    seen.add(c.customerId);
    const arm = assignArm({ workspaceId, campaignId: journey.id, customerId: c.customerId, holdoutPercent: def.holdoutPercent, globalControlPercent, transactional: false });
    const treated = arm === 'treatment';
    rows.push({
      id: newId(),
      customer_id: c.customerId,
      source_key: c.sourceKey,
      arm,
      step_id: treated ? def.start : null,
      due_at: treated ? (c.startAt ?? now) : new Date(now.getTime() + (def.goal ? def.goal.withinDays * DAY : 0)),
    });
  }
  const periodStart = new Date(now.getTime() - (def.entry.periodDays ?? 0) * DAY);
  const { rows: entered } = await q.query<{ id: string; customer_id: string; arm: Arm }>(
    `INSERT INTO journey_runs (workspace_id, id, journey_id, version, customer_id, arm, state, step_id, due_at, source_key, entered_at)
     SELECT $1, x.id, $2, $3, x.customer_id, x.arm, 'waiting', x.step_id, x.due_at, x.source_key, $5
     FROM jsonb_to_recordset($4::jsonb) AS x(id uuid, customer_id uuid, source_key text, arm text, step_id text, due_at timestamptz)
     WHERE NOT EXISTS (
       SELECT 1 FROM journey_runs r WHERE r.workspace_id = $1 AND r.journey_id = $2 AND r.customer_id = x.customer_id
         AND (r.state = 'waiting' OR $6 = 'once' OR ($6 = 'oncePerPeriod' AND r.entered_at > $7)))
     ON CONFLICT DO NOTHING
     RETURNING id, customer_id, arm`,
    [workspaceId, journey.id, journey.version, JSON.stringify(rows), now, def.entry.mode, periodStart],
  );
  return entered.map((r) => ({ runId: r.id, customerId: r.customer_id, arm: r.arm }));
}

/** Whether an event fires a trigger. */
export function fires(trigger: Trigger, e: Pick<StoredEvent, 'name' | 'properties'>): boolean {
  switch (trigger.type) {
    case 'event':
      return e.name === trigger.event && Object.entries(trigger.properties ?? {}).every(([k, v]) => e.properties[k] === v);
    case 'stage':
      return e.name === STAGE_CHANGED && e.properties.to === trigger.to && (!trigger.from || e.properties.from === trigger.from);
    case 'segment':
      return e.name === (trigger.on === 'enter' ? SEGMENT_ENTERED : SEGMENT_EXITED) && e.properties.segmentId === trigger.segmentId;
    default:
      return false;
  }
}

function triggerEventName(trigger: Trigger): string | null {
  if (trigger.type === 'event') return trigger.event;
  if (trigger.type === 'stage') return STAGE_CHANGED;
  if (trigger.type === 'segment') return trigger.on === 'enter' ? SEGMENT_ENTERED : SEGMENT_EXITED;
  return null;
}

/**
 * The trigger scanner of one workspace: reads the events received since its cursor (entries for
 * event, stage and segment triggers; wake-ups of runs waiting for an event; goal conversions) and,
 * once a day, the date triggers. The cursor row is locked for the scan, so two workers never scan
 * one workspace at once.
 */
export class Scanner {
  constructor(
    private readonly db: Db,
    private readonly m: JourneyModules,
    private readonly runner: Runner,
  ) {}

  async scan(workspaceId: string, now = new Date()): Promise<ScanResult> {
    const result: ScanResult = { entered: 0, woken: 0, converted: 0 };
    const live = await this.liveJourneys(workspaceId);
    const versions = await this.runningVersions(workspaceId);
    if (live.length === 0 && versions.length === 0) return result;
    return this.db.tx(async (tx) => {
      await tx.query(
        `INSERT INTO journey_cursors (workspace_id, cursor_at) VALUES ($1, $2) ON CONFLICT (workspace_id) DO NOTHING`,
        [workspaceId, new Date(Math.min(now.getTime(), ...live.map((j) => j.activatedAt.getTime())))],
      );
      const { rows } = await tx.query<{ cursor_at: Date; dates_on: string | null }>(
        `SELECT cursor_at, to_char(dates_on, 'YYYY-MM-DD') AS dates_on FROM journey_cursors WHERE workspace_id = $1 FOR UPDATE SKIP LOCKED`,
        [workspaceId],
      );
      if (!rows[0]) return result;
      const { globalControlPercent } = await this.m.messaging.sendingPolicy(workspaceId, tx);

      const waitEvents = new Set<string>();
      const goals: { journeyId: string; version: number; event: string; withinDays: number }[] = [];
      for (const v of versions) {
        for (const s of v.definition.steps) if (s.type === 'waitForEvent') waitEvents.add(s.event);
        if (v.definition.goal) goals.push({ journeyId: v.journeyId, version: v.version, ...v.definition.goal });
      }
      const names = new Set([...waitEvents, ...goals.map((g) => g.event)]);
      for (const j of live) {
        const name = triggerEventName(j.definition.trigger);
        if (name) names.add(name);
      }

      let after = { receivedAt: new Date(rows[0].cursor_at.getTime() - OVERLAP_MS), id: '00000000-0000-0000-0000-000000000000' };
      let cursor = rows[0].cursor_at;
      for (;;) {
        const events = await this.m.events.receivedSince(workspaceId, [...names], { after, limit: PAGE }, tx);
        if (events.length === 0) break;
        const horizon = now.getTime() - TRIGGER_HORIZON_MS;
        for (const j of live) {
          const candidates = events
            .filter((e) => e.receivedAt >= j.activatedAt && e.occurredAt.getTime() >= horizon && fires(j.definition.trigger, e))
            .map((e) => ({ customerId: e.customerId, sourceKey: `event:${e.id}` }));
          result.entered += (await enterMany(tx, workspaceId, j, candidates, now, globalControlPercent)).length;
        }
        result.woken += await this.wake(tx, workspaceId, events.filter((e) => waitEvents.has(e.name)), now);
        for (const g of goals) result.converted += await this.convert(tx, workspaceId, g, events.filter((e) => e.name === g.event), now);
        const last = events[events.length - 1]!;
        after = { receivedAt: last.receivedAt, id: last.id };
        if (last.receivedAt > cursor) cursor = last.receivedAt;
        if (events.length < PAGE) break;
      }

      const { timeZone } = await this.m.workspaces.get(workspaceId);
      const today = localDate(now, timeZone);
      let datesOn = rows[0].dates_on;
      if (datesOn !== today) {
        for (const j of live) {
          if (j.definition.trigger.type !== 'date') continue;
          const candidates = await dateCandidates(tx, workspaceId, j.definition.trigger, today, timeZone, now);
          result.entered += (await enterMany(tx, workspaceId, j, candidates, now, globalControlPercent)).length;
        }
        datesOn = today;
      }
      await tx.query('UPDATE journey_cursors SET cursor_at = $2, dates_on = $3 WHERE workspace_id = $1', [workspaceId, cursor, datesOn]);
      return result;
    });
  }

  /** Runs waiting for one of these events (done after they parked) become due now. */
  private async wake(tx: Queryable, workspaceId: string, events: StoredEvent[], now: Date): Promise<number> {
    if (events.length === 0) return 0;
    const { rowCount } = await tx.query(
      `UPDATE journey_runs r SET due_at = $3
       FROM unnest($2::uuid[], $4::text[], $5::timestamptz[]) AS x(customer_id, name, occurred_at)
       WHERE r.workspace_id = $1 AND r.state = 'waiting' AND r.customer_id = x.customer_id AND r.wait_event = x.name
         AND r.parked_at <= x.occurred_at AND r.due_at > $3`,
      [workspaceId, events.map((e) => e.customerId), now, events.map((e) => e.name), events.map((e) => e.occurredAt)],
    );
    return rowCount ?? 0;
  }

  /**
   * The goal: runs (of every arm, so lift compares like with like) whose customer did the goal
   * event within `withinDays` after entering are converted; live ones leave the journey.
   */
  private async convert(tx: Queryable, workspaceId: string, goal: { journeyId: string; version: number; withinDays: number }, events: StoredEvent[], now: Date): Promise<number> {
    if (events.length === 0) return 0;
    const { rowCount } = await tx.query(
      `UPDATE journey_runs r SET converted_at = x.occurred_at,
         state = CASE WHEN r.state = 'waiting' THEN 'converted' ELSE r.state END,
         exited_at = CASE WHEN r.state = 'waiting' THEN $5 ELSE r.exited_at END,
         exit_reason = CASE WHEN r.state = 'waiting' THEN 'goal' ELSE r.exit_reason END,
         due_at = CASE WHEN r.state = 'waiting' THEN NULL ELSE r.due_at END,
         parked_at = CASE WHEN r.state = 'waiting' THEN NULL ELSE r.parked_at END
       FROM (SELECT customer_id, min(occurred_at) AS occurred_at FROM unnest($4::uuid[], $6::timestamptz[]) AS e(customer_id, occurred_at) GROUP BY customer_id) x
       WHERE r.workspace_id = $1 AND r.journey_id = $2 AND r.version = $3 AND r.customer_id = x.customer_id AND r.converted_at IS NULL
         AND x.occurred_at > r.entered_at AND x.occurred_at <= r.entered_at + make_interval(days => $7)`,
      [workspaceId, goal.journeyId, goal.version, events.map((e) => e.customerId), now, events.map((e) => e.occurredAt), goal.withinDays],
    );
    return rowCount ?? 0;
  }

  /** Active journeys with the version new entrants get. */
  async liveJourneys(workspaceId: string, q: Queryable = this.db): Promise<LiveJourney[]> {
    const { rows } = await q.query<{ id: string; current_version: number; activated_at: Date }>(
      `SELECT id, current_version, activated_at FROM journeys WHERE workspace_id = $1 AND status = 'active'`,
      [workspaceId],
    );
    return Promise.all(rows.map(async (r) => ({ id: r.id, version: r.current_version, activatedAt: r.activated_at, definition: await this.runner.definition(q, workspaceId, r.id, r.current_version) })));
  }

  /** Published versions of journeys not archived: their waits and goals still matter to their runs. */
  private async runningVersions(workspaceId: string): Promise<{ journeyId: string; version: number; definition: Definition }[]> {
    const { rows } = await this.db.query<{ journey_id: string; version: number }>(
      `SELECT v.journey_id, v.version FROM journey_versions v JOIN journeys j ON j.workspace_id = v.workspace_id AND j.id = v.journey_id
       WHERE v.workspace_id = $1 AND v.published_at IS NOT NULL AND j.status IN ('active', 'paused')`,
      [workspaceId],
    );
    return Promise.all(rows.map(async (r) => ({ journeyId: r.journey_id, version: r.version, definition: await this.runner.definition(this.db, workspaceId, r.journey_id, r.version) })));
  }
}

/**
 * Customers whose date (birthday; a subscription's renewal; points expiring) is `offsetDays` from
 * today in the workspace's zone, each starting at `at` in their own zone. These are read-only
 * reads of the customers, accounts and loyalty tables (the sanctioned analytical-read exception):
 * those services offer no "whose date is D" query.
 */
async function dateCandidates(
  q: Queryable,
  workspaceId: string,
  trigger: Extract<Trigger, { type: 'date' }>,
  today: string,
  timeZone: string,
  now: Date,
): Promise<Candidate[]> {
  const target = addDays(today, -trigger.offsetDays);
  let sql: string;
  if (trigger.field === 'birthday') {
    sql = `SELECT c.id AS customer_id, c.time_zone, 'birthday' AS source FROM customers c
           WHERE c.workspace_id = $1 AND c.erased_at IS NULL AND to_char(c.birthday, 'MM-DD') = substr($2, 6)`;
  } else if (trigger.field === 'renewal') {
    sql = `SELECT DISTINCT c.id AS customer_id, c.time_zone, s.id::text AS source FROM subscriptions s
           JOIN customers c ON c.workspace_id = s.workspace_id AND c.account_id = s.account_id AND c.erased_at IS NULL
           WHERE s.workspace_id = $1 AND s.status IN ('active', 'trialing') AND (s.renews_at AT TIME ZONE $3)::date = $2::date`;
  } else {
    sql = `SELECT DISTINCT c.id AS customer_id, c.time_zone, 'points' AS source FROM points_lots l
           JOIN customers c ON c.workspace_id = l.workspace_id AND c.id = l.customer_id AND c.erased_at IS NULL
           WHERE l.workspace_id = $1 AND l.status = 'available' AND l.remaining > 0 AND (l.expires_at AT TIME ZONE $3)::date = $2::date`;
  }
  const { rows } = await q.query<{ customer_id: string; time_zone: string | null; source: string }>(sql, trigger.field === 'birthday' ? [workspaceId, target] : [workspaceId, target, timeZone]);
  return rows.map((r) => {
    const zone = r.time_zone ?? timeZone;
    const at = nextLocalTime(now, trigger.at, zone);
    // Past `at` today already (a late scan): start now rather than tomorrow.
    return { customerId: r.customer_id, sourceKey: `date:${trigger.field}:${r.source}:${target}`, startAt: localDate(at, zone) === localDate(now, zone) ? at : now };
  });
}
