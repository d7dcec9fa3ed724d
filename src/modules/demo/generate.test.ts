import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { AuthError } from '../../kernel/errors.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { ensureDemoWorkspace } from './demo.ts';
import { generateDemo, type DemoSummary } from './generate.ts';
import { observationEnd } from './generator.ts';

const options = { customers: 300, months: 12, seed: 5, end: observationEnd('2026-06-01') };

describeEachDatabase('demo data generation', (t) => {
  let first: DemoSummary;

  async function countsIn(workspaceId: string): Promise<Record<string, number>> {
    const count = async (sql: string) => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, [workspaceId])).rows[0]!.n;
    return {
      customers: await count('customers WHERE workspace_id = $1'),
      orders: await count('orders WHERE workspace_id = $1'),
      cancelledOrders: await count(`orders WHERE workspace_id = $1 AND status = 'cancelled'`),
      orderLines: await count('order_lines WHERE workspace_id = $1'),
      refunds: await count('refunds WHERE workspace_id = $1'),
      events: await count('events WHERE workspace_id = $1'),
      products: await count('products WHERE workspace_id = $1'),
      accounts: await count('accounts WHERE workspace_id = $1'),
      subscriptions: await count('subscriptions WHERE workspace_id = $1'),
    };
  }

  test('writes what the summary counts, into a new workspace with a key', async () => {
    const services = createServices(t.db);
    first = await generateDemo(services, options);
    assert.ok(first.apiKey);
    assert.equal((await services.workspaces.authenticate(first.apiKey)).workspaceId, first.workspaceId);
    assert.deepEqual(await countsIn(first.workspaceId), first.counts);
    assert.equal(first.counts.customers, 300);
    assert.ok(first.counts.orders > 300 && first.counts.events > 300);
    assert.deepEqual(first.groundTruth.bgnbd, { r: 0.6, alpha: 10, a: 0.8, b: 3, unit: 'weeks' });
    assert.deepEqual(first.observation, { start: '2025-05-31T15:00:00.000Z', end: '2026-05-31T15:00:00.000Z' });

    const { rows } = await t.db.query<{ bad: number; linked: number; refunded: number; refunds: number }>(
      `SELECT (SELECT count(*)::int FROM orders o WHERE workspace_id = $1
                 AND total_minor <> subtotal_minor - discount_minor) AS bad,
              (SELECT count(*)::int FROM order_lines WHERE workspace_id = $1 AND product_id IS NOT NULL) AS linked,
              (SELECT coalesce(sum(refunded_minor), 0)::int FROM orders WHERE workspace_id = $1) AS refunded,
              (SELECT coalesce(sum(amount_minor), 0)::int FROM refunds WHERE workspace_id = $1) AS refunds`,
      [first.workspaceId],
    );
    assert.deepEqual(rows[0], { bad: 0, linked: first.counts.orderLines, refunded: rows[0]!.refunds, refunds: rows[0]!.refunds });
  });

  test('the same seed and options give the same data in another workspace', async () => {
    const second = await generateDemo(createServices(t.db), options);
    const strip = ({ workspaceId: _w, apiKey: _k, seconds: _s, ...rest }: DemoSummary) => rest;
    assert.deepEqual(strip(second), strip(first));
    const firstRows = async (workspaceId: string) =>
      (
        await t.db.query(
          `SELECT c.external_id, c.email, c.family_name, c.given_name, c.postal_code, c.created_at, o.external_id AS order_id,
                  o.total_minor, o.ordered_at, (SELECT array_agg(sku ORDER BY line_no) FROM order_lines l
                    WHERE l.workspace_id = o.workspace_id AND l.order_id = o.id) AS skus
           FROM customers c JOIN orders o ON o.workspace_id = c.workspace_id AND o.customer_id = c.id
           WHERE c.workspace_id = $1 ORDER BY o.external_id LIMIT 10`,
          [workspaceId],
        )
      ).rows;
    assert.deepEqual(await firstRows(second.workspaceId), await firstRows(first.workspaceId));
  });

  test('generating again into the same workspace updates in place', async () => {
    const again = await generateDemo(createServices(t.db), { ...options, workspaceId: first.workspaceId });
    assert.equal(again.apiKey, undefined);
    assert.deepEqual(await countsIn(first.workspaceId), first.counts);
  });

  test('the demo workspace is generated once; each start revokes the last key and prints a new one', async () => {
    const services = createServices(t.db);
    let generated = 0;
    const start = () => ensureDemoWorkspace(services, { customers: 100, onGenerate: () => generated++ });
    const firstLines = await start();
    const secondLines = await start();
    assert.equal(generated, 1);
    const keyOf = (lines: string[]) => lines.join('\n').match(/kz_[\w-]+/)![0];
    await assert.rejects(services.workspaces.authenticate(keyOf(firstLines)), AuthError);
    const demo = await services.workspaces.authenticate(keyOf(secondLines));
    assert.equal((await services.workspaces.get(demo.workspaceId)).name, 'Demo');
    assert.equal((await countsIn(demo.workspaceId)).customers, 100);
  });
});
