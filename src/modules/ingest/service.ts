import { ValidationError } from '../../kernel/errors.ts';
import { log } from '../../kernel/log.ts';
import type { Db, Queryable } from '../../db/database.ts';
import type { EventService } from '../events/index.ts';
import type { WorkspaceService } from '../workspaces/index.ts';
import type { SegmentMessage } from './segmentSpec.ts';
import { PhaseTimer } from './phases.ts';
import { planIngest, type IngestPlan } from './segmentMapper.ts';

export interface IngestResult {
  messages: number;
  events: { inserted: number; duplicates: number };
  customers: number;
  orders: number;
  refunds: number;
}

/** What the batch flow (src/flows/ingestBatch.ts) needs besides the plan and the transaction. */
export interface IngestBatchOptions {
  /** Where the batch sits in the request, for the paths of validation issues. */
  pathPrefix: (string | number)[];
  /** Called once accounts and identify-and-merge are written (a phase of Server-Timing). */
  merged: () => void;
  /** Called once the events' customers are resolved (a phase of Server-Timing). */
  resolved: () => void;
}

interface Modules {
  workspaces: WorkspaceService;
  /** Writes a mapped batch across the modules (accounts, customers, products, orders, events) in the transaction given. */
  batch: { run(workspaceId: string, plan: IngestPlan, tx: Queryable, options: IngestBatchOptions): Promise<IngestResult> };
  /** Live segments are refreshed soon after new data (the request is debounced to one job per few minutes). */
  segments: { requestRefresh(workspaceId: string, now?: Date): Promise<unknown> };
  /** Orders, refunds and cancellations earn or take back points soon, not at the next hourly run. */
  loyalty: { requestProcessing(workspaceId: string): Promise<unknown> };
  events: EventService;
}

/**
 * Segment-compatible ingest. A batch is one transaction: every message is validated and mapped
 * first, and one bad message rejects the batch with nothing written. The caller acknowledges only
 * after this returns, i.e. after COMMIT.
 */
export class IngestService {
  private readonly currencies = new Map<string, { currency: string; until: number }>();
  /** Product records this process wrote recently, by workspace and content (see `unseenProducts`). */
  private readonly recentProducts = new Map<string, number>();
  /** Per workspace, the whole second in which this process last asked for a segment refresh. */
  private readonly refreshAsked = new Map<string, number>();
  /** Events-only batches waiting for the group writer, per workspace (see `joinGroup`). */
  private readonly waiting = new Map<string, GroupMember[]>();
  private groupWriters = 0;

  constructor(
    private readonly db: Db,
    private readonly m: Modules,
  ) {}

  /** Erasure: replayable responses (Idempotency-Key) that name the person. */
  async eraseCustomer(workspaceId: string, customerId: string, q: Queryable = this.db): Promise<void> {
    await this.m.workspaces.idempotencyKeys.forgetResponsesAbout(workspaceId, customerId, q);
  }

  async ingest(workspaceId: string, messages: SegmentMessage[], pathPrefix: (string | number)[] = [], timer = new PhaseTimer()): Promise<IngestResult> {
    const { plan, issues } = planIngest(messages, await this.currencyOf(workspaceId), new Date(), pathPrefix);
    if (issues.length > 0) throw new ValidationError(`${issues.length} invalid field(s) in the request`, issues);
    timer.mark('plan');
    const result = this.eventsOnly(workspaceId, plan)
      ? await this.joinGroup(workspaceId, plan, timer)
      : await this.db.tx(async (tx) => {
          const applied = await this.m.batch.run(workspaceId, { ...plan, products: this.unseenProducts(workspaceId, plan.products) }, tx, { pathPrefix, merged: () => timer.mark('merge'), resolved: () => timer.mark('resolve') });
          timer.mark('write');
          return applied;
        });
    timer.mark('commit');
    this.rememberProducts(workspaceId, plan.products);
    // Statistics only: the batch has committed, so a failure here must not fail the request.
    await this.m.events.analyzeCustomersIfOutgrown().catch((err: Error) => log('warn', `ANALYZE of customers after ingest failed: ${err.message}`));
    await this.requestSegmentRefresh(workspaceId);
    if (plan.orders.length + plan.refunds.length + plan.cancellations.length > 0) await this.m.loyalty.requestProcessing(workspaceId);
    timer.mark('after');
    return result;
  }

  /** Batches that only add events (the bulk of tracking traffic) can share a transaction. */
  private eventsOnly(ws: string, plan: IngestPlan): boolean {
    const { customers, accounts, orders, refunds, cancellations, products } = plan;
    return customers.length + accounts.length + orders.length + refunds.length + cancellations.length === 0 && this.unseenProducts(ws, products).length === 0;
  }

  /**
   * Group commit: concurrent events-only batches of a workspace are written by one transaction and
   * one statement (fewer commits and round trips, and fewer writers contending for the same index
   * pages and customer rows). Each caller is answered after that COMMIT, with its own counts.
   */
  private joinGroup(ws: string, plan: IngestPlan, timer: PhaseTimer): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      const waiting = this.waiting.get(ws) ?? [];
      waiting.push({
        events: plan.events,
        timer,
        done: (events) => resolve({ messages: plan.events.length, events, customers: 0, orders: 0, refunds: 0 }),
        fail: reject,
      });
      this.waiting.set(ws, waiting);
      if (this.groupWriters < GROUP_WRITERS) void this.writeGroups();
    });
  }

  private async writeGroups(): Promise<void> {
    this.groupWriters++;
    try {
      for (let next = this.waiting.entries().next(); !next.done; next = this.waiting.entries().next()) {
        const [ws, waiting] = next.value;
        let events = 0;
        let take = 0;
        while (take < waiting.length && (take === 0 || events + waiting[take]!.events.length <= GROUP_MAX_EVENTS)) events += waiting[take++]!.events.length;
        const group = waiting.splice(0, take);
        if (waiting.length === 0) this.waiting.delete(ws);
        await this.writeGroup(ws, group);
      }
    } finally {
      this.groupWriters--;
    }
  }

  private async writeGroup(ws: string, group: GroupMember[]): Promise<void> {
    for (const member of group) member.timer.mark('queue');
    const write = (members: GroupMember[]) =>
      this.db.tx(async (tx) => {
        const counts = await this.m.events.insertGroups(ws, members.map((m) => m.events), tx, {
          resolved: () => members.forEach((m) => m.timer.mark('resolve')),
        });
        members.forEach((m) => m.timer.mark('write'));
        return counts;
      });
    try {
      const counts = await write(group);
      group.forEach((member, i) => member.done(counts[i]!));
    } catch (err) {
      if (group.length === 1) return group[0]!.fail(err);
      // One batch's failure must not fail the others: each runs again alone, all-or-nothing as ever.
      for (const member of group) {
        await write([member]).then(([counts]) => member.done(counts!), member.fail);
      }
    }
  }

  /**
   * After commit and outside the batch's transaction (concurrent batches share the debounced job
   * row, and waiting on it inside the transaction would serialise them), at most once per workspace
   * per whole second: the refresh job is debounced to buckets of whole minutes (segments), so every
   * batch of one second asks for the same job, and asking once is the same as asking a hundred times.
   */
  private async requestSegmentRefresh(workspaceId: string): Promise<void> {
    const now = new Date();
    const second = Math.floor(now.getTime() / 1000);
    if (this.refreshAsked.get(workspaceId) === second) return;
    await this.m.segments.requestRefresh(workspaceId, now);
    this.refreshAsked.set(workspaceId, second);
  }

  /**
   * Product events re-send the same product by the thousand ("Product Viewed"), and the upsert of
   * an unchanged product writes nothing but still costs three statements a batch. A product record
   * identical to one this process committed in the last minute is skipped: it only creates a
   * product that exists or sets values it already has; what it would overwrite is at most a minute
   * of someone else's edit (products are never deleted).
   */
  private unseenProducts(ws: string, products: IngestPlan['products']): IngestPlan['products'] {
    const now = Date.now();
    return products.filter((p) => (this.recentProducts.get(productKey(ws, p)) ?? 0) <= now);
  }

  /** Called after commit only: a rolled-back batch wrote nothing to remember. */
  private rememberProducts(ws: string, products: IngestPlan['products']): void {
    if (products.length === 0) return;
    if (this.recentProducts.size > RECENT_PRODUCTS_MAX) this.recentProducts.clear();
    const until = Date.now() + 60_000;
    for (const p of products) this.recentProducts.set(productKey(ws, p), until);
  }

  /** The workspace currency is the default for amounts without one; cached briefly (it rarely changes). */
  private async currencyOf(workspaceId: string): Promise<string> {
    const cached = this.currencies.get(workspaceId);
    if (cached && cached.until > Date.now()) return cached.currency;
    const { currency } = await this.m.workspaces.get(workspaceId);
    this.currencies.set(workspaceId, { currency, until: Date.now() + 60_000 });
    return currency;
  }
}

interface GroupMember {
  events: IngestPlan['events'];
  timer: PhaseTimer;
  done(events: { inserted: number; duplicates: number }): void;
  fail(err: unknown): void;
}

/** Transactions writing groups at once: one writes while the next group gathers and resolves. */
const GROUP_WRITERS = 2;
/** A group stops growing at this many events (a single larger batch still goes alone). */
const GROUP_MAX_EVENTS = 10_000;

/** Bounds the memory of `recentProducts` (a catalogue larger than this just costs the upserts again). */
const RECENT_PRODUCTS_MAX = 50_000;

/** The mapper builds every product with the same key order, so equal records stringify equally. */
const productKey = (ws: string, p: IngestPlan['products'][number]) => `${ws} ${JSON.stringify(p)}`;
