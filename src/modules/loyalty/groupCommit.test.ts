import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { newId } from '../../db/ids.ts';
import { LedgerWriter } from './groupCommit.ts';
import { checkInvariants, type Credit } from './ledger.ts';
import { makeCustomers, makeWorkspace } from './testKit.ts';

const DAY = 86_400_000;
const t0 = new Date('2026-01-01T00:00:00Z');
const at = (days: number) => new Date(t0.getTime() + days * DAY);

describeEachDatabase('loyalty group commit', (t) => {
  test('concurrent credits share a call; each caller gets its own entry, a repeated key null, a bad credit fails only its caller', async () => {
    const ws = await makeWorkspace(t.db);
    const [a, b] = await makeCustomers(t.db, ws, [{ externalId: 'a' }, { externalId: 'b' }]);
    // One call in flight at a time, so the credits that arrive meanwhile go together.
    const writer = new LedgerWriter(t.db, 1);
    const earn = (customerId: string, sourceId: string, points: number, day: number): Credit & { day: number } => ({
      customerId,
      kind: 'earn',
      points,
      sourceType: 'order',
      sourceId,
      availableAt: at(0),
      expiresAt: at(365),
      day,
    });
    const write = (credits: (Credit & { day: number })[]) =>
      Promise.allSettled(credits.map(({ day, ...c }) => writer.credit(ws, c, at(day)))).then((results) =>
        results.map((r) => (r.status === 'rejected' ? 'error' : r.value && { customerId: r.value.customerId, sourceId: r.value.sourceId, points: r.value.points, createdAt: r.value.createdAt })),
      );
    // The first is written alone, the four that arrive meanwhile by one call.
    assert.deepEqual(await write([earn(a!, 'o1', 10, 0), earn(b!, 'o2', 20, 1), earn(a!, 'o1', 99, 2), earn(b!, 'o4', 40, 4), earn(a!, 'o5', 50, 5)]), [
      { customerId: a, sourceId: 'o1', points: 10, createdAt: at(0) },
      { customerId: b, sourceId: 'o2', points: 20, createdAt: at(1) },
      null,
      { customerId: b, sourceId: 'o4', points: 40, createdAt: at(4) },
      { customerId: a, sourceId: 'o5', points: 50, createdAt: at(5) },
    ]);
    const { rows } = await t.db.query<{ calls: number }>(`SELECT count(DISTINCT xmin::text)::int AS calls FROM points_ledger WHERE workspace_id = $1`, [ws]);
    assert.equal(rows[0]!.calls, 2);
    // An unknown customer fails the shared call: the others are then written one by one.
    assert.deepEqual(await write([earn(a!, 'o6', 1, 6), earn(newId(), 'o7', 30, 7), earn(b!, 'o8', 2, 8), earn(a!, 'o9', 3, 9)]), [
      { customerId: a, sourceId: 'o6', points: 1, createdAt: at(6) },
      'error',
      { customerId: b, sourceId: 'o8', points: 2, createdAt: at(8) },
      { customerId: a, sourceId: 'o9', points: 3, createdAt: at(9) },
    ]);
    assert.deepEqual(await checkInvariants(t.db, ws), { customers: 2, entries: 7, mismatched: 0, negative: 0, doubleEarned: 0 });
  });
  test('concurrent debits: each as alone, in arrival order per customer; a short balance refuses only that debit', async () => {
    const ws = await makeWorkspace(t.db);
    const [a, b] = await makeCustomers(t.db, ws, [{ externalId: 'a' }, { externalId: 'b' }]);
    const writer = new LedgerWriter(t.db, 1);
    await Promise.all([a!, b!].map((c) => writer.credit(ws, { customerId: c, kind: 'adjust', points: 100, sourceType: 'adjust', sourceId: `seed-${c}`, availableAt: at(0), expiresAt: null }, at(0))));
    const redeem = (customerId: string, sourceId: string, points: number) => writer.debit(ws, { customerId, kind: 'redeem', points, sourceType: 'test', sourceId }, at(1));
    const results = await Promise.allSettled([redeem(a!, 'r1', 60), redeem(b!, 'r2', 30), redeem(a!, 'r3', 60), redeem(a!, 'r1', 60), redeem(a!, 'r4', 40)]);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? { points: r.value.entry.points, replayed: r.value.replayed } : String(r.reason))),
      [
        { points: -60, replayed: false },
        { points: -30, replayed: false },
        'ConflictError: Not enough points: the balance is 40, 60 needed',
        { points: -60, replayed: true },
        { points: -40, replayed: false },
      ],
    );
    assert.deepEqual(await checkInvariants(t.db, ws), { customers: 2, entries: 5, mismatched: 0, negative: 0, doubleEarned: 0 });
  });
});
