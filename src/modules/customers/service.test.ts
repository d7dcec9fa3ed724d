import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { customerInput } from './types.ts';

describeEachDatabase('customers service', (t) => {
  const setup = async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: `t-${Math.random()}` });
    return { services, ws: workspace.id };
  };

  test('upsert keeps absent fields, clears nulls, merges attributes, later item wins in a batch', async () => {
    const { services, ws } = await setup();
    const first = await services.customers.upsertMany(ws, [
      customerInput.parse({ externalId: 'c1', email: 'Taro@Example.jp', familyName: '山田', givenName: '太郎', attributes: { a: 1 } }),
      customerInput.parse({ externalId: 'c2', phone: '+819012345678' }),
      customerInput.parse({ externalId: 'c2', city: '渋谷区' }),
    ]);
    assert.equal(first.created, 2);
    assert.equal(first.updated, 0);
    const second = await services.customers.upsertMany(ws, [
      customerInput.parse({ externalId: 'c1', givenName: null, attributes: { b: 2 } }),
    ]);
    assert.deepEqual([second.created, second.updated], [0, 1]);
    const c1 = await services.customers.find(ws, 'c1');
    assert.equal(c1.email, 'taro@example.jp');
    assert.equal(c1.familyName, '山田');
    assert.equal(c1.givenName, null);
    assert.deepEqual(c1.attributes, { a: 1, b: 2 });
    const c2 = await services.customers.find(ws, 'c2');
    assert.equal(c2.phone, '+819012345678');
    assert.equal(c2.city, '渋谷区');
  });

  test('consent history is appended once and the latest wins', async () => {
    const { services, ws } = await setup();
    const consent = { channel: 'email', status: 'opted_in', source: 'signup_form', recordedAt: '2024-01-01T00:00:00Z' };
    const input = customerInput.parse({ externalId: 'c1', consents: [consent] });
    await services.customers.upsertMany(ws, [input]);
    await services.customers.upsertMany(ws, [input]);
    // The same status again at a later time (a re-imported file without dates) is not a change.
    await services.customers.upsertMany(ws, [customerInput.parse({ externalId: 'c1', consents: [{ ...consent, recordedAt: '2024-01-15T00:00:00Z' }] })]);
    await services.customers.upsertMany(ws, [
      customerInput.parse({ externalId: 'c1', consents: [{ ...consent, status: 'opted_out', source: 'unsubscribe_link', recordedAt: '2024-02-01T00:00:00Z' }] }),
    ]);
    const c = await services.customers.find(ws, 'c1');
    assert.equal((await services.customers.consentHistory(ws, c.id)).length, 2);
    const [email] = await services.customers.consentState(ws, c.id);
    assert.equal(email?.status, 'opted_out');
  });

  test('erasure wipes personal data, keeps orders and suppresses the address', async () => {
    const { services, ws } = await setup();
    await services.customers.upsertMany(ws, [customerInput.parse({ externalId: 'c1', email: 'a@example.jp', familyName: '佐藤' })]);
    await services.orders.upsertMany(ws, [
      { externalId: 'o1', customerExternalId: 'c1', status: 'completed', currency: 'JPY', orderedAt: new Date('2024-01-01'), discountMinor: 0, taxMinor: 0, shippingMinor: 0, totalMinor: 5000, lines: [] },
    ]);
    const c = await services.customers.find(ws, 'c1');
    await services.customers.eraseCustomer(ws, c.id);
    const erased = await services.customers.get(ws, c.id);
    assert.equal(erased.email, null);
    assert.equal(erased.externalId, null);
    assert.ok(erased.erasedAt);
    assert.equal((await services.orders.get(ws, 'o1')).netMinor, 5000);
    assert.equal(await services.customers.isSuppressed(ws, 'A@example.jp'), true);
  });

  test('workspaces are isolated', async () => {
    const a = await setup();
    const { workspace: other } = await a.services.workspaces.create({ name: 'other' });
    await a.services.customers.upsertMany(a.ws, [customerInput.parse({ externalId: 'same', email: 'a@example.jp' })]);
    await a.services.customers.upsertMany(other.id, [customerInput.parse({ externalId: 'same', email: 'b@example.jp' })]);
    assert.equal((await a.services.customers.find(a.ws, 'same')).email, 'a@example.jp');
    assert.equal((await a.services.customers.find(other.id, 'same')).email, 'b@example.jp');
    assert.equal((await a.services.customers.list(a.ws, { limit: 10 })).data.length, 1);
  });
});
