import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { contactHash, CustomerService } from './service.ts';
import { customerInput } from './types.ts';

describeEachDatabase('customers: bulk suppressions', (t) => {
  test('bulk writes keep the strongest reason and never overwrite an erasure; bulk reads match any spelling', async () => {
    const services = createServices(t.db);
    const ws = (await services.workspaces.create({ name: 'suppressions' })).workspace.id;
    await services.customers.upsertMany(ws, [customerInput.parse({ externalId: 'gone', email: 'gone@example.jp' })]);
    await services.customers.eraseCustomer(ws, (await services.customers.find(ws, 'gone')).id);

    await t.db.tx((tx) =>
      CustomerService.addSuppressions(tx, ws, [
        { kind: 'email', value: 'a@example.jp', reason: 'unsubscribed' },
        { kind: 'email', value: 'b@example.jp', reason: 'hard_bounce' },
        { kind: 'email', value: 'gone@example.jp', reason: 'hard_bounce' },
      ]),
    );
    await CustomerService.addSuppressions(t.db, ws, [
      { kind: 'email', value: 'A@Example.jp ', reason: 'hard_bounce' },
      { kind: 'email', value: 'b@example.jp', reason: 'complaint' },
    ]);
    const reasons = await CustomerService.suppressionReasons(t.db, ws, ['a@example.jp', 'B@example.jp', 'gone@example.jp', 'fine@example.jp']);
    assert.deepEqual(Object.fromEntries(reasons), {
      [contactHash('a@example.jp')]: 'hard_bounce',
      [contactHash('b@example.jp')]: 'hard_bounce',
      [contactHash('gone@example.jp')]: 'erased',
    });
    assert.equal(await services.customers.isSuppressed(ws, 'fine@example.jp'), false);
  });
});
