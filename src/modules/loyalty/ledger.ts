import { ConflictError } from '../../app/errors.ts';
import type { Queryable } from '../../db/database.ts';
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

const ENTRY_COLUMNS = 'id, customer_id, kind, points, pending, lot_id, source_type, source_id, reason, available_at, expires_at, created_at';

export function toEntry(r: Record<string, unknown>): LedgerEntry {
  return {
    id: r.id as string,
    customerId: r.customer_id as string,
    kind: r.kind as EntryKind,
    points: r.points as number,
    pending: r.pending as number,
    lotId: r.lot_id as string | null,
    sourceType: r.source_type as string,
    sourceId: r.source_id as string,
    reason: r.reason as string | null,
    availableAt: r.available_at as Date | null,
    expiresAt: r.expires_at as Date | null,
    createdAt: r.created_at as Date,
  };
}

/**
 * Writes credits in one statement (atomic on its own; inside a caller's transaction when part of
 * more): entries whose key already exists are skipped (that is the
 * idempotency: an order earns once however often it is synced), lots are opened for the rest and
 * balances raised. Returns the entries actually written.
 */
export async function credit(q: Queryable, workspaceId: string, credits: Credit[], now: Date): Promise<LedgerEntry[]> {
  if (credits.length === 0) return [];
  // Sorted by customer, so concurrent batches take balance locks in one order.
  const sorted = [...credits].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  const kinds = sorted.map((c) => (c.kind === 'earn' && c.availableAt > now ? 'pending' : c.kind));
  const { rows } = await q.query(
    `WITH x AS (
       SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[])
         AS x(customer_id, id, lot_id, kind, points, source_type, source_id, reason, available_at, expires_at)),
     ins AS (
       INSERT INTO points_ledger (workspace_id, customer_id, id, kind, points, pending, lot_id, source_type, source_id, reason, available_at, expires_at, created_at)
       SELECT $1, customer_id, id, kind, CASE WHEN kind = 'pending' THEN 0 ELSE points END, CASE WHEN kind = 'pending' THEN points ELSE 0 END,
              CASE WHEN points > 0 THEN lot_id END, source_type, source_id, reason, available_at, expires_at, $12
       FROM x
       ON CONFLICT DO NOTHING
       RETURNING ${ENTRY_COLUMNS}),
     lots AS (
       INSERT INTO points_lots (workspace_id, customer_id, id, points, remaining, status, source_type, source_id, available_at, expires_at, created_at)
       SELECT $1, customer_id, lot_id, points + pending, points + pending, CASE WHEN pending > 0 THEN 'pending' ELSE 'available' END,
              source_type, source_id, available_at, expires_at, created_at
       FROM ins WHERE lot_id IS NOT NULL),
     bal AS (
       INSERT INTO points_balances AS b (workspace_id, customer_id, balance, pending)
       SELECT $1, customer_id, sum(points), sum(pending) FROM ins GROUP BY customer_id ORDER BY customer_id
       ON CONFLICT (workspace_id, customer_id) DO UPDATE
         SET balance = b.balance + EXCLUDED.balance, pending = b.pending + EXCLUDED.pending, updated_at = now())
     SELECT * FROM ins`,
    [
      workspaceId,
      sorted.map((c) => c.customerId),
      sorted.map(() => newId()),
      sorted.map(() => newId()),
      kinds,
      sorted.map((c) => c.points),
      sorted.map((c) => c.sourceType),
      sorted.map((c) => c.sourceId),
      sorted.map((c) => c.reason ?? null),
      sorted.map((c) => c.availableAt),
      sorted.map((c) => c.expiresAt),
      now,
    ],
  );
  return rows.map(toEntry);
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

/**
 * Takes points from one customer's available balance (run it inside a transaction). A repeated
 * key returns the entry already written (`replayed`); too few points is a ConflictError, and the
 * balance CHECK stops any overspend that got past the conditional UPDATE.
 */
export async function debit(q: Queryable, workspaceId: string, d: Debit, now: Date): Promise<{ entry: LedgerEntry; replayed: boolean }> {
  // One statement writes the entry and lowers the balance only if the entry is new and the balance
  // suffices; the UPDATE waits for a concurrent redemption's lock and re-checks the balance after it.
  const { rows } = await q.query<Record<string, unknown> & { balance_after: number | null }>(
    `WITH ins AS (
       INSERT INTO points_ledger (workspace_id, customer_id, id, kind, points, source_type, source_id, reason, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING ${ENTRY_COLUMNS}),
     bal AS (
       UPDATE points_balances SET balance = balance + $5, updated_at = now()
       WHERE workspace_id = $1 AND customer_id = $2 AND balance >= -$5 AND EXISTS (SELECT 1 FROM ins) RETURNING balance)
     SELECT ins.*, (SELECT balance FROM bal) AS balance_after FROM ins`,
    [workspaceId, d.customerId, newId(), d.kind, -d.points, d.sourceType, d.sourceId, d.reason ?? null, now],
  );
  const inserted = rows[0];
  if (!inserted) {
    const { rows: previous } = await q.query(`SELECT ${ENTRY_COLUMNS} FROM points_ledger WHERE workspace_id = $1 AND source_type = $2 AND source_id = $3 AND kind = $4`, [
      workspaceId,
      d.sourceType,
      d.sourceId,
      d.kind,
    ]);
    return { entry: toEntry(previous[0]!), replayed: true };
  }
  if (inserted.balance_after === null) {
    const { rows: current } = await q.query<{ balance: number }>('SELECT balance FROM points_balances WHERE workspace_id = $1 AND customer_id = $2', [
      workspaceId,
      d.customerId,
    ]);
    // The caller's transaction rolls back, and the entry with it.
    throw new ConflictError(`Not enough points: the balance is ${current[0]?.balance ?? 0}, ${d.points} needed`);
  }
  await drawLots(q, workspaceId, d.customerId, d.points);
  return { entry: toEntry(inserted), replayed: false };
}

/** Lowers the customer's available lots by `points`, first-expiring first. The caller holds the balance lock. */
async function drawLots(q: Queryable, workspaceId: string, customerId: string, points: number): Promise<void> {
  if (points <= 0) return;
  // All the customer's lots through the primary key, empty ones counting 0: a predicate on status
  // would let the planner pick the workspace-wide expiry index and scan every member's lots.
  await q.query(
    `WITH lots AS (
       SELECT id, CASE WHEN status = 'available' THEN remaining ELSE 0 END AS open, expires_at, created_at
       FROM points_lots WHERE workspace_id = $1 AND customer_id = $2),
     drawn AS (SELECT id, open, sum(open) OVER (ORDER BY expires_at NULLS LAST, created_at, id) - open AS before FROM lots)
     UPDATE points_lots l SET remaining = l.remaining - least(d.open, $3 - d.before)
     FROM drawn d WHERE l.workspace_id = $1 AND l.customer_id = $2 AND l.id = d.id AND d.open > 0 AND d.before < $3`,
    [workspaceId, customerId, points],
  );
}

/**
 * Takes back up to `points` that a source earned (a refund, a cancellation, a reversed referral):
 * from that source's lot first, pending or not, then from the rest of the available balance. The
 * balance never goes below zero, so points already spent may be unrecoverable; the entry's reason
 * says how many. Returns null when the key was already used.
 */
export async function reverseEarning(
  q: Queryable,
  workspaceId: string,
  r: { customerId: string; earnedSourceType: string; earnedSourceId: string; points: number; sourceType: string; sourceId: string; reason: string },
  now: Date,
): Promise<LedgerEntry | null> {
  const { rows: done } = await q.query('SELECT 1 FROM points_ledger WHERE workspace_id = $1 AND source_type = $2 AND source_id = $3 AND kind = $4', [
    workspaceId,
    r.sourceType,
    r.sourceId,
    'reverse',
  ]);
  if (done[0]) return null;
  const balances = await lockBalances(q, workspaceId, [r.customerId]);
  // The source's lot, through its earning entry (the idempotency index), so lots need no source index.
  const { rows: lots } = await q.query<{ id: string; remaining: number; status: 'pending' | 'available' }>(
    `SELECT l.id, l.remaining, l.status FROM points_ledger e
     JOIN points_lots l ON l.workspace_id = e.workspace_id AND l.customer_id = e.customer_id AND l.id = e.lot_id
     WHERE e.workspace_id = $1 AND e.customer_id = $2 AND e.source_type = $3 AND e.source_id = $4 AND e.kind IN ('earn', 'pending')`,
    [workspaceId, r.customerId, r.earnedSourceType, r.earnedSourceId],
  );
  // An order that earned nothing has no lot: its reversal is then a zero entry that records the key.
  const lot = lots[0];
  const fromLot = lot ? Math.min(r.points, lot.remaining) : 0;
  const pendingPart = lot?.status === 'pending' ? fromLot : 0;
  const availableFromLot = lot?.status === 'available' ? fromLot : 0;
  const balance = balances.get(r.customerId)!.balance;
  const fromRest = Math.min(r.points - fromLot, balance - availableFromLot);
  const shortfall = r.points - fromLot - fromRest;
  if (lot && fromLot > 0) {
    await q.query('UPDATE points_lots SET remaining = remaining - $4 WHERE workspace_id = $1 AND customer_id = $2 AND id = $3', [
      workspaceId,
      r.customerId,
      lot.id,
      fromLot,
    ]);
  }
  await drawLots(q, workspaceId, r.customerId, fromRest);
  const available = availableFromLot + fromRest;
  await q.query('UPDATE points_balances SET balance = balance - $3, pending = pending - $4, updated_at = now() WHERE workspace_id = $1 AND customer_id = $2', [
    workspaceId,
    r.customerId,
    available,
    pendingPart,
  ]);
  const { rows } = await q.query(
    `INSERT INTO points_ledger (workspace_id, customer_id, id, kind, points, pending, lot_id, source_type, source_id, reason, created_at)
     VALUES ($1, $2, $3, 'reverse', $4, $5, $6, $7, $8, $9, $10) RETURNING ${ENTRY_COLUMNS}`,
    [
      workspaceId,
      r.customerId,
      newId(),
      -available,
      -pendingPart,
      lot?.id ?? null,
      r.sourceType,
      r.sourceId,
      shortfall > 0 ? `${r.reason} (${shortfall} points already spent, not recovered)` : r.reason,
      now,
    ],
  );
  return toEntry(rows[0]!);
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
  const { rows } = await q.query(
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
