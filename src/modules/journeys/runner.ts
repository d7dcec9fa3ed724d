import { KizunaError } from '../../kernel/errors.ts';
import type { Db, Queryable } from '../../db/database.ts';
import type { DirectMessage } from '../messaging/direct.ts';
import { unitHash } from '../messaging/holdout.ts';
import { compileRule, type CompileContext } from '../segments/compile.ts';
import { uses, type Rule } from '../segments/rule.ts';
import type { JourneyModules } from './deps.ts';
import { sendSourceKey } from './performance.ts';
import { definitionSchema, type Definition } from './definition.ts';
import { nextLocalTime } from './localTime.ts';
import type { RunnerResult, RunState } from './types.ts';

/**
 * The runner: claims due runs with FOR UPDATE SKIP LOCKED, moves each through its steps until the
 * next wait (or the end), and writes the step log rows and the runs' new state in the same
 * transaction as the side effects that stay in the database (queued messages, webhook deliveries,
 * attribute changes). Side effects done by other modules in their own transactions (coupon codes,
 * points) carry the step's idempotency key, so a pass cut short by a crash repeats them harmlessly:
 * every step takes effect exactly once.
 */

/** A run moves through at most this many steps per pass (validation forbids loops that never wait). */
const MAX_STEPS_PER_PASS = 100;
const MINUTE = 60_000;

export interface RunRow {
  workspace_id: string;
  id: string;
  journey_id: string;
  version: number;
  customer_id: string;
  arm: string;
  step_id: string | null;
  visits: number;
  parked_at: Date | null;
  due_at: Date | null;
  timeout_at: Date | null;
  wait_event: string | null;
  entered_at: Date;
  vars: Record<string, unknown>;
}

interface LogRow {
  run_id: string;
  step_id: string;
  visit: number;
  customer_id: string;
  journey_id: string;
  version: number;
  step_type: string;
  outcome: 'done' | 'failed';
  path: string | null;
  detail: Record<string, unknown> | null;
  late_ms: number | null;
}

interface RunUpdate {
  id: string;
  state: RunState;
  step_id: string | null;
  visits: number;
  parked_at: Date | null;
  due_at: Date | null;
  timeout_at: Date | null;
  wait_event: string | null;
  exited_at: Date | null;
  exit_reason: string | null;
  vars: Record<string, unknown>;
}

/** What one workspace's share of a pass collects, written together at its end. */
interface Batch {
  logs: LogRow[];
  updates: RunUpdate[];
  sends: { log: LogRow; message: DirectMessage }[];
  webhooks: { webhookId: string; payload: Record<string, unknown> }[];
  attributes: { log: LogRow; customerId: string; key: string; value: unknown }[];
}

interface WorkspaceContext {
  timeZone: string;
  canSend: boolean;
  compile: Map<string, CompileContext>;
  /** Shown as the sender of its messages in the customer's message history. */
  journeyNames: Map<string, string>;
}

export const durationMs = (d: { days: number; hours: number; minutes: number }) => ((d.days * 24 + d.hours) * 60 + d.minutes) * MINUTE;

export class Runner {
  /** Published versions never change, so their parsed definitions are cached for the process. */
  private readonly definitions = new Map<string, Definition>();

  constructor(
    private readonly db: Db,
    private readonly m: JourneyModules,
  ) {}

  async runDue(options: { now?: Date; limit?: number; workspaceId?: string } = {}): Promise<RunnerResult> {
    const now = options.now ?? new Date();
    return this.db.tx(async (tx) => {
      const { rows } = await tx.query<RunRow>(
        `SELECT r.workspace_id, r.id, r.journey_id, r.version, r.customer_id, r.arm, r.step_id, r.visits, r.parked_at, r.due_at,
           r.timeout_at, r.wait_event, r.entered_at, r.vars
         FROM journey_runs r JOIN journeys j ON j.workspace_id = r.workspace_id AND j.id = r.journey_id AND j.status = 'active'
         WHERE r.state = 'waiting' AND r.due_at <= $1 AND ($3::uuid IS NULL OR r.workspace_id = $3)
         ORDER BY r.due_at LIMIT $2
         FOR UPDATE OF r SKIP LOCKED`,
        [now, options.limit ?? 1000, options.workspaceId ?? null],
      );
      let transitions = 0;
      const byWorkspace = new Map<string, RunRow[]>();
      for (const r of rows) {
        const group = byWorkspace.get(r.workspace_id);
        if (group) group.push(r);
        else byWorkspace.set(r.workspace_id, [r]);
      }
      for (const [workspaceId, runs] of byWorkspace) transitions += await this.runWorkspace(tx, workspaceId, runs, now);
      return { claimed: rows.length, transitions };
    });
  }

  private async runWorkspace(tx: Queryable, workspaceId: string, runs: RunRow[], now: Date): Promise<number> {
    const { timeZone } = await this.m.workspaces.get(workspaceId);
    const { rows: names } = await tx.query<{ id: string; name: string }>('SELECT id, name FROM journeys WHERE workspace_id = $1 AND id = ANY($2::uuid[])', [
      workspaceId,
      [...new Set(runs.map((r) => r.journey_id))],
    ]);
    const ctx: WorkspaceContext = {
      timeZone,
      canSend: (await this.m.messaging.sendingPolicy(workspaceId, tx)).configured,
      compile: new Map(),
      journeyNames: new Map(names.map((r) => [r.id, r.name])),
    };
    const batch: Batch = { logs: [], updates: [], sends: [], webhooks: [], attributes: [] };
    for (const run of runs) {
      const definition = await this.definition(tx, workspaceId, run.journey_id, run.version);
      batch.updates.push(await this.advance(tx, workspaceId, run, definition, now, ctx, batch));
    }
    await this.flush(tx, workspaceId, batch, now);
    return batch.logs.length;
  }

  /** Moves one run as far as it goes now; returns its new state. */
  private async advance(tx: Queryable, workspaceId: string, run: RunRow, def: Definition, now: Date, ctx: WorkspaceContext, batch: Batch): Promise<RunUpdate> {
    const u: RunUpdate = {
      id: run.id,
      state: 'waiting',
      step_id: run.step_id,
      visits: run.visits,
      parked_at: run.parked_at,
      due_at: run.due_at,
      timeout_at: run.timeout_at,
      wait_event: run.wait_event,
      exited_at: null,
      exit_reason: null,
      vars: run.vars,
    };
    const finish = (state: RunState, reason: string): RunUpdate => ({ ...u, state, parked_at: null, due_at: null, timeout_at: null, wait_event: null, exited_at: now, exit_reason: reason });
    // A held-out run has waited out its goal window: nothing acted on it.
    if (run.arm !== 'treatment') return finish('completed', 'held_out');
    const steps = new Map(def.steps.map((s) => [s.id, s]));

    for (let n = 0; n < MAX_STEPS_PER_PASS; n++) {
      if (u.step_id === null) return finish('completed', 'finished');
      const step = steps.get(u.step_id);
      if (!step) return finish('exited', 'missing_step');
      const log = (outcome: LogRow['outcome'], path: string | null = null, detail: Record<string, unknown> | null = null, lateMs: number | null = null): LogRow => {
        const row: LogRow = {
          run_id: run.id, step_id: step.id, visit: u.visits + 1, customer_id: run.customer_id, journey_id: run.journey_id, version: run.version,
          step_type: step.type, outcome, path, detail, late_ms: lateMs,
        };
        batch.logs.push(row);
        return row;
      };
      const go = (next: string | null) => {
        u.visits++;
        u.step_id = next;
        u.parked_at = null;
        u.due_at = now;
        u.timeout_at = null;
        u.wait_event = null;
      };
      const park = (due: Date, extra: { timeoutAt?: Date; event?: string } = {}): RunUpdate => {
        u.parked_at = now;
        u.due_at = due;
        u.timeout_at = extra.timeoutAt ?? null;
        u.wait_event = extra.event ?? null;
        return u;
      };
      const key = `${run.id}:${step.id}:${u.visits + 1}`;

      switch (step.type) {
        case 'wait':
        case 'waitUntil': {
          if (!u.parked_at) {
            if (step.type === 'wait') return park(new Date(now.getTime() + durationMs(step.duration)));
            const customer = await this.m.customers.get(workspaceId, run.customer_id, tx);
            return park(nextLocalTime(now, step.at, customer.timeZone ?? ctx.timeZone));
          }
          log('done', null, null, Math.max(0, now.getTime() - u.due_at!.getTime()));
          go(step.next);
          break;
        }
        case 'waitForEvent': {
          if (!u.parked_at) {
            const timeoutAt = new Date(now.getTime() + durationMs(step.timeout));
            return park(timeoutAt, { timeoutAt, event: step.event });
          }
          const at = await this.m.events.firstSince(workspaceId, run.customer_id, step.event, u.parked_at, tx);
          if (at) {
            log('done', 'event', { at });
            go(step.next);
          } else if (now >= u.timeout_at!) {
            log('done', 'timeout', null, Math.max(0, now.getTime() - u.timeout_at!.getTime()));
            go(step.timeoutNext);
          } else {
            // Woken for an event that was not (yet) visible: keep waiting for the rest of the timeout.
            return park(u.timeout_at!, { timeoutAt: u.timeout_at!, event: step.event });
          }
          break;
        }
        case 'branch': {
          const yes = await this.matches(tx, workspaceId, step.rule, run.customer_id, now, ctx);
          log('done', yes ? 'yes' : 'no');
          go(yes ? step.yes : step.no);
          break;
        }
        case 'split': {
          const draw = unitHash(`split:${run.journey_id}:${run.id}:${step.id}:${u.visits + 1}`) * 100;
          let acc = 0;
          const path = step.paths.find((p) => draw < (acc += p.percent)) ?? step.paths[step.paths.length - 1]!;
          log('done', path.label);
          go(path.next);
          break;
        }
        case 'send': {
          if (!ctx.canSend) log('failed', null, { error: 'messaging is not configured for this workspace' });
          else {
            const message: DirectMessage = {
              customerId: run.customer_id,
              template: step.template,
              class: step.class,
              idempotencyKey: `journey:${key}`,
              source: { key: sendSourceKey(run.journey_id, run.version, step.id), name: `${ctx.journeyNames.get(run.journey_id) ?? 'Journey'} · v${run.version} · ${step.id}` },
              vars: typeof u.vars.couponCode === 'string' ? { couponCode: u.vars.couponCode } : {},
            };
            batch.sends.push({ log: log('done', step.template.channel), message });
          }
          go(step.next);
          break;
        }
        case 'coupon': {
          const result = await this.external(() => this.m.coupons.issue(workspaceId, step.couponCampaignId, { customers: [run.customer_id] }));
          if ('error' in result) log('failed', null, { error: result.error });
          else {
            const code = result.value.codes[0]?.code;
            if (code) u.vars = { ...u.vars, couponCode: code };
            log('done', null, { issued: result.value.issued, code: code ?? null });
          }
          go(step.next);
          break;
        }
        case 'points': {
          const result = await this.external(() =>
            this.m.loyalty.adjust(workspaceId, { customer: run.customer_id, points: step.points, reason: step.reason, idempotencyKey: `journey:${key}` }, now),
          );
          if ('error' in result) log('failed', null, { error: result.error });
          else log('done', null, { points: step.points, replayed: result.value.replayed });
          go(step.next);
          break;
        }
        case 'attribute': {
          batch.attributes.push({ log: log('done', null, { key: step.key, value: step.value }), customerId: run.customer_id, key: step.key, value: step.value });
          go(step.next);
          break;
        }
        case 'webhook': {
          batch.webhooks.push({
            webhookId: step.webhookId,
            payload: { type: 'journey.step', journeyId: run.journey_id, version: run.version, stepId: step.id, runId: run.id, customerId: run.customer_id, idempotencyKey: key, at: now.toISOString() },
          });
          log('done');
          go(step.next);
          break;
        }
        case 'exit': {
          log('done');
          u.visits++;
          return finish('exited', 'exit_step');
        }
      }
    }
    // Too many steps in one pass: continue in the next one.
    return u;
  }

  /** A call into another module's own transaction; a refusal (ended campaign, …) fails the step, not the pass. */
  private async external<T>(fn: () => Promise<T>): Promise<{ value: T } | { error: string }> {
    try {
      return { value: await fn() };
    } catch (err) {
      if (err instanceof KizunaError) return { error: err.message };
      throw err;
    }
  }

  /** Whether the customer matches `rule` now: the segment rule compiled and restricted to one customer. */
  private async matches(tx: Queryable, workspaceId: string, rule: Rule, customerId: string, now: Date, ctx: WorkspaceContext): Promise<boolean> {
    const health = uses(rule.match, 'accountHealth');
    const cacheKey = health ? 'health' : 'plain';
    let compileCtx = ctx.compile.get(cacheKey);
    if (!compileCtx) {
      compileCtx = { workspaceId, asOf: now, timeZone: ctx.timeZone };
      if (health) {
        const risky = await this.m.intelligence.renewalRisk(workspaceId, now);
        const ids = (status: 'red' | 'amber') => risky.filter((a) => a.status === status).map((a) => a.accountId);
        compileCtx.accountsByHealth = { red: ids('red'), amber: ids('amber') };
      }
      ctx.compile.set(cacheKey, compileCtx);
    }
    const compiled = compileRule(rule, compileCtx);
    const { rows } = await tx.query<{ yes: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM (${compiled.sql}) m WHERE m.customer_id = $${compiled.params.length + 1}::uuid) AS yes`,
      [...compiled.params, customerId],
    );
    return rows[0]!.yes;
  }

  private async flush(tx: Queryable, workspaceId: string, batch: Batch, now: Date): Promise<void> {
    if (batch.attributes.length > 0) {
      // One after another: `tx` runs one query at a time.
      const externalIds = new Map<string, string | null>();
      for (const id of new Set(batch.attributes.map((a) => a.customerId))) externalIds.set(id, (await this.m.customers.get(workspaceId, id, tx)).externalId);
      const inputs = [];
      for (const a of batch.attributes) {
        const externalId = externalIds.get(a.customerId);
        if (!externalId) {
          a.log.outcome = 'failed';
          a.log.detail = { ...a.log.detail, error: 'an anonymous customer has no profile to update' };
        } else inputs.push({ externalId, attributes: { [a.key]: a.value } });
      }
      if (inputs.length > 0) await this.m.customers.upsertMany(workspaceId, inputs, tx);
    }
    if (batch.sends.length > 0) await this.m.messaging.sendDirect(workspaceId, batch.sends.map((s) => s.message), tx, now);
    if (batch.webhooks.length > 0) await this.m.webhooks.enqueueTo(workspaceId, 'journey.step', batch.webhooks, tx);
    if (batch.logs.length > 0) {
      // ON CONFLICT: a step already logged is never logged (nor counted) twice.
      await tx.query(
        `INSERT INTO journey_step_log (workspace_id, run_id, step_id, visit, customer_id, journey_id, version, step_type, outcome, path, detail, late_ms, at)
         SELECT $1, x.run_id, x.step_id, x.visit, x.customer_id, x.journey_id, x.version, x.step_type, x.outcome, x.path, x.detail, x.late_ms, $3
         FROM jsonb_to_recordset($2::jsonb) AS x(run_id uuid, step_id text, visit int, customer_id uuid, journey_id uuid, version int, step_type text,
           outcome text, path text, detail jsonb, late_ms int)
         ON CONFLICT DO NOTHING`,
        [workspaceId, JSON.stringify(batch.logs), now],
      );
    }
    await tx.query(
      `UPDATE journey_runs r SET state = x.state, step_id = x.step_id, visits = x.visits, parked_at = x.parked_at, due_at = x.due_at,
         timeout_at = x.timeout_at, wait_event = x.wait_event, exited_at = x.exited_at, exit_reason = x.exit_reason, vars = x.vars
       FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, state text, step_id text, visits int, parked_at timestamptz, due_at timestamptz,
         timeout_at timestamptz, wait_event text, exited_at timestamptz, exit_reason text, vars jsonb)
       WHERE r.workspace_id = $1 AND r.id = x.id`,
      [workspaceId, JSON.stringify(batch.updates)],
    );
  }

  async definition(q: Queryable, workspaceId: string, journeyId: string, version: number): Promise<Definition> {
    const key = `${workspaceId}:${journeyId}:${version}`;
    const cached = this.definitions.get(key);
    if (cached) return cached;
    const { rows } = await q.query<{ definition: unknown }>('SELECT definition FROM journey_versions WHERE workspace_id = $1 AND journey_id = $2 AND version = $3', [
      workspaceId,
      journeyId,
      version,
    ]);
    const definition = definitionSchema.parse(rows[0]!.definition);
    this.definitions.set(key, definition);
    return definition;
  }
}
