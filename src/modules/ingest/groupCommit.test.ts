import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServices } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import type { SegmentMessage } from './segmentSpec.ts';

/**
 * Concurrent events-only batches share one transaction (group commit); each stays all-or-nothing
 * and gets its own counts.
 */
describeEachDatabase('ingest group commit', (t) => {
  const track = (messageId: string, properties: Record<string, unknown> = {}): SegmentMessage =>
    ({ type: 'track', userId: `u-${messageId}`, messageId, event: 'Viewed', properties }) as SegmentMessage;
  const stored = async (ws: string) =>
    (await t.db.query<{ message_id: string }>('SELECT message_id FROM events WHERE workspace_id = $1 ORDER BY message_id', [ws])).rows.map((r) => r.message_id);

  test('a batch the database refuses fails alone; the others of its group are stored, counted per batch', async () => {
    const services = createServices(t.db);
    const { workspace } = await services.workspaces.create({ name: `t-${Math.random()}` });
    const ws = workspace.id;
    await services.ingest.ingest(ws, [track('w0')], ['batch']); // the workspace currency is cached: the six below queue in order
    // Six at once: the first two start the two writers, the other four wait and go as groups.
    const batches: SegmentMessage[][] = [
      [track('a1'), track('a2')],
      [track('b1')],
      [track('c1'), track('shared')],
      [track('d1'), track('shared'), track('d2')],
      // NUL cannot be stored in jsonb: PostgreSQL refuses the statement, after validation passed.
      [track('e1'), track('e2', { note: 'bad \u0000 byte' })],
      [track('f1')],
    ];
    const results = await Promise.allSettled(batches.map((b) => services.ingest.ingest(ws, b, ['batch'])));
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
    const counts = results.map((r) => (r.status === 'fulfilled' ? r.value.events : null));
    assert.deepEqual(counts.map((c) => c && c.inserted + c.duplicates), [2, 1, 2, 3, null, 1]);
    // "shared" is in two batches: stored once, counted as inserted by one and as a duplicate by the other.
    assert.deepEqual([counts[2]!.inserted + counts[3]!.inserted, counts[2]!.duplicates + counts[3]!.duplicates], [4, 1]);
    assert.deepEqual([counts[0], counts[1], counts[5]].map((c) => c!.duplicates), [0, 0, 0]);
    assert.deepEqual(await stored(ws), ['a1', 'a2', 'b1', 'c1', 'd1', 'd2', 'f1', 'shared', 'w0']);
  });
});
