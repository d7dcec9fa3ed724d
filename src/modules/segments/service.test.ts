import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { customerInput } from '../customers/types.ts';
import { AS_OF, seedWorkspace } from './testData.ts';

const tokyo = { version: 1, match: { type: 'field', field: 'prefecture', op: 'eq', value: '東京都' } };
const sha = (v: string) => createHash('sha256').update(v).digest('hex');

describeEachDatabase('segment service', (t) => {
  const setup = () => seedWorkspace(t.db);

  test('rules are versioned: a changed rule is a new version, a rename is not', async () => {
    const { services, ws } = await setup();
    const s = await services.segments.create(ws, { name: 'Tokyo', rule: tokyo });
    assert.equal(s.version, 1);
    assert.equal((await services.segments.update(ws, s.id, { name: 'Tokyo people', rule: tokyo })).version, 1);
    const osaka = { version: 1, match: { type: 'field', field: 'prefecture', op: 'eq', value: '大阪府' } };
    const updated = await services.segments.update(ws, s.id, { rule: osaka });
    assert.equal(updated.version, 2);
    assert.equal(updated.name, 'Tokyo people');
    const versions = await services.segments.versions(ws, s.id);
    assert.deepEqual(versions.map((v) => [v.version, (v.rule.match as { value: string }).value]), [[1, '東京都'], [2, '大阪府']]);
    await assert.rejects(services.segments.update(ws, s.id, { rule: { version: 1, match: { type: 'nope' } } }), (err: ValidationError) => {
      assert.deepEqual(err.issues[0]!.path, ['rule', 'match', 'type']);
      return true;
    });
    await assert.rejects(services.segments.get(ws, 'rfm'), NotFoundError);
  });

  test('preview counts and samples the matches, as of a time', async () => {
    const { services, ws } = await setup();
    const preview = await services.segments.preview(ws, { version: 1, match: { type: 'orders', op: 'gte', value: 1 } }, { asOf: AS_OF });
    assert.equal(preview.count, 2);
    assert.deepEqual(preview.sample.map((c) => c.externalId).sort(), ['c1', 'c2']);
    assert.equal(preview.sample.find((c) => c.externalId === 'c1')?.email, 'taro@example.jp');
    const one = await services.segments.preview(ws, { version: 1, match: { type: 'orders', op: 'gte', value: 0 } }, { asOf: AS_OF, sampleSize: 1 });
    assert.deepEqual([one.count, one.sample.length], [3, 1]);
    assert.deepEqual(await services.segments.preview(ws, { version: 1, match: { type: 'event', name: 'Never' } }, { asOf: AS_OF }), { count: 0, sample: [] });
    // Before the first counted order nobody had bought.
    assert.equal((await services.segments.preview(ws, { version: 1, match: { type: 'orders' } }, { asOf: new Date('2024-01-01T00:00:00Z') })).count, 0);
  });

  test('refresh: entered and exited with history, events with deterministic ids, nothing twice', async () => {
    const { services, ws, ids } = await setup();
    const s = await services.segments.create(ws, { name: 'Tokyo', rule: tokyo });
    const first = await services.segments.refresh(ws, s.id, { asOf: AS_OF });
    assert.deepEqual([first.entered, first.exited, first.members], [1, 0, 1]);
    assert.deepEqual([(await services.segments.refresh(ws, s.id, { asOf: AS_OF })).entered, (await services.segments.get(ws, s.id)).memberCount], [0, 1]);

    // c1 moves to Osaka (exits), c3 moves to Tokyo (enters), then c1 comes back (enters again).
    await services.customers.upsertMany(ws, [customerInput.parse({ externalId: 'c1', prefecture: '大阪府' }), customerInput.parse({ externalId: 'c3', prefecture: '東京都' })]);
    const second = await services.segments.refresh(ws, s.id, { asOf: new Date('2025-06-16T00:00:00Z') });
    assert.deepEqual([second.entered, second.exited, second.members], [1, 1, 1]);
    await services.customers.upsertMany(ws, [customerInput.parse({ externalId: 'c1', prefecture: '東京都' })]);
    await services.segments.refresh(ws, s.id, { asOf: new Date('2025-06-17T00:00:00Z') });

    const history = await services.segments.history(ws, s.id, { limit: 10, customerId: ids.c1 });
    assert.deepEqual(history.data.map((h) => h.change), ['entered', 'exited', 'entered']);
    const { rows: events } = await t.db.query<{ name: string; message_id: string; properties: { segmentId: string } }>(
      `SELECT name, message_id, properties FROM events WHERE workspace_id = $1 AND customer_id = $2 AND name LIKE 'Segment %' ORDER BY occurred_at`,
      [ws, ids.c1],
    );
    assert.deepEqual(
      events.map((e) => [e.name, e.message_id]),
      [
        ['Segment Entered', `segment:${s.id}:${ids.c1}:1`],
        ['Segment Exited', `segment:${s.id}:${ids.c1}:2`],
        ['Segment Entered', `segment:${s.id}:${ids.c1}:3`],
      ],
    );
    assert.equal(events[0]!.properties.segmentId, s.id);
    const members = await services.segments.members(ws, s.id, { limit: 1 });
    assert.equal(members.data.length, 1);
    const rest = await services.segments.members(ws, s.id, { limit: 1, cursor: members.nextCursor! });
    assert.deepEqual([...members.data, ...rest.data].map((m) => m.externalId).sort(), ['c1', 'c3']);
    assert.equal(rest.nextCursor, null);
  });

  test('erased customers leave at once, quietly (an exit in the history, none announced at the next refresh), and are never exported', async () => {
    const { services, ws, ids } = await setup();
    const s = await services.segments.create(ws, { name: 'Buyers', rule: { version: 1, match: { type: 'orders' } } });
    await services.segments.refresh(ws, s.id, { asOf: AS_OF });
    await services.privacy.eraseCustomer(ws, 'c2');
    const { lines } = await services.segments.audience(ws, s.id, 'meta');
    let csv = '';
    for await (const chunk of lines) csv += chunk;
    assert.equal(csv, `email_sha256,phone_sha256\n${sha('taro@example.jp')},${sha('819012345678')}\n`);
    assert.deepEqual((await services.segments.members(ws, s.id, { limit: 10 })).data.map((m) => m.customerId), [ids.c1]);
    const after = await services.segments.refresh(ws, s.id, { asOf: AS_OF });
    assert.deepEqual([after.exited, after.members], [0, 1]);
    const { rows } = await services.db.query('SELECT seq, change FROM segment_membership_history WHERE workspace_id = $1 AND segment_id = $2 AND customer_id = $3 ORDER BY seq', [ws, s.id, ids.c2]);
    assert.deepEqual(rows, [{ seq: 1, change: 'entered' }, { seq: 2, change: 'exited' }]);
  });

  test('audience file: normalized, hashed identifiers per platform; customers without any are skipped', async () => {
    const { services, ws } = await setup();
    const s = await services.segments.create(ws, { name: 'Everyone', rule: { version: 1, match: { type: 'orders', op: 'gte', value: 0 } } });
    await assert.rejects(services.segments.audience(ws, s.id, 'meta'), ConflictError);
    await services.segments.refresh(ws, s.id, { asOf: AS_OF });
    const read = async (format: 'meta' | 'google') => {
      let csv = '';
      for await (const chunk of (await services.segments.audience(ws, s.id, format)).lines) csv += chunk;
      return csv.trim().split('\n');
    };
    const meta = await read('meta');
    assert.equal(meta[0], 'email_sha256,phone_sha256');
    // c1: email stored from "Taro@Example.jp " → taro@example.jp; c2: email only; c3: phone only.
    assert.deepEqual(meta.slice(1).sort(), [`${sha('taro@example.jp')},${sha('819012345678')}`, `${sha('hanako@example.jp')},`, `,${sha('14155550100')}`].sort());
    assert.ok((await read('google')).includes(`,${sha('+14155550100')}`));
  });

  test('built-ins are created once per workspace, refreshed with the rest, and cannot be deleted', async () => {
    const { services, ws } = await setup();
    await services.segments.list(ws);
    const list = await services.segments.list(ws);
    const byKey = new Map(list.filter((s) => s.key).map((s) => [s.key!, s]));
    assert.equal(byKey.size, 16);
    await assert.rejects(services.segments.remove(ws, byKey.get('dormant')!.id), ConflictError);

    const results = await services.segments.refreshAll(ws, { asOf: AS_OF });
    assert.equal(results.length, 16);
    const members = async (key: string) => {
      const page = await services.segments.members(ws, byKey.get(key)!.id, { limit: 100 });
      return page.data.map((m) => m.externalId).sort();
    };
    assert.deepEqual(await members('rfm-champions'), ['c1']);
    assert.deepEqual(await members('rfm-at-risk'), ['c2']);
    assert.deepEqual(await members('high-value-at-risk'), ['c2']);
    assert.deepEqual(await members('birthday-this-month'), ['c1']);
    assert.deepEqual(await members('dormant'), []);
    assert.deepEqual(await members('top-1-percent-clv'), []);
    // Seven months later every buyer is dormant (c3's July order now counts), the one-order buyers are
    // non-repeaters, June birthdays are over.
    await services.segments.refreshAll(ws, { asOf: new Date('2026-01-15T00:00:00Z') });
    assert.deepEqual(await members('dormant'), ['c1', 'c2', 'c3']);
    assert.deepEqual(await members('non-repeaters'), ['c2', 'c3']);
    assert.deepEqual(await members('birthday-this-month'), []);
  });

  test('segments of segments: existence, no cycles, refreshed in dependency order, not deletable while used', async () => {
    const { services, ws } = await setup();
    const a = await services.segments.create(ws, { name: 'Tokyo', rule: tokyo });
    const b = await services.segments.create(ws, { name: 'Tokyo buyers', rule: { version: 1, match: { type: 'and', conditions: [{ type: 'segment', segmentId: a.id }, { type: 'orders' }] } } });
    // Never refreshed: B's refresh inside refreshAll must come after A's for c1 to be found.
    await services.segments.refreshAll(ws, { asOf: AS_OF });
    assert.deepEqual((await services.segments.members(ws, b.id, { limit: 10 })).data.map((m) => m.externalId), ['c1']);
    await assert.rejects(services.segments.update(ws, a.id, { rule: { version: 1, match: { type: 'not', condition: { type: 'segment', segmentId: b.id } } } }), (err: ValidationError) => {
      assert.deepEqual(err.issues, [{ path: ['rule', 'match', 'condition', 'segmentId'], message: 'a segment cannot refer to itself, directly or through other segments' }]);
      return true;
    });
    const missing = '0190a0a0-0000-7000-8000-000000000001';
    await assert.rejects(services.segments.preview(ws, { version: 1, match: { type: 'segment', segmentId: missing } }), (err: ValidationError) => {
      assert.deepEqual(err.issues, [{ path: ['rule', 'match', 'segmentId'], message: `segment ${missing} does not exist` }]);
      return true;
    });
    await assert.rejects(services.segments.remove(ws, a.id), /used by "Tokyo buyers"/);
    await services.segments.remove(ws, b.id);
    await services.segments.remove(ws, a.id);
    await assert.rejects(services.segments.get(ws, a.id), NotFoundError);
    const { rows: left } = await t.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM segment_members WHERE workspace_id = $1 AND segment_id = ANY($2::uuid[]))
            + (SELECT count(*) FROM segment_membership_history WHERE workspace_id = $1 AND segment_id = ANY($2::uuid[]))::int AS n`,
      [ws, [a.id, b.id]],
    );
    assert.equal(Number(left[0]!.n), 0, 'a removed segment leaves no members or history');
  });

  test('membership changes are queued for subscribed webhooks, with hashed identifiers only', async () => {
    const { services, ws, ids } = await setup();
    const s = await services.segments.create(ws, { name: 'Tokyo', rule: tokyo });
    const other = await services.segments.create(ws, { name: 'Buyers', rule: { version: 1, match: { type: 'orders' } } });
    const { webhook } = await services.webhooks.create(ws, { url: 'http://127.0.0.1:9/hook', segmentIds: [s.id] });
    await services.segments.refresh(ws, s.id, { asOf: AS_OF });
    await services.segments.refresh(ws, other.id, { asOf: AS_OF });
    const deliveries = await services.webhooks.deliveries(ws, webhook.id);
    assert.equal(deliveries.length, 1);
    const { rows } = await t.db.query<{ payload: Record<string, unknown> }>('SELECT payload FROM webhook_deliveries WHERE workspace_id = $1', [ws]);
    assert.deepEqual(rows[0]!.payload, {
      segment: { id: s.id, key: null, name: 'Tokyo', version: 1 },
      at: AS_OF.toISOString(),
      entered: [{ customerId: ids.c1, externalId: 'c1', emailSha256: sha('taro@example.jp'), phoneSha256: sha('819012345678') }],
      exited: [],
    });
  });
});
