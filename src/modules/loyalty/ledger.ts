import { ConflictError } from '../../kernel/errors.ts';
import type { Queryable } from '../../db/database.ts';
import { mapRow, selectList } from '../../kernel/rowMapper.ts';
import { newId } from '../../db/ids.ts';

/**
 * The points ledger. Every change of a customer's points is one append-only entry, written in the
 * same transaction as the `points_balances` row (the sums) and the `points_lots` it creates or draws
 * from. `points` moves the available balance, `pending` the points still inside the return window.
 * Invariants (checked by `checkInvariants`): balance = Σ points ≥ 0, pending = Σ pending ≥ 0, and the
 * remaining of the customer's available (pending) lots sums to the balance (pending).
 *
 * Lock order, so that writers never deadlock: the customer's balance row first, then their lots.
 */
export type EntryKind = 'earn' | 'pending' | 'confirm' | 'redeem' | 'expire' | 'adjust' | 'reverse';

export interface LedgerEntry {
  id: string;
  customerId: string;
  kind: EntryKind;
  points: number;
  pending: number;
  lotId: string | null;
  sourceType: string;
  sourceId: string;
  reason: string | null;
  availableAt: Date | null;
  expiresAt: Date | null;
  createdAt: Date;
}

/** Points given. An 'earn' whose availableAt is still ahead is written as 'pending'. */
export interface Credit {
  customerId: string;
  kind: 'earn' | 'adjust';
  points: number;
  sourceType: string;
  sourceId: string;
  reason?: string | null;
  availableAt: Date;
  expiresAt: Date | null;
}

/** Points taken from the available balance, first-expiring lots first. */
export interface Debit {
  customerId: string;
  kind: 'redeem' | 'adjust';
  points: number;
  sourceType: string;
  sourceId: string;
  reason?: string | null;
}

/** A points_ledger entry as `ENTRY_COLUMNS` selects it. */
export interface EntryRow {
  id: string;
  customer_id: string;
  kind: EntryKind;
  points: number;
  pending: number;
  lot_id: string | null;
  source_type: string;
  source_id: string;
  reason: string | null;
  available_at: Date | null;
  expires_at: Date | null;
  created_at: Date;
}

export const ENTRY_COLUMNS = selectList<EntryRow>()({
  id: true,
  customer_id: true,
  kind: true,
  points: true,
  pending: true,
  lot_id: true,
  source_type: true,
  source_id: true,
  reason: true,
  available_at: true,
  expires_at: true,
  created_at: true,
});

export const toEntry = mapRow<EntryRow>()(
  (r): LedgerEntry => ({
    id: r.id,
    customerId: r.customer_id,
    kind: r.kind,
    points: r.points,
    pending: r.pending,
    lotId: r.lot_id,
    sourceType: r.source_type,
    sourceId: r.source_id,
    reason: r.reason,
    availableAt: r.available_at,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
  }),
);

/**
 * Writes credits in one call of `points_credit` (atomic on its own; inside a caller's transaction
 * when part of more): entries whose key already exists are skipped (that is the idempotency: an
 * order earns once however often it is synced), lots are opened for the rest and balances raised.
 * Returns the entries actually written.
 */
export async function credit(q: Queryable, workspaceId: string, credits: Credit[], now: Date): Promise<LedgerEntry[]> {
  const written = await creditEach(q, workspaceId, credits.map((c) => ({ ...c, now })));
  return written.filter((e) => e !== null);
}

/**
 * `credit` for credits of different times (each its caller's `now`): per credit, in the given order,
 * the entry written or null when its key already existed (or an earlier credit of the call took it).
 */
export async function creditEach(q: Queryable, workspaceId: string, credits: (Credit & { now: Date })[]): Promise<(LedgerEntry | null)[]> {
  if (credits.length === 0) return [];
  const ids = credits.map(() => newId());
  const order = lockOrder(credits);
  const sorted = order.map((i) => ({ ...credits[i]!, id: ids[i]! }));
  const { rows } = await q.query<EntryRow>(`SELECT * FROM points_credit($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, [
    workspaceId,
    sorted.map((c) => c.now),
    sorted.map((c) => c.customerId),
    sorted.map((c) => c.id),
    sorted.map(() => newId()),
    sorted.map((c) => (c.kind === 'earn' && c.availableAt > c.now ? 'pending' : c.kind)),
    sorted.map((c) => c.points),
    sorted.map((c) => c.sourceType),
    sorted.map((c) => c.sourceId),
    sorted.map((c) => c.reason ?? null),
    sorted.map((c) => c.availableAt),
    sorted.map((c) => c.expiresAt),
  ]);
  const byId = new Map(rows.map((r) => [r.id, toEntry(r)]));
  return ids.map((id) => byId.get(id) ?? null);
}

/**
 * Indexes of `items` sorted by customer, the order concurrent calls take balance locks in (so they
 * cannot deadlock); stable, so one customer's items keep the order they came in.
 */
function lockOrder(items: { customerId: string }[]): number[] {
  return items.map((_, i) => i).sort((a, b) => (items[a]!.customerId < items[b]!.customerId ? -1 : items[a]!.customerId > items[b]!.customerId ? 1 : 0));
}

/** Locks the customers' balance rows (creating missing ones) in id order: the first step of any change to their lots. */
export async function lockBalances(q: Queryable, workspaceId: string, customerIds: string[]): Promise<Map<string, { balance: number; pending: number }>> {
  const ids = [...new Set(customerIds)].sort();
  await q.query(
    `INSERT INTO points_balances (workspace_id, customer_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
    [workspaceId, ids],
  );
  const { rows } = await q.query<{ customer_id: string; balance: number; pending: number }>(
    `SELECT customer_id, balance, pending FROM points_balances WHERE workspace_id = $1 AND customer_id = ANY($2::uuid[]) ORDER BY customer_id FOR UPDATE`,
    [workspaceId, ids],
  );
  return new Map(rows.map((r) => [r.customer_id, { balance: r.balance, pending: r.pending }]));
}

/** What a debit did: 'short' wrote nothing (balanceAfter is the balance); 'replayed' returns the entry its key already wrote. */
export type DebitOutcome = { outcome: 'written' | 'replayed'; entry: LedgerEntry; balanceAfter: number } | { outcome: 'short'; entry: null; balanceAfter: number };

type DebitRow = EntryRow & { outcome: 'written' | 'replayed' | 'short'; balance_after: number };

const toDebitOutcome = (r: DebitRow): DebitOutcome =>
  r.outcome === 'short' ? { outcome: 'short', entry: null, balanceAfter: r.balance_after } : { outcome: r.outcome, entry: toEntry(r), balanceAfter: r.balance_after };

/** The caller's view of a debit: a short balance is a ConflictError. */
export function debitResult(d: Debit, o: DebitOutcome): { entry: LedgerEntry; replayed: boolean } {
  if (o.outcome === 'short') throw new ConflictError(`Not enough points: the balance is ${o.balanceAfter}, ${d.points} needed`);
  return { entry: o.entry, replayed: o.outcome === 'replayed' };
}

/**
 * Takes points from one customer's available balance, first-expiring lots first: one call of the
 * `points_debit` function (migration 002), so atomic on its own and one round trip. A repeated key
 * returns the entry already written (`replayed`); too few points is a ConflictError with nothing
 * written, and the balance CHECK stops any overspend regardless.
 */
export async function debit(q: Queryable, workspaceId: string, d: Debit, now: Date): Promise<{ entry: LedgerEntry; replayed: boolean }> {
  const { rows } = await q.query<DebitRow>(
    `SELECT d.outcome, d.balance_after, (d.entry).* FROM points_debit($1, $2, $3, $4, $5, $6, $7, $8, $9) d`,
    [workspaceId, d.customerId, newId(), d.kind, d.points, d.sourceType, d.sourceId, d.reason ?? null, now],
  );
  return debitResult(d, toDebitOutcome(rows[0]!));
}

/**
 * Debits of one workspace in one call of `points_debit_each` (migration 004), each as `debit` does it
 * alone, in the given order per customer: per debit its outcome, a short balance included.
 */
export async function debitEach(q: Queryable, workspaceId: string, debits: (Debit & { now: Date })[]): Promise<DebitOutcome[]> {
  if (debits.length === 0) return [];
  const order = lockOrder(debits);
  const sorted = order.map((i) => debits[i]!);
  const { rows } = await q.query<DebitRow & { ord: number }>(
    `SELECT d.ord, d.outcome, d.balance_after, (d.entry).* FROM points_debit_each($1, $2, $3, $4, $5, $6, $7, $8, $9) d`,
    [
      workspaceId,
      sorted.map((d) => d.customerId),
      sorted.map(() => newId()),
      sorted.map((d) => d.kind),
      sorted.map((d) => d.points),
      sorted.map((d) => d.sourceType),
      sorted.map((d) => d.sourceId),
      sorted.map((d) => d.reason ?? null),
      sorted.map((d) => d.now),
    ],
  );
  const outcomes: DebitOutcome[] = new Array(debits.length);
  for (const r of rows) outcomes[order[r.ord - 1]!] = toDebitOutcome(r);
  return outcomes;
}

/**
 * Takes back up to `points` that a source earned (a refund, a cancellation, a reversed referral):
 * from that source's lot first, pending or not, then from the rest of the available balance. The
 * balance never goes below zero, so points already spent may be unrecoverable; the entry's reason
 * says how many. One call of `points_reverse` (atomic on its own). Returns null when the key was already used.
 */
export async function reverseEarning(
  q: Queryable,
  workspaceId: string,
  r: { customerId: string; earnedSourceType: string; earnedSourceId: string; points: number; sourceType: string; sourceId: string; reason: string },
  now: Date,
): Promise<LedgerEntry | null> {
  // points_reverse returns a row of nulls when the key was already used.
  const { rows } = await q.query<EntryRow | { [K in keyof EntryRow]: null }>(`SELECT r.* FROM points_reverse($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) r`, [
    workspaceId,
    r.customerId,
    newId(),
    r.earnedSourceType,
    r.earnedSourceId,
    r.points,
    r.sourceType,
    r.sourceId,
    r.reason,
    now,
  ]);
  const row = rows[0]!;
  return row.id === null ? null : toEntry(row);
}

/**
 * Moves lots whose return window has passed from pending to available, with a 'confirm' entry per
 * lot (keyed by the lot's source). Set-based, `limit` lots per call.
 */
export async function confirmDue(q: Queryable, workspaceId: string, now: Date, limit: number): Promise<LedgerEntry[]> {
  return settleLots(q, workspaceId, now, limit, 'confirm');
}

/** Zeroes what is left of lots past their expiry, with an 'expire' entry per lot. Set-based, `limit` lots per call. */
export async function expireDue(q: Queryable, workspaceId: string, now: Date, limit: number): Promise<LedgerEntry[]> {
  return settleLots(q, workspaceId, now, limit, 'expire');
}

async function settleLots(q: Queryable, workspaceId: string, now: Date, limit: number, kind: 'confirm' | 'expire'): Promise<LedgerEntry[]> {
  const due =
    kind === 'confirm'
      ? `status = 'pending' AND available_at <= $2`
      : `status = 'available' AND remaining > 0 AND expires_at <= $2`;
  const { rows: candidates } = await q.query<{ customer_id: string }>(
    `SELECT DISTINCT customer_id FROM (SELECT customer_id FROM points_lots WHERE workspace_id = $1 AND ${due} LIMIT $3) d`,
    [workspaceId, now, limit],
  );
  if (candidates.length === 0) return [];
  await lockBalances(q, workspaceId, candidates.map((c) => c.customer_id));
  // Re-read under the locks: a redemption or reversal may have changed the lots meanwhile.
  const change = kind === 'confirm' ? `status = 'available'` : 'remaining = 0';
  const { rows: lots } = await q.query<{ customer_id: string; id: string; amount: number; source_type: string; source_id: string; expires_at: Date | null }>(
    `WITH d AS (SELECT customer_id, id, remaining FROM points_lots WHERE workspace_id = $1 AND customer_id = ANY($3::uuid[]) AND ${due} FOR UPDATE)
     UPDATE points_lots l SET ${change} FROM d WHERE l.workspace_id = $1 AND l.customer_id = d.customer_id AND l.id = d.id
     RETURNING l.customer_id, l.id, d.remaining AS amount, l.source_type, l.source_id, l.expires_at`,
    [workspaceId, now, candidates.map((c) => c.customer_id)],
  );
  const moved = lots.filter((l) => l.amount > 0);
  if (moved.length === 0) return [];
  const sign = kind === 'confirm' ? { points: 1, pending: -1 } : { points: -1, pending: 0 };
  const { rows } = await q.query<EntryRow>(
    `WITH ins AS (
       INSERT INTO points_ledger (workspace_id, customer_id, id, kind, points, pending, lot_id, source_type, source_id, expires_at, created_at)
       SELECT $1, customer_id, id, $2, amount * $3, amount * $4, lot_id, source_type, source_id, expires_at, $5
       FROM unnest($6::uuid[], $7::uuid[], $8::uuid[], $9::bigint[], $10::text[], $11::text[], $12::timestamptz[])
         AS x(customer_id, id, lot_id, amount, source_type, source_id, expires_at)
       RETURNING ${ENTRY_COLUMNS}),
     bal AS (
       UPDATE points_balances b SET balance = b.balance + s.points, pending = b.pending + s.pending, updated_at = now()
       FROM (SELECT customer_id, sum(points) AS points, sum(pending) AS pending FROM ins GROUP BY customer_id) s
       WHERE b.workspace_id = $1 AND b.customer_id = s.customer_id)
     SELECT * FROM ins`,
    [
      workspaceId,
      kind,
      sign.points,
      sign.pending,
      now,
      moved.map((l) => l.customer_id),
      moved.map(() => newId()),
      moved.map((l) => l.id),
      moved.map((l) => l.amount),
      moved.map((l) => l.source_type),
      moved.map((l) => l.source_id),
      moved.map((l) => l.expires_at),
    ],
  );
  return rows.map(toEntry);
}

export interface InvariantReport {
  customers: number;
  entries: number;
  /** Customers whose balance or pending differs from the sums of their ledger or lots. */
  mismatched: number;
  negative: number;
  /** Sources that earned more than once (impossible by the unique index; checked anyway). */
  doubleEarned: number;
}

/** Verifies the ledger's invariants for a workspace: what the benchmark and the tests assert. */
export async function checkInvariants(q: Queryable, workspaceId: string): Promise<InvariantReport> {
  const { rows } = await q.query<InvariantReport>(
    `WITH l AS (SELECT customer_id, sum(points) AS points, sum(pending) AS pending, count(*) AS n FROM points_ledger WHERE workspace_id = $1 GROUP BY customer_id),
          lots AS (SELECT customer_id, sum(remaining) FILTER (WHERE status = 'available') AS available, sum(remaining) FILTER (WHERE status = 'pending') AS pending
                   FROM points_lots WHERE workspace_id = $1 GROUP BY customer_id)
     SELECT (SELECT count(*) FROM points_balances WHERE workspace_id = $1)::int AS customers,
            (SELECT coalesce(sum(n), 0) FROM l)::int AS entries,
            (SELECT count(*) FROM points_balances b
               LEFT JOIN l ON l.customer_id = b.customer_id LEFT JOIN lots ON lots.customer_id = b.customer_id
               WHERE b.workspace_id = $1 AND (b.balance <> coalesce(l.points, 0) OR b.pending <> coalesce(l.pending, 0)
                 OR b.balance <> coalesce(lots.available, 0) OR b.pending <> coalesce(lots.pending, 0)))::int
              + (SELECT count(*) FROM l WHERE NOT EXISTS (SELECT 1 FROM points_balances b WHERE b.workspace_id = $1 AND b.customer_id = l.customer_id))::int AS mismatched,
            (SELECT count(*) FROM points_balances WHERE workspace_id = $1 AND (balance < 0 OR pending < 0))::int AS negative,
            (SELECT count(*) FROM (SELECT 1 FROM points_ledger WHERE workspace_id = $1 AND kind IN ('earn', 'pending')
               GROUP BY source_type, source_id HAVING count(*) > 1) d)::int AS "doubleEarned"`,
    [workspaceId],
  );
  return rows[0]!;
}
