import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { checkInvariants, confirmDue, credit, debit, expireDue, reverseEarning } from './ledger.ts';
import { makeCustomers, makeWorkspace } from './testKit.ts';

const DAY = 86_400_000;
const t0 = new Date('2026-01-01T00:00:00Z');
const at = (days: number) => new Date(t0.getTime() + days * DAY);

async function balanceOf(db: { query: (s: string, v: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> }, ws: string, customerId: string) {
  const { rows } = await db.query('SELECT balance, pending FROM points_balances WHERE workspace_id = $1 AND customer_id = $2', [ws, customerId]);
  return rows[0] as { balance: number; pending: number };
}

describeEachDatabase('loyalty ledger', (t) => {
  test('credits are idempotent by source and one source earns once, pending or not', async () => {
    const ws = await makeWorkspace(t.db);
    const [c] = await makeCustomers(t.db, ws, [{ externalId: 'a' }]);
    const earn = { customerId: c!, kind: 'earn' as const, points: 100, sourceType: 'order', sourceId: 'o1', availableAt: at(0), expiresAt: at(365) };
    assert.equal((await t.db.tx((tx) => credit(tx, ws, [earn, earn], at(0)))).length, 1);
    // The same order again, now as pending (a later return window): still no second earning.
    assert.equal((await t.db.tx((tx) => credit(tx, ws, [{ ...earn, availableAt: at(30) }], at(0)))).length, 0);
    assert.deepEqual(await balanceOf(t.db, ws, c!), { balance: 100, pending: 0 });
    assert.deepEqual(await checkInvariants(t.db, ws), { customers: 1, entries: 1, mismatched: 0, negative: 0, doubleEarned: 0 });
  });

  test('the ledger refuses updates', async () => {
    const ws = await makeWorkspace(t.db);
    const [c] = await makeCustomers(t.db, ws, [{ externalId: 'a' }]);
    await t.db.tx((tx) => credit(tx, ws, [{ customerId: c!, kind: 'adjust', points: 5, sourceType: 'adjust', sourceId: 'x', availableAt: at(0), expiresAt: null }], at(0)));
    await assert.rejects(t.db.query('UPDATE points_ledger SET points = 500 WHERE workspace_id = $1', [ws]), /append-only/);
  });

  test('pending points confirm after the window; redemptions draw first-expiring lots; expiry takes the rest', async () => {
    const ws = await makeWorkspace(t.db);
    const [c] = await makeCustomers(t.db, ws, [{ externalId: 'a' }]);
    await t.db.tx((tx) =>
      credit(
        tx,
        ws,
        [
          { customerId: c!, kind: 'earn', points: 100, sourceType: 'order', sourceId: 'late', availableAt: at(0), expiresAt: at(400) },
          { customerId: c!, kind: 'earn', points: 50, sourceType: 'order', sourceId: 'early', availableAt: at(0), expiresAt: at(100) },
          { customerId: c!, kind: 'earn', points: 70, sourceType: 'order', sourceId: 'pending', availableAt: at(14), expiresAt: at(379) },
        ],
        at(0),
      ),
    );
    assert.deepEqual(await balanceOf(t.db, ws, c!), { balance: 150, pending: 70 });
    await assert.rejects(t.db.tx((tx) => debit(tx, ws, { customerId: c!, kind: 'redeem', points: 151, sourceType: 'test', sourceId: 'too-much' }, at(1))), /Not enough points/);
    await t.db.tx((tx) => debit(tx, ws, { customerId: c!, kind: 'redeem', points: 60, sourceType: 'test', sourceId: 'r1' }, at(1)));
    const replay = await t.db.tx((tx) => debit(tx, ws, { customerId: c!, kind: 'redeem', points: 60, sourceType: 'test', sourceId: 'r1' }, at(1)));
    assert.equal(replay.replayed, true);
    const { rows: lots } = await t.db.query<{ source_id: string; remaining: number }>('SELECT source_id, remaining FROM points_lots WHERE workspace_id = $1 ORDER BY source_id', [ws]);
    assert.deepEqual(lots.map((l) => [l.source_id, l.remaining]), [['early', 0], ['late', 90], ['pending', 70]]);

    assert.equal((await t.db.tx((tx) => confirmDue(tx, ws, at(13), 100))).length, 0);
    const confirmed = await t.db.tx((tx) => confirmDue(tx, ws, at(14), 100));
    assert.deepEqual(confirmed.map((e) => [e.kind, e.points, e.pending]), [['confirm', 70, -70]]);
    assert.equal((await t.db.tx((tx) => confirmDue(tx, ws, at(15), 100))).length, 0);
    assert.deepEqual(await balanceOf(t.db, ws, c!), { balance: 160, pending: 0 });

    const expired = await t.db.tx((tx) => expireDue(tx, ws, at(380), 100));
    assert.deepEqual(expired.map((e) => e.points), [-70]);
    assert.deepEqual(await balanceOf(t.db, ws, c!), { balance: 90, pending: 0 });
    assert.equal((await checkInvariants(t.db, ws)).mismatched, 0);
  });

  test('a reversal takes from the earning lot, then the balance, never below zero', async () => {
    const ws = await makeWorkspace(t.db);
    const [c] = await makeCustomers(t.db, ws, [{ externalId: 'a' }]);
    await t.db.tx((tx) =>
      credit(
        tx,
        ws,
        [
          { customerId: c!, kind: 'earn', points: 100, sourceType: 'order', sourceId: 'o1', availableAt: at(0), expiresAt: null },
          { customerId: c!, kind: 'earn', points: 40, sourceType: 'order', sourceId: 'o2', availableAt: at(0), expiresAt: null },
        ],
        at(0),
      ),
    );
    await t.db.tx((tx) => debit(tx, ws, { customerId: c!, kind: 'redeem', points: 120, sourceType: 'test', sourceId: 'spend' }, at(1)));
    const rev = { customerId: c!, earnedSourceType: 'order', earnedSourceId: 'o2', points: 40, sourceType: 'refund', sourceId: 'r1', reason: 'refund' };
    const entry = await t.db.tx((tx) => reverseEarning(tx, ws, rev, at(2)));
    assert.equal(entry!.points, -20);
    assert.match(entry!.reason!, /20 points already spent/);
    assert.equal(await t.db.tx((tx) => reverseEarning(tx, ws, rev, at(2))), null);
    assert.deepEqual(await balanceOf(t.db, ws, c!), { balance: 0, pending: 0 });
    assert.equal((await checkInvariants(t.db, ws)).mismatched, 0);
  });

  test('30 parallel redemptions on one balance: exactly the affordable ones succeed', async () => {
    const ws = await makeWorkspace(t.db);
    const [c] = await makeCustomers(t.db, ws, [{ externalId: 'a' }]);
    // Three lots, so that concurrent draws cross lot boundaries.
    await t.db.tx((tx) =>
      credit(
        tx,
        ws,
        [100, 120, 130].map((points, i) => ({ customerId: c!, kind: 'earn' as const, points, sourceType: 'order', sourceId: `o${i}`, availableAt: at(0), expiresAt: at(100 + i) })),
        at(0),
      ),
    );
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => t.db.tx((tx) => debit(tx, ws, { customerId: c!, kind: 'redeem', points: 30, sourceType: 'test', sourceId: `r${i}` }, at(1)))),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    assert.equal(ok, 11); // 350 / 30
    for (const r of results) if (r.status === 'rejected') assert.match(String(r.reason), /Not enough points/);
    assert.deepEqual(await balanceOf(t.db, ws, c!), { balance: 20, pending: 0 });
    assert.deepEqual(await checkInvariants(t.db, ws), { customers: 1, entries: 14, mismatched: 0, negative: 0, doubleEarned: 0 });
  });
});
