import type { Db } from '../../db/database.ts';
import { credit, reverseEarning, type Credit, type LedgerEntry } from './ledger.ts';
import { cancellationReversal, orderPoints, refundReversal } from './rules.ts';
import type { LoyaltySettings } from './settings.ts';
import { addMonths } from './tiers.ts';

const DAY = 86_400_000;
const BATCH = 2_000;

export interface SyncResult {
  /** Entries written for orders (pending or earned), bonuses included. */
  earned: LedgerEntry[];
  reversed: LedgerEntry[];
}

export interface ProgrammeContext {
  workspaceId: string;
  currency: string;
  timeZone: string;
  settings: LoyaltySettings;
}

/** When points earned at `earnedAt` become available and when they expire. */
export function lotDates(settings: LoyaltySettings, earnedAt: Date, pending: boolean): { availableAt: Date; expiresAt: Date | null } {
  const availableAt = pending ? new Date(earnedAt.getTime() + settings.pendingDays * DAY) : earnedAt;
  return { availableAt, expiresAt: settings.expiryMonths === null ? null : addMonths(availableAt, settings.expiryMonths) };
}

/**
 * Set-based earning from orders: completed orders in the workspace currency that have not earned
 * yet (identified customers only: an anonymous visitor's orders earn once they are merged), in
 * batches; each batch is one transaction, and the (order, earn) key makes a rerun or a concurrent
 * run harmless. Points stay pending for the return window counted from the order time.
 */
export async function earnFromOrders(db: Db, p: ProgrammeContext, since: Date | null, now: Date): Promise<LedgerEntry[]> {
  const { settings } = p;
  const from = [since, settings.earnOrdersSince].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  const tierMultipliers = new Map(settings.tiers.map((t) => [t.name, t.earnMultiplier]));
  const written: LedgerEntry[] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    // Three small indexed steps rather than one anti-join: its plan on a fresh (unanalysed) ledger
    // was a nested loop costing seconds per batch.
    const { rows: page } = await db.query<{ id: string }>(
      `SELECT id FROM orders WHERE workspace_id = $1 AND id > $2 AND status = 'completed' AND currency = $3 AND ($4::timestamptz IS NULL OR ordered_at >= $4)
       ORDER BY id LIMIT $5`,
      [p.workspaceId, after, p.currency, from, BATCH],
    );
    if (page.length === 0) return written;
    after = page[page.length - 1]!.id;
    const done = await existingKeys(db, p.workspaceId, 'order', page.map((o) => o.id), ['earn', 'pending']);
    const todo = page.map((o) => o.id).filter((id) => !done.has(id));
    if (todo.length === 0) continue;
    const { rows } = await db.query<{
      id: string;
      customer_id: string;
      subtotal_minor: number;
      discount_minor: number;
      ordered_at: Date;
      birthday: string | null;
      time_zone: string | null;
      tier: string | null;
      first: boolean;
      lines: { sku: string | null; category: string | null; totalMinor: number }[];
    }>(
      `SELECT o.id, o.customer_id, o.subtotal_minor, o.discount_minor, o.ordered_at, c.birthday::text AS birthday, c.time_zone, m.tier,
              NOT EXISTS (SELECT 1 FROM orders p WHERE p.workspace_id = $1 AND p.customer_id = o.customer_id AND p.status = 'completed'
                            AND (p.ordered_at, p.id) < (o.ordered_at, o.id)) AS first,
              coalesce((SELECT jsonb_agg(jsonb_build_object('sku', l.sku, 'category', l.category, 'totalMinor', l.total_minor))
                        FROM order_lines l WHERE l.workspace_id = $1 AND l.order_id = o.id), '[]') AS lines
       FROM orders o
       JOIN customers c ON c.workspace_id = $1 AND c.id = o.customer_id
       LEFT JOIN loyalty_members m ON m.workspace_id = $1 AND m.customer_id = o.customer_id
       WHERE o.workspace_id = $1 AND o.id = ANY($2::uuid[]) AND c.external_id IS NOT NULL AND c.erased_at IS NULL`,
      [p.workspaceId, todo],
    );
    const credits: Credit[] = rows.flatMap((o) => {
      const earning = orderPoints(
        { subtotalMinor: o.subtotal_minor, discountMinor: o.discount_minor, orderedAt: o.ordered_at, lines: o.lines },
        settings,
        { birthday: o.birthday, timeZone: o.time_zone ?? p.timeZone, tierMultiplier: (o.tier && tierMultipliers.get(o.tier)) || 1 },
      );
      const dates = lotDates(settings, o.ordered_at, settings.pendingDays > 0);
      const reason = earning.birthdayMonth ? 'order (birthday month)' : 'order';
      const own: Credit = { customerId: o.customer_id, kind: 'earn', points: earning.points, sourceType: 'order', sourceId: o.id, reason, ...dates };
      const bonus: Credit[] =
        o.first && settings.firstPurchaseBonus > 0
          ? [{ customerId: o.customer_id, kind: 'earn', points: settings.firstPurchaseBonus, sourceType: 'first_purchase', sourceId: o.customer_id, reason: 'first purchase bonus', ...dates }]
          : [];
      return [own, ...bonus];
    });
    written.push(...(await db.tx((tx) => credit(tx, p.workspaceId, credits, now))));
  }
}

/** Which of these sources already have an entry of one of these kinds (an indexed lookup on the idempotency key). */
async function existingKeys(db: Db, workspaceId: string, sourceType: string, sourceIds: string[], kinds: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ source_id: string }>(
    'SELECT source_id FROM points_ledger WHERE workspace_id = $1 AND source_type = $2 AND source_id = ANY($3::text[]) AND kind = ANY($4::text[])',
    [workspaceId, sourceType, sourceIds, kinds],
  );
  return new Set(rows.map((r) => r.source_id));
}

/** What each order earned (pending or not), and for whom. */
async function earnings(db: Db, workspaceId: string, orderIds: string[]): Promise<Map<string, { customerId: string; points: number }>> {
  const { rows } = await db.query<{ source_id: string; customer_id: string; points: number }>(
    `SELECT source_id, customer_id, points + pending AS points FROM points_ledger
     WHERE workspace_id = $1 AND source_type = 'order' AND source_id = ANY($2::text[]) AND kind IN ('earn', 'pending')`,
    [workspaceId, orderIds],
  );
  return new Map(rows.map((r) => [r.source_id, { customerId: r.customer_id, points: r.points }]));
}

/** Bonus points for events named in `eventBonuses` ("Review Submitted", "Survey Answered"), once per event. */
export async function earnFromEvents(db: Db, p: ProgrammeContext, since: Date | null, now: Date): Promise<LedgerEntry[]> {
  const names = Object.keys(p.settings.eventBonuses);
  if (names.length === 0) return [];
  const { rows: found } = await db.query<{ id: string; customer_id: string; name: string }>(
    `SELECT e.id, e.customer_id, e.name FROM events e JOIN customers c ON c.workspace_id = $1 AND c.id = e.customer_id
     WHERE e.workspace_id = $1 AND e.name = ANY($2::text[]) AND ($3::timestamptz IS NULL OR e.occurred_at >= $3) AND c.external_id IS NOT NULL`,
    [p.workspaceId, names, since],
  );
  const done = await existingKeys(db, p.workspaceId, 'event', found.map((e) => e.id), ['earn']);
  const rows = found.filter((e) => !done.has(e.id));
  const dates = lotDates(p.settings, now, false);
  const credits: Credit[] = rows.flatMap((e) => {
    const points = p.settings.eventBonuses[e.name]!;
    return points > 0 ? [{ customerId: e.customer_id, kind: 'earn' as const, points, sourceType: 'event', sourceId: e.id, reason: e.name, ...dates }] : [];
  });
  const written: LedgerEntry[] = [];
  for (let i = 0; i < credits.length; i += BATCH) {
    const chunk = credits.slice(i, i + BATCH);
    written.push(...(await db.tx((tx) => credit(tx, p.workspaceId, chunk, now))));
  }
  return written;
}

/**
 * Takes back points of refunded and cancelled orders. A refund reverses its proportional share
 * (idempotent by refund id); a cancellation reverses what refunds did not (idempotent by order);
 * refunds recorded after a cancellation was reversed take nothing more.
 */
export async function reverseFromOrders(db: Db, p: ProgrammeContext, now: Date): Promise<LedgerEntry[]> {
  const ws = p.workspaceId;
  const work: { customerId: string; orderId: string; points: number; sourceType: string; sourceId: string; reason: string }[] = [];
  // Like earning, in small indexed steps over the idempotency keys instead of anti-joins.
  const { rows: refunds } = await db.query<{ id: string; order_id: string }>('SELECT id, order_id FROM refunds WHERE workspace_id = $1', [ws]);
  for (let i = 0; i < refunds.length; i += BATCH) {
    const chunk = refunds.slice(i, i + BATCH);
    const reversed = await existingKeys(db, ws, 'refund', chunk.map((r) => r.id), ['reverse']);
    const open = new Set(chunk.filter((r) => !reversed.has(r.id)).map((r) => r.id));
    if (open.size === 0) continue;
    const orderIds = [...new Set(chunk.filter((r) => open.has(r.id)).map((r) => r.order_id))];
    const earned = await earnings(db, ws, orderIds);
    const cancelled = await existingKeys(db, ws, 'order', orderIds, ['reverse']);
    const relevant = orderIds.filter((id) => earned.has(id) && !cancelled.has(id));
    if (relevant.length === 0) continue;
    const { rows } = await db.query<{ id: string; order_id: string; amount_minor: number; before: number; total_minor: number }>(
      `SELECT r.id, r.order_id, r.amount_minor, o.total_minor,
              coalesce(sum(r.amount_minor) OVER (PARTITION BY r.order_id ORDER BY r.refunded_at, r.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
       FROM refunds r JOIN orders o ON o.workspace_id = $1 AND o.id = r.order_id
       WHERE r.workspace_id = $1 AND r.order_id = ANY($2::uuid[])`,
      [ws, relevant],
    );
    for (const r of rows.filter((x) => open.has(x.id))) {
      const e = earned.get(r.order_id)!;
      work.push({ customerId: e.customerId, orderId: r.order_id, points: refundReversal(e.points, r.total_minor, r.before, r.amount_minor), sourceType: 'refund', sourceId: r.id, reason: 'refund' });
    }
  }
  const { rows: cancelledOrders } = await db.query<{ id: string; total_minor: number; refunded_minor: number }>(
    `SELECT id, total_minor, refunded_minor FROM orders WHERE workspace_id = $1 AND status = 'cancelled'`,
    [ws],
  );
  for (let i = 0; i < cancelledOrders.length; i += BATCH) {
    const chunk = cancelledOrders.slice(i, i + BATCH);
    const earned = await earnings(db, ws, chunk.map((o) => o.id));
    const reversed = await existingKeys(db, ws, 'order', chunk.map((o) => o.id), ['reverse']);
    for (const o of chunk.filter((x) => earned.has(x.id) && !reversed.has(x.id))) {
      const e = earned.get(o.id)!;
      work.push({ customerId: e.customerId, orderId: o.id, points: cancellationReversal(e.points, o.total_minor, o.refunded_minor), sourceType: 'order', sourceId: o.id, reason: 'order cancelled' });
    }
  }
  work.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  const written: LedgerEntry[] = [];
  for (let i = 0; i < work.length; i += 500) {
    const chunk = work.slice(i, i + 500);
    const entries = await db.tx(async (tx) => {
      const out: LedgerEntry[] = [];
      for (const w of chunk) {
        const entry = await reverseEarning(tx, ws, { ...w, earnedSourceType: 'order', earnedSourceId: w.orderId }, now);
        if (entry) out.push(entry);
      }
      return out;
    });
    written.push(...entries);
  }
  return written;
}
