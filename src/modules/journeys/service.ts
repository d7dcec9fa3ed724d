import { replayRun } from './pastRuns.ts';
import { ConflictError, describeIssue, NotFoundError, ValidationError, zodIssues, type FieldIssue } from '../../kernel/errors.ts';
import { exportRows } from '../../kernel/exportRows.ts';
import { liftReport, type GroupOutcome } from '../../analytics/stats/lift.ts';
import type { Db, Queryable } from '../../db/database.ts';
import { newId } from '../../db/ids.ts';
import { KizunaError } from '../../kernel/errors.ts';
import type { Arm } from '../messaging/index.ts';
import type { JourneyModules } from './deps.ts';
import { definitionSchema, type Definition, type Trigger } from './definition.ts';
import { Runner } from './runner.ts';
import { JOURNEY_TEMPLATES, type Resolved } from './templates.ts';
import { enterMany, Scanner } from './triggers.ts';
import {
  journeyInput,
  journeyPatch,
  type CustomerRun,
  type EnterResult,
  type Journey,
  type JourneyDetail,
  type JourneyStats,
  type RunCounts,
  type RunnerResult,
  type ScanResult,
} from './types.ts';
import { parseDefinition, referenceIssues } from './validate.ts';
import { incrementalView, sumOfIncrements } from '../../analytics/stats/incremental.ts';
import { runOutcomes, sendSourceKey, windowOf } from './performance.ts';
import { assignArm } from '../messaging/holdout.ts';
import type { PastDelivery } from '../messaging/index.ts';

/** The send steps with the path of their template. */
const sendSteps = (def: Definition) =>
  def.steps.flatMap((step, i) => (step.type === 'send' ? [{ step, at: ['definition', 'steps', i, 'template'] }] : []));

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
const ARMS: Arm[] = ['treatment', 'holdout', 'global_control'];
const NO_RUNS: GroupOutcome = { n: 0, conversions: 0, revenueSum: 0, revenueSumSquares: 0 };
const EMPTY_ARMS: Record<Arm, GroupOutcome> = { treatment: NO_RUNS, holdout: NO_RUNS, global_control: NO_RUNS };
const EMPTY_COUNTS: RunCounts = { entrants: 0, active: 0, converted: 0, completed: 0, exited: 0 };

const COUNTS_SQL = `SELECT count(*)::int AS entrants, count(*) FILTER (WHERE state = 'waiting')::int AS active,
  count(converted_at)::int AS converted, count(*) FILTER (WHERE state = 'completed')::int AS completed,
  count(*) FILTER (WHERE state = 'exited')::int AS exited`;

/**
 * Journeys: automated flows per customer. Definitions are versioned (a version that took entrants
 * is frozen), customers enter through triggers (the scanner), the API or templates' dates, and
 * the runner moves them through the steps. See docs/journeys.md.
 */
export class JourneyService {
  private readonly runner: Runner;
  private readonly scanner: Scanner;

  constructor(
    private readonly db: Db,
    private readonly m: JourneyModules,
  ) {
    this.runner = new Runner(db, m);
    this.scanner = new Scanner(db, m, this.runner);
  }

  // ── definitions ───────────────────────────────────────────────────────────

  /** The privacy export's part: every journey run of the person and each step it took. */
  async exportCustomer(workspaceId: string, customerId: string, q: Queryable = this.db) {
    return {
      journeyRuns: await exportRows(
        q,
        `SELECT j.name AS journey_name, r.* FROM journey_runs r JOIN journeys j ON j.workspace_id = r.workspace_id AND j.id = r.journey_id
         WHERE r.workspace_id = $1 AND r.customer_id = $2 ORDER BY r.entered_at, r.id`,
        [workspaceId, customerId],
      ),
      journeySteps: await exportRows(q, 'SELECT * FROM journey_step_log WHERE workspace_id = $1 AND customer_id = $2 ORDER BY at, run_id, visit', [workspaceId, customerId]),
    };
  }

  /** Erasure: runs still waiting end now ('erased'); run variables and step details (which may hold what was sent) go; outcomes stay for the stats. */
  async eraseCustomer(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<void> {
    await q.query(
      `UPDATE journey_runs SET vars = '{}',
         state = CASE WHEN state = 'waiting' THEN 'exited' ELSE state END,
         exit_reason = CASE WHEN state = 'waiting' THEN 'erased' ELSE exit_reason END,
         exited_at = CASE WHEN state = 'waiting' THEN now() ELSE exited_at END
       WHERE workspace_id = $1 AND customer_id = $2`,
      [workspaceId, customerId],
    );
    await q.query('UPDATE journey_step_log SET detail = NULL WHERE workspace_id = $1 AND customer_id = $2', [workspaceId, customerId]);
  }

  async create(workspaceId: string, input: unknown, templateKey: string | null = null): Promise<JourneyDetail> {
    const parsed = journeyInput.safeParse(input);
    if (!parsed.success) throw new ValidationError('Invalid journey', zodIssues(parsed.error));
    const definition = this.schemaValid(parsed.data.definition);
    const id = newId();
    await this.db.tx(async (tx) => {
      await tx.query(`INSERT INTO journeys (workspace_id, id, name, status, template_key) VALUES ($1, $2, $3, 'draft', $4)`, [workspaceId, id, parsed.data.name, templateKey]);
      await tx.query('INSERT INTO journey_versions (workspace_id, journey_id, version, definition) VALUES ($1, $2, 1, $3)', [workspaceId, id, JSON.stringify(definition)]);
    });
    return this.get(workspaceId, id);
  }

  async list(workspaceId: string): Promise<Journey[]> {
    const { rows } = await this.db.query(
      `SELECT j.*, v.definition, c.* FROM journeys j
       JOIN journey_versions v ON v.workspace_id = j.workspace_id AND v.journey_id = j.id AND v.version = j.current_version
       LEFT JOIN LATERAL (${COUNTS_SQL} FROM journey_runs r WHERE r.workspace_id = j.workspace_id AND r.journey_id = j.id) c ON true
       WHERE j.workspace_id = $1 AND j.status <> 'archived' ORDER BY j.created_at DESC, j.id DESC`,
      [workspaceId],
    );
    return rows.map(toJourney);
  }

  async get(workspaceId: string, id: string, q: Queryable = this.db): Promise<JourneyDetail> {
    const { rows } = isUuid(id)
      ? await q.query(
          `SELECT j.*, v.definition, c.* FROM journeys j
           JOIN journey_versions v ON v.workspace_id = j.workspace_id AND v.journey_id = j.id AND v.version = j.current_version
           LEFT JOIN LATERAL (${COUNTS_SQL} FROM journey_runs r WHERE r.workspace_id = j.workspace_id AND r.journey_id = j.id) c ON true
           WHERE j.workspace_id = $1 AND j.id = $2`,
          [workspaceId, id],
        )
      : { rows: [] };
    if (!rows[0]) throw new NotFoundError(`journey ${id} not found`);
    const journey = toJourney(rows[0]);
    const definition = definitionSchema.parse(rows[0].definition);
    const { rows: versions } = await q.query<{ version: number; created_at: Date; published_at: Date | null; runs: number }>(
      `SELECT v.version, v.created_at, v.published_at,
         (SELECT count(*)::int FROM journey_runs r WHERE r.workspace_id = v.workspace_id AND r.journey_id = v.journey_id AND r.version = v.version) AS runs
       FROM journey_versions v WHERE v.workspace_id = $1 AND v.journey_id = $2 ORDER BY v.version DESC`,
      [workspaceId, id],
    );
    return {
      ...journey,
      definition,
      versions: versions.map((v) => ({ version: v.version, createdAt: v.created_at, publishedAt: v.published_at, runs: v.runs })),
      issues: await this.issuesOf(workspaceId, definition),
    };
  }

  /**
   * Renames and/or changes the definition. A draft's unpublished version is edited in place; once
   * a version has taken entrants the change becomes a new version (new entrants get it, running
   * customers finish on theirs). A live journey only takes a definition without issues.
   */
  async update(workspaceId: string, id: string, input: unknown): Promise<JourneyDetail> {
    const parsed = journeyPatch.safeParse(input);
    if (!parsed.success) throw new ValidationError('Invalid journey', zodIssues(parsed.error));
    const patch = parsed.data;
    const definition = patch.definition === undefined ? undefined : this.schemaValid(patch.definition);
    await this.db.tx(async (tx) => {
      const journey = await this.locked(tx, workspaceId, id);
      if (journey.status === 'archived') throw new ConflictError('An archived journey cannot be changed');
      if (patch.name !== undefined) await tx.query('UPDATE journeys SET name = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2', [workspaceId, id, patch.name]);
      if (!definition) return;
      if (journey.status === 'active') {
        const issues = await this.issuesOf(workspaceId, definition);
        if (issues.length > 0) throw new ValidationError('A live journey only takes a valid definition: fix these, or pause it first', issues);
      }
      const { rows } = await tx.query<{ published_at: Date | null }>(
        'SELECT published_at FROM journey_versions WHERE workspace_id = $1 AND journey_id = $2 AND version = $3',
        [workspaceId, id, journey.current_version],
      );
      if (rows[0]!.published_at === null) {
        await tx.query('UPDATE journey_versions SET definition = $4 WHERE workspace_id = $1 AND journey_id = $2 AND version = $3', [
          workspaceId, id, journey.current_version, JSON.stringify(definition),
        ]);
      } else {
        const next = journey.current_version + 1;
        await tx.query(
          `INSERT INTO journey_versions (workspace_id, journey_id, version, definition, published_at) VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN now() END)`,
          [workspaceId, id, next, JSON.stringify(definition), journey.status === 'active'],
        );
        await tx.query('UPDATE journeys SET current_version = $3 WHERE workspace_id = $1 AND id = $2', [workspaceId, id, next]);
      }
      await tx.query('UPDATE journeys SET updated_at = now() WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
    });
    return this.get(workspaceId, id);
  }

  /** Every problem of a definition: schema, graph and references, each naming its field and step. */
  async validate(workspaceId: string, input: unknown): Promise<{ valid: boolean; issues: FieldIssue[] }> {
    const { definition, issues } = parseDefinition(input);
    const all = definition && issues.length === 0 ? await this.issuesOf(workspaceId, definition) : issues;
    return { valid: all.length === 0, issues: all };
  }

  /** Starts taking entrants with the current version (which is then frozen). */
  async activate(workspaceId: string, id: string): Promise<JourneyDetail> {
    await this.db.tx(async (tx) => {
      const journey = await this.locked(tx, workspaceId, id);
      if (journey.status === 'archived') throw new ConflictError('An archived journey cannot be activated');
      const detail = await this.get(workspaceId, id, tx);
      if (detail.issues.length > 0) throw new ValidationError('The journey has problems to fix before it can go live', detail.issues);
      await this.m.messaging.assertMarketingEmailReady(workspaceId, sendSteps(detail.definition).map(({ step }) => ({ channel: step.template.channel, class: step.class })), tx);
      await tx.query(`UPDATE journeys SET status = 'active', activated_at = now(), updated_at = now() WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
      await tx.query('UPDATE journey_versions SET published_at = coalesce(published_at, now()) WHERE workspace_id = $1 AND journey_id = $2 AND version = $3', [
        workspaceId, id, journey.current_version,
      ]);
    });
    return this.get(workspaceId, id);
  }

  /** Stops entries; running customers stay where they are until the journey is activated again. */
  async pause(workspaceId: string, id: string): Promise<JourneyDetail> {
    await this.db.tx(async (tx) => {
      const journey = await this.locked(tx, workspaceId, id);
      if (journey.status !== 'active') throw new ConflictError(`Only an active journey can be paused (this one is ${journey.status})`);
      await tx.query(`UPDATE journeys SET status = 'paused', updated_at = now() WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
    });
    return this.get(workspaceId, id);
  }

  // ── entering and running ──────────────────────────────────────────────────

  /** The API trigger: enters one customer (entry rules and the one-live-run rule apply). */
  async enter(workspaceId: string, id: string, customer: string, options: { idempotencyKey?: string; now?: Date } = {}): Promise<EnterResult> {
    const now = options.now ?? new Date();
    const { rows: journeys } = isUuid(id)
      ? await this.db.query<{ status: string; current_version: number; activated_at: Date }>(
          'SELECT status, current_version, activated_at FROM journeys WHERE workspace_id = $1 AND id = $2',
          [workspaceId, id],
        )
      : { rows: [] };
    const journey = journeys[0];
    if (!journey) throw new NotFoundError(`journey ${id} not found`);
    if (journey.status !== 'active') throw new ConflictError(`The journey is ${journey.status}: activate it first`);
    const { id: customerId } = await this.m.customers.find(workspaceId, customer);
    const sourceKey = `api:${options.idempotencyKey ?? newId()}`;
    const { globalControlPercent } = await this.m.messaging.sendingPolicy(workspaceId);
    const definition = await this.runner.definition(this.db, workspaceId, id, journey.current_version);
    const live = { id, version: journey.current_version, definition, activatedAt: journey.activated_at };
    const [entered] = await enterMany(this.db, workspaceId, live, [{ customerId, sourceKey }], now, globalControlPercent);
    if (entered) return { entered: true, runId: entered.runId, arm: entered.arm, reason: 'entered' };
    const { rows } = await this.db.query<{ id: string; arm: Arm; state: string }>(
      `SELECT id, arm, state FROM journey_runs WHERE workspace_id = $1 AND journey_id = $2 AND (source_key = $3 OR (customer_id = $4 AND state = 'waiting'))
       ORDER BY (source_key = $3) DESC LIMIT 1`,
      [workspaceId, id, sourceKey, customerId],
    );
    if (rows[0]) return { entered: false, runId: rows[0].id, arm: rows[0].arm, reason: 'already_in_journey' };
    return { entered: false, runId: null, arm: null, reason: 'entry_rule' };
  }

  /** One runner pass: due runs claimed with SKIP LOCKED, moved to their next wait. */
  runDue(options: { now?: Date; limit?: number; workspaceId?: string } = {}): Promise<RunnerResult> {
    return this.runner.runDue(options);
  }

  /** One trigger scan of a workspace (events since the cursor, date triggers once a day). */
  scan(workspaceId: string, now = new Date()): Promise<ScanResult> {
    return this.scanner.scan(workspaceId, now);
  }

  /** Scans, then runs passes until nothing is due (the CLI's `journey run` and tests). */
  async runUntilIdle(workspaceId: string, options: { now?: Date; limit?: number } = {}): Promise<ScanResult & RunnerResult & { passes: number }> {
    const total = { ...(await this.scan(workspaceId, options.now)), claimed: 0, transitions: 0, passes: 0 };
    for (;;) {
      const r = await this.runDue({ workspaceId, now: options.now, limit: options.limit });
      total.passes++;
      total.claimed += r.claimed;
      total.transitions += r.transitions;
      if (r.claimed === 0) return total;
    }
  }

  /** Workspaces with an active journey (the schedule scans them), and whether runs are due soon. */
  async workspacesWithWork(until: Date): Promise<{ workspaceId: string; due: boolean }[]> {
    const { rows } = await this.db.query<{ workspace_id: string; due: boolean }>(
      `SELECT j.workspace_id, EXISTS (SELECT 1 FROM journey_runs r WHERE r.workspace_id = j.workspace_id AND r.state = 'waiting' AND r.due_at <= $1) AS due
       FROM (SELECT DISTINCT workspace_id FROM journeys WHERE status = 'active') j`,
      [until],
    );
    return rows.map((r) => ({ workspaceId: r.workspace_id, due: r.due }));
  }

  /** When the workspace's next run is due (null when none waits). */
  async nextDue(workspaceId: string): Promise<Date | null> {
    const { rows } = await this.db.query<{ at: Date | null }>(
      `SELECT min(r.due_at) AS at FROM journey_runs r JOIN journeys j ON j.workspace_id = r.workspace_id AND j.id = r.journey_id AND j.status = 'active'
       WHERE r.workspace_id = $1 AND r.state = 'waiting'`,
      [workspaceId],
    );
    return rows[0]?.at ?? null;
  }

  // ── reporting ─────────────────────────────────────────────────────────────

  /**
   * Entrants and outcomes, per-step counts (all versions, by step id) and lift: conversion (the
   * goal event within its window after entry) of the treated against the journey's holdout and
   * against the global control group, with intervals from the campaign lift code.
   */
  async stats(workspaceId: string, id: string, confidence = 0.95): Promise<JourneyStats> {
    const journey = await this.get(workspaceId, id);
    const { rows: arms } = await this.db.query<RunCounts & { arm: Arm }>(`${COUNTS_SQL}, arm FROM journey_runs WHERE workspace_id = $1 AND journey_id = $2 GROUP BY arm`, [workspaceId, id]);
    const { rows: waiting } = await this.db.query<{ step_id: string; n: number }>(
      `SELECT step_id, count(*)::int AS n FROM journey_runs WHERE workspace_id = $1 AND journey_id = $2 AND state = 'waiting' AND step_id IS NOT NULL GROUP BY step_id`,
      [workspaceId, id],
    );
    const { rows: passed } = await this.db.query<{ step_id: string; path: string | null; outcome: string; n: number }>(
      `SELECT step_id, path, outcome, count(*)::int AS n FROM journey_step_log WHERE workspace_id = $1 AND journey_id = $2 GROUP BY step_id, path, outcome`,
      [workspaceId, id],
    );
    const byArm: Record<Arm, RunCounts> = { treatment: EMPTY_COUNTS, holdout: EMPTY_COUNTS, global_control: EMPTY_COUNTS };
    for (const r of arms) byArm[r.arm] = r;
    const outcome = (a: Arm): GroupOutcome => ({ n: byArm[a].entrants, conversions: byArm[a].converted, revenueSum: 0, revenueSumSquares: 0 });
    const total = ARMS.reduce((acc, a) => ({
      entrants: acc.entrants + byArm[a].entrants,
      active: acc.active + byArm[a].active,
      converted: acc.converted + byArm[a].converted,
      completed: acc.completed + byArm[a].completed,
      exited: acc.exited + byArm[a].exited,
    }), EMPTY_COUNTS);
    const lift = (control: Arm) => (journey.definition.goal && byArm.treatment.entrants > 0 && byArm[control].entrants > 0 ? liftReport(outcome('treatment'), outcome(control), confidence) : null);
    return {
      journeyId: id,
      ...total,
      arms: Object.fromEntries(ARMS.map((a) => [a, { entrants: byArm[a].entrants, conversions: byArm[a].converted }])) as JourneyStats['arms'],
      perStep: journey.definition.steps.map((s) => {
        const rows = passed.filter((p) => p.step_id === s.id);
        const paths: Record<string, number> = {};
        for (const p of rows) if (p.path !== null && p.outcome === 'done') paths[p.path] = (paths[p.path] ?? 0) + p.n;
        return {
          stepId: s.id,
          type: s.type,
          waiting: waiting.find((w) => w.step_id === s.id)?.n ?? 0,
          passed: rows.reduce((a, p) => a + p.n, 0),
          failed: rows.filter((p) => p.outcome === 'failed').reduce((a, p) => a + p.n, 0),
          ...(Object.keys(paths).length > 0 ? { paths } : {}),
        };
      }),
      lift: { vsHoldout: lift('holdout'), vsGlobalControl: lift('global_control'), goal: journey.definition.goal },
    };
  }

  /**
   * The journey's performance page: engagement and last-touch revenue of its messages (every
   * version's send steps), and incremental revenue of its treated runs against its held-out runs
   * (else the global control group's), within its window after entry (docs/messaging.md,
   * "Attribution: last touch and incremental").
   */
  async performance(workspaceId: string, id: string, confidence = 0.95) {
    const journey = await this.get(workspaceId, id);
    const messages = await this.m.messaging.messagesPerformance(workspaceId, await this.sendKeys(workspaceId, [id]));
    const days = windowOf(journey.definition);
    const arms = (await runOutcomes(this.db, workspaceId, messages.currency, [{ journeyId: id, days }])).get(id);
    const { revenueVariance: _, ...inc } = incrementalView(arms ?? EMPTY_ARMS, confidence);
    return { journeyId: id, ...messages, conversionWindowDays: days, incremental: inc };
  }

  /**
   * Revenue from campaigns and journeys in [from, to) (the Overview's figure): orders of the period
   * credited by last touch, and the sum of the incremental revenue of the campaigns started and
   * journey runs entered in the period that have a control group, with a normal interval.
   */
  async messageRevenue(workspaceId: string, from: Date, to: Date, confidence = 0.95) {
    const m = await this.m.messaging.revenueInPeriod(workspaceId, from, to, confidence);
    const { rows } = await this.db.query<{ id: string; definition: Definition }>(
      `SELECT j.id, v.definition FROM journeys j JOIN journey_versions v ON v.workspace_id = j.workspace_id AND v.journey_id = j.id AND v.version = j.current_version
       WHERE j.workspace_id = $1`,
      [workspaceId],
    );
    const windows = rows.map((r) => ({ journeyId: r.id, days: windowOf(definitionSchema.parse(r.definition)) }));
    const runs = windows.length > 0 ? await runOutcomes(this.db, workspaceId, m.currency, windows, { from, to }) : new Map();
    const journeyParts = [...runs.values()].flatMap((arms) => {
      const v = incrementalView(arms, confidence);
      return v.revenue && v.revenueVariance !== null ? [{ estimate: v.revenue.estimate, variance: v.revenueVariance }] : [];
    });
    const { campaigns, journeys } = m.attributed;
    return {
      from,
      to,
      currency: m.currency,
      attributedRevenue: campaigns.revenue + journeys.revenue,
      attributed: { campaigns, journeys },
      incrementalRevenue: sumOfIncrements([...m.increments, ...journeyParts], confidence),
      measured: { campaigns: m.increments.length, campaignsStarted: m.campaignsStarted, journeys: journeyParts.length, journeysEntered: runs.size },
      confidence,
    };
  }

  /**
   * Runs that happened before (the demo's history), written as live runs would have left them by
   * `now`: each entry gets its arm as a live entry would (assignArm), its steps are replayed
   * (pastRuns.ts: the step log, visits, the state), it is converted when the customer placed a
   * paying order within the goal window after entry (an 'Order Completed' goal: ingest stores those
   * events as orders), and each send is recorded with the recipient's `outcome` at the time its
   * step would have run. Returns the runs recorded.
   */
  async recordPastRuns(
    workspaceId: string,
    id: string,
    entries: { customerId: string; enteredAt: Date }[],
    send: { outcome: (customerId: string) => Omit<PastDelivery, 'customerId' | 'arm' | 'at' | 'step'> },
    now = new Date(),
  ): Promise<number> {
    const journey = await this.get(workspaceId, id);
    const def = journey.definition;
    const { globalControlPercent } = await this.m.messaging.sendingPolicy(workspaceId);
    const { timeZone } = await this.m.workspaces.get(workspaceId);
    const goalDays = def.goal?.event === 'Order Completed' ? def.goal.withinDays : null;
    const { rows: goals } = goalDays === null
      ? { rows: [] as { at: Date | null }[] }
      : await this.db.query<{ at: Date | null }>(
          `SELECT (SELECT min(o.ordered_at) FROM paying_orders o WHERE o.workspace_id = $1 AND o.customer_id = x.customer_id
                     AND o.ordered_at > x.entered_at AND o.ordered_at <= x.entered_at + make_interval(days => $2)) AS at
           FROM unnest($3::uuid[], $4::timestamptz[]) WITH ORDINALITY AS x(customer_id, entered_at, i) ORDER BY x.i`,
          [workspaceId, goalDays, entries.map((e) => e.customerId), entries.map((e) => e.enteredAt)],
        );
    const runs = entries.map((e, i) => {
      const arm = assignArm({ workspaceId, campaignId: id, customerId: e.customerId, holdoutPercent: def.holdoutPercent, globalControlPercent, transactional: false });
      return { id: newId(), customerId: e.customerId, arm, enteredAt: e.enteredAt, sourceKey: `past:${e.customerId}:${e.enteredAt.toISOString()}`, ...replayRun(def, { arm, enteredAt: e.enteredAt, convertedAt: goals[i]?.at ?? null, timeZone }, now) };
    });
    return this.db.tx(async (tx) => {
      const { rows: inserted } = await tx.query<{ id: string }>(
        `INSERT INTO journey_runs (workspace_id, id, journey_id, version, customer_id, arm, state, step_id, visits, parked_at, due_at, source_key, entered_at, converted_at, exited_at, exit_reason)
         SELECT $1, x.id, $2, $3, x."customerId", x.arm, x.state, x."stepId", x.visits, x."parkedAt", x."dueAt", x."sourceKey", x."enteredAt", x."convertedAt", x."exitedAt", x."exitReason"
         FROM jsonb_to_recordset($4::jsonb) AS x(id uuid, "customerId" uuid, arm text, state text, "stepId" text, visits int, "parkedAt" timestamptz, "dueAt" timestamptz,
           "sourceKey" text, "enteredAt" timestamptz, "convertedAt" timestamptz, "exitedAt" timestamptz, "exitReason" text)
         ON CONFLICT DO NOTHING RETURNING id`,
        [workspaceId, id, journey.version, JSON.stringify(runs.map(({ logs: _logs, sends: _sends, ...r }) => r))],
      );
      const kept = new Set(inserted.map((r) => r.id));
      const done = runs.filter((r) => kept.has(r.id));
      const logs = done.flatMap((r) => r.logs.map((l) => ({ run_id: r.id, customer_id: r.customerId, step_id: l.stepId, visit: l.visit, step_type: l.stepType, path: l.path, at: l.at })));
      await tx.query(
        `INSERT INTO journey_step_log (workspace_id, run_id, step_id, visit, customer_id, journey_id, version, step_type, outcome, path, late_ms, at)
         SELECT $1, x.run_id, x.step_id, x.visit, x.customer_id, $2, $3, x.step_type, 'done', x.path, CASE WHEN x.step_type IN ('wait', 'waitUntil') THEN 0 END, x.at
         FROM jsonb_to_recordset($4::jsonb) AS x(run_id uuid, step_id text, visit int, customer_id uuid, step_type text, path text, at timestamptz)
         ON CONFLICT DO NOTHING`,
        [workspaceId, id, journey.version, JSON.stringify(logs)],
      );
      for (const { step } of sendSteps(def)) {
        const sends = done.flatMap((r) => r.sends.filter((x) => x.stepId === step.id).map((x): PastDelivery => ({ customerId: r.customerId, arm: 'treatment', at: x.at, step: `journey:past:${r.id}:${step.id}`, ...send.outcome(r.customerId) })));
        if (sends.length === 0) continue;
        const source = { key: sendSourceKey(id, journey.version, step.id), name: `${journey.name} · v${journey.version} · ${step.id}` };
        await this.m.messaging.recordPastDirect(workspaceId, source, step.template, step.class, sends, tx);
      }
      return inserted.length;
    });
  }

  /** Source keys of every send step of every version (messaging keeps one message row per key). */
  private async sendKeys(workspaceId: string, ids: string[]): Promise<string[]> {
    const { rows } = await this.db.query<{ journey_id: string; version: number; definition: Definition }>(
      'SELECT journey_id, version, definition FROM journey_versions WHERE workspace_id = $1 AND journey_id = ANY($2::uuid[])',
      [workspaceId, ids],
    );
    return rows.flatMap((r) => sendSteps(definitionSchema.parse(r.definition)).map(({ step }) => sendSourceKey(r.journey_id, r.version, step.id)));
  }

  /** A customer's runs, newest first, each with its executed steps (the customer 360). */
  async runsOf(workspaceId: string, customer: string, limit = 50): Promise<CustomerRun[]> {
    const { id: customerId } = await this.m.customers.find(workspaceId, customer);
    const { rows } = await this.db.query<Record<string, unknown> & { steps: { stepId: string; type: string; outcome: string; path: string | null; at: string }[] | null }>(
      `SELECT r.*, j.name AS journey_name,
         (SELECT jsonb_agg(jsonb_build_object('stepId', l.step_id, 'type', l.step_type, 'outcome', l.outcome, 'path', l.path, 'at', l.at) ORDER BY l.visit)
          FROM journey_step_log l WHERE l.workspace_id = r.workspace_id AND l.journey_id = r.journey_id AND l.run_id = r.id) AS steps
       FROM journey_runs r JOIN journeys j ON j.workspace_id = r.workspace_id AND j.id = r.journey_id
       WHERE r.workspace_id = $1 AND r.customer_id = $2 ORDER BY r.entered_at DESC, r.id DESC LIMIT $3`,
      [workspaceId, customerId, limit],
    );
    return rows.map((r) => ({
      runId: r.id as string,
      journeyId: r.journey_id as string,
      journeyName: r.journey_name as string,
      version: r.version as number,
      arm: r.arm as Arm,
      state: r.state as CustomerRun['state'],
      stepId: (r.step_id as string | null) ?? null,
      enteredAt: r.entered_at as Date,
      dueAt: (r.due_at as Date | null) ?? null,
      convertedAt: (r.converted_at as Date | null) ?? null,
      exitedAt: (r.exited_at as Date | null) ?? null,
      exitReason: (r.exit_reason as string | null) ?? null,
      steps: (r.steps ?? []).map((s) => ({ ...s, at: new Date(s.at) })),
    }));
  }

  // ── templates ─────────────────────────────────────────────────────────────

  templates(): { key: string; name: { en: string; ja: string }; description: { en: string; ja: string }; trigger: Trigger['type']; needs: string[] }[] {
    return JOURNEY_TEMPLATES.map((t) => ({
      key: t.key,
      name: t.name,
      description: t.description,
      trigger: t.definition({ couponCampaignId: newId(), segmentId: newId() }).trigger.type,
      needs: [...(t.needs.coupon ? [`coupon campaign "${t.needs.coupon.name}"`] : []), ...(t.needs.segmentKey ? [`built-in segment "${t.needs.segmentKey}"`] : [])],
    }));
  }

  /** A draft journey from a template; a coupon campaign it needs is created, a built-in segment it needs looked up. */
  async enableTemplate(workspaceId: string, key: string): Promise<JourneyDetail> {
    const template = JOURNEY_TEMPLATES.find((t) => t.key === key);
    if (!template) throw new NotFoundError(`journey template ${key} not found`);
    const resolved: Resolved = {};
    if (template.needs.segmentKey) {
      await this.m.segments.ensureBuiltins(workspaceId);
      const segment = (await this.m.segments.list(workspaceId)).find((s) => s.key === template.needs.segmentKey);
      if (!segment) throw new ConflictError(`the built-in segment ${template.needs.segmentKey} is missing`);
      resolved.segmentId = segment.id;
    }
    if (template.needs.coupon) {
      const c = template.needs.coupon;
      const campaign = await this.m.coupons.createCampaign(workspaceId, {
        name: c.name,
        kind: c.kind,
        value: c.value,
        minSpendMinor: 0,
        validDays: c.validDays,
        codePrefix: c.codePrefix,
        codeLength: 10,
        status: 'active',
      });
      resolved.couponCampaignId = campaign.id;
    }
    return this.create(workspaceId, { name: template.name.ja, definition: template.definition(resolved) }, template.key);
  }

  // ── helpers ───────────────────────────────────────────────────────────────

  /** A definition that passes its schema (graph problems are allowed in a draft). */
  private schemaValid(input: unknown): Definition {
    const parsed = definitionSchema.safeParse(input);
    if (!parsed.success) throw new ValidationError('Invalid journey definition', zodIssues(parsed.error, ['definition']));
    // Even a draft may not hold a template that tries to read files.
    const fileTags = sendSteps(parsed.data).flatMap(({ step, at }) => this.m.messaging.fileTagIssues(step.template, at));
    if (fileTags.length > 0) throw new ValidationError(`Invalid journey definition: ${describeIssue(fileTags[0]!)}`, fileTags);
    return parsed.data;
  }

  private async issuesOf(workspaceId: string, definition: Definition): Promise<FieldIssue[]> {
    const { issues } = parseDefinition(definition);
    const exists = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
        return true;
      } catch (err) {
        if (err instanceof KizunaError && err.status === 404) return false;
        throw err;
      }
    };
    const webhooks = new Set((await this.m.webhooks.list(workspaceId)).map((w) => w.id));
    const templates = await Promise.all(sendSteps(definition).map(({ step, at }) => this.m.messaging.templateIssues(step.template, at)));
    return [
      ...issues,
      ...templates.flat(),
      ...(await referenceIssues(definition, {
        segmentExists: (id) => exists(() => this.m.segments.get(workspaceId, id)),
        couponCampaignExists: (id) => exists(() => this.m.coupons.getCampaign(workspaceId, id)),
        webhookExists: async (id) => webhooks.has(id),
      })),
    ];
  }

  private async locked(tx: Queryable, workspaceId: string, id: string): Promise<{ status: string; current_version: number }> {
    const { rows } = isUuid(id)
      ? await tx.query<{ status: string; current_version: number }>('SELECT status, current_version FROM journeys WHERE workspace_id = $1 AND id = $2 FOR UPDATE', [workspaceId, id])
      : { rows: [] };
    if (!rows[0]) throw new NotFoundError(`journey ${id} not found`);
    return rows[0];
  }
}

function toJourney(r: Record<string, unknown>): Journey {
  return {
    id: r.id as string,
    name: r.name as string,
    status: r.status as Journey['status'],
    version: r.current_version as number,
    templateKey: (r.template_key as string | null) ?? null,
    trigger: definitionSchema.shape.trigger.parse((r.definition as { trigger: unknown }).trigger),
    activatedAt: (r.activated_at as Date | null) ?? null,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
    counts: {
      entrants: (r.entrants as number) ?? 0,
      active: (r.active as number) ?? 0,
      converted: (r.converted as number) ?? 0,
      completed: (r.completed as number) ?? 0,
      exited: (r.exited as number) ?? 0,
    },
  };
}
