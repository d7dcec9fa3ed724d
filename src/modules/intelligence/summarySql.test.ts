import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import pg from 'pg';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { generateDemo } from '../demo/generate.ts';
import { observationEnd } from '../demo/generator.ts';
import { readSummary, type PurchaseSummary, type SummaryScope } from './summarySql.ts';

const END = observationEnd('2026-11-01');

/** Each customer's summary row, by id: the halves come back in another order than one part. */
function byCustomer(s: PurchaseSummary): Map<string, number[]> {
  const rows = new Map<string, number[]>();
  for (let i = 0; i < s.size; i++) {
    rows.set(s.customerId[i]!, [s.purchaseDays[i]!, s.firstDay[i]!, s.lastDay[i]!, s.prevDay[i]!, s.ordersCount[i]!, s.revenue[i]!, s.firstAmount[i]!, s.firstOrderAt[i]!, s.lastOrderAt[i]!]);
  }
  return rows;
}

describeEachDatabase('purchase summary read in halves', (t) => {
  let scope: SummaryScope;

  before(async () => {
    const services = createServices(t.db);
    const demo = await generateDemo(services, { customers: 400, months: 12, seed: 3, end: END }, { concurrency: 2 });
    const workspace = await services.workspaces.get(demo.workspaceId);
    scope = { workspaceId: workspace.id, currency: workspace.currency, timeZone: workspace.timeZone, asOf: END };
  });

  test('two halves read what one part reads; with no free connection it reads in one part instead of waiting', { timeout: 60_000 }, async () => {
    const pool = new pg.Pool({ connectionString: t.db.url, max: 4 });
    try {
      const halves = await readSummary(pool, scope);
      assert.equal(pool.totalCount, 2, 'read on two connections');
      // Three of four connections held (as by other runs): a second one is not waited for.
      const held = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
      let whole: PurchaseSummary;
      try {
        whole = await readSummary(pool, scope);
      } finally {
        for (const c of held) c.release();
      }
      assert.ok(whole.size > 300, `${whole.size} customers`);
      assert.equal(halves.size, whole.size);
      assert.equal(halves.endDay, whole.endDay);
      assert.deepEqual(byCustomer(halves), byCustomer(whole));
      // A failed read closes its connections rather than return them mid-transaction.
      await assert.rejects(readSummary(pool, { ...scope, timeZone: 'Nowhere/Nothing' }), /time zone/);
      assert.equal(pool.totalCount - pool.idleCount, 0, 'no connection left checked out');
      assert.equal((await readSummary(pool, scope)).size, whole.size);
    } finally {
      await pool.end();
    }
  });
});
