/**
 * DATABASE_READ_URL: heavy read-only work (KPIs, the at-risk export, segment previews and audience
 * exports) runs on the read pool; writes stay on the primary. The "replica" here is a second pool on
 * the same test database, each pool recording the SQL its connections run.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadConfig } from '../config.ts';
import { connect, type Db } from '../db/database.ts';
import { openDatabase } from '../db/open.ts';
import { describeEachDatabase } from '../db/testDatabase.ts';
import { seedAudience } from '../modules/messaging/testKit.ts';
import { createServices, type Services } from './services.ts';

/** Every statement run on the pool's connections (pool.query, transactions and cursors alike). */
function recordStatements(db: Db): string[] {
  const seen: string[] = [];
  db.pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
      if (text) seen.push(text);
      return query(...args);
    };
  });
  return seen;
}

describeEachDatabase('read replica: heavy reads go to DATABASE_READ_URL', (t) => {
  let primary: Db;
  let replica: Db;
  let onPrimary: string[];
  let onReplica: string[];
  let services: Services;
  let ws: string;
  let segmentId: string;

  before(async () => {
    primary = connect(t.db.url);
    replica = connect(t.db.url);
    onPrimary = recordStatements(primary);
    onReplica = recordStatements(replica);
    services = createServices(primary, { readDb: replica });
    ws = (await services.workspaces.create({ name: 'replica' })).workspace.id;
    ({ segmentId } = await seedAudience(services, ws, 5, { cohort: 'replica' }));
  });
  after(async () => {
    await primary?.close();
    await replica?.close();
  });

  /** The statements each pool ran during `fn`. */
  async function during(fn: () => Promise<unknown>): Promise<{ primary: string[]; replica: string[] }> {
    const [p, r] = [onPrimary.length, onReplica.length];
    await fn();
    return { primary: onPrimary.slice(p), replica: onReplica.slice(r) };
  }
  const has = (statements: string[], fragment: string) => statements.some((s) => s.includes(fragment));

  test('a segment preview counts and samples on the replica', async () => {
    let preview: Awaited<ReturnType<Services['segments']['preview']>> | undefined;
    const ran = await during(async () => {
      preview = await services.segments.preview(ws, { version: 1, match: { type: 'attribute', path: ['cohort'], op: 'eq', value: 'replica' } });
    });
    assert.equal(preview?.count, 5);
    assert.ok(has(ran.replica, 'count(*) OVER ()'), 'the rule query ran on the replica');
    assert.ok(!has(ran.primary, 'count(*) OVER ()'), 'and not on the primary');
  });

  test('an audience export reads the members on the replica', async () => {
    const ran = await during(async () => {
      const { lines } = await services.segments.audience(ws, segmentId, 'meta');
      let n = 0;
      for await (const chunk of lines) n += chunk.split('\n').filter(Boolean).length;
      assert.equal(n, 6, 'header and five members');
    });
    assert.ok(has(ran.replica, 'FROM segment_members m'));
    assert.ok(!has(ran.primary, 'FROM segment_members m'));
  });

  test('KPIs are computed on the replica and their snapshot written to the primary', async () => {
    const ran = await during(() => services.intelligence.kpis(ws, { from: '2026-01-01', to: '2026-03-31', granularity: 'month' }, { fresh: true }));
    assert.ok(has(ran.replica, 'paying_orders'), 'the KPI query ran on the replica');
    assert.ok(!has(ran.primary, 'paying_orders'));
    assert.ok(has(ran.primary, 'INSERT INTO kpi_snapshots'), 'the snapshot is a write: primary');
    assert.ok(!has(ran.replica, 'INSERT INTO kpi_snapshots'));
  });

  test('the at-risk CSV streams from a cursor on the replica', async () => {
    const ran = await during(async () => {
      const csv = await services.intelligence.atRiskCsv(ws, { maxPAlive: 0.5, minFm: 4, sort: 'valueAtStake', direction: 'desc', includeLost: false, encoding: 'utf-8' } as Parameters<Services['intelligence']['atRiskCsv']>[1]);
      for await (const _ of csv);
    });
    assert.ok(has(ran.replica, 'DECLARE export_cursor'));
    assert.ok(!has(ran.primary, 'DECLARE export_cursor'));
  });

  test('DATABASE_READ_URL opens a second pool; without it the read pool is the primary', async () => {
    const withReplica = await openDatabase(loadConfig({ databaseUrl: t.db.url, databaseReadUrl: t.db.url }));
    try {
      assert.notEqual(withReplica.readDb, withReplica.db);
      assert.equal(withReplica.readDb.url, t.db.url);
      assert.equal((await withReplica.readDb.query<{ n: number }>('SELECT 1 AS n')).rows[0]!.n, 1);
    } finally {
      await withReplica.close();
    }
    const without = await openDatabase(loadConfig({ databaseUrl: t.db.url, databaseReadUrl: undefined }));
    try {
      assert.equal(without.readDb, without.db);
    } finally {
      await without.close();
    }
  });
});
