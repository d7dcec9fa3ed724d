import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import type { SegmentMessage } from './segmentSpec.ts';

describeEachDatabase('ingest on a new database', (t) => {
  const customerRowsEstimate = async () =>
    (await t.db.query<{ rows: number }>(`SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = 'customers'::regclass`)).rows[0]!.rows;

  test('customers gets statistics once ingest has outgrown them, not a minute later from autovacuum', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: `t-${Math.random()}` });
    assert.ok((await customerRowsEstimate()) < 1_000);
    for (let b = 0; b < 3; b++) {
      const batch = Array.from({ length: 500 }, (_, i) => ({ type: 'track', userId: `u-${b}-${i}`, messageId: `m-${b}-${i}`, event: 'Viewed' }) as SegmentMessage);
      await services.ingest.ingest(workspace.id, batch, ['batch']);
    }
    // 1,000 customers seen by the second batch: ANALYZE counted them (the third batch's 500 are not yet twice as many).
    const estimate = await customerRowsEstimate();
    assert.ok(estimate >= 1_000 && estimate < 1_500, `estimate ${estimate}`);
  });
});
