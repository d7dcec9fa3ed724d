import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createServices, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { addDays, localDate } from './localTime.ts';
import { apiJourney, liveJourney } from './testKit.ts';
import { journeyWorkspace } from './testKit.ts';
import type { DefinitionInput } from './definition.ts';

const tag = (value: string) => [{ id: 'tag', type: 'attribute' as const, key: 'entered_by', value, next: null }];
const withTrigger = (trigger: DefinitionInput['trigger'], value: string, extra: Partial<DefinitionInput> = {}) => ({ ...apiJourney(tag(value)), trigger, ...extra });

describeEachDatabase('journeys: triggers', (t) => {
  let s: Services;
  before(() => {
    s = createServices(t.db);
  });

  const enteredBy = async (ws: string, customerId: string) => (await s.customers.get(ws, customerId)).attributes.entered_by;

  test('event (with a property filter), lifecycle stage and segment triggers enter customers once per event', async () => {
    const { ws, customerIds: c } = await journeyWorkspace(s, 6);
    // Before activation: history, not a trigger.
    await s.events.insertForCustomers(ws, [{ customerId: c[5]!, messageId: 'old', name: 'Order Completed', properties: { channel: 'web' }, occurredAt: new Date() }]);
    const vip = await s.segments.create(ws, { name: 'vip', rule: { version: 1, match: { type: 'attribute', path: ['vip'], op: 'eq', value: true } } });
    await s.segments.refresh(ws, vip.id);
    const orders = await liveJourney(s, ws, withTrigger({ type: 'event', event: 'Order Completed', properties: { channel: 'web' } }, 'order'));
    await liveJourney(s, ws, withTrigger({ type: 'stage', to: 'dormant', from: 'at_risk' }, 'stage'));
    await liveJourney(s, ws, withTrigger({ type: 'segment', segmentId: vip.id, on: 'enter' }, 'segment'));

    const now = new Date();
    await s.events.insertForCustomers(ws, [
      { customerId: c[0]!, messageId: 'o1', name: 'Order Completed', properties: { channel: 'web' }, occurredAt: now },
      { customerId: c[1]!, messageId: 'o2', name: 'Order Completed', properties: { channel: 'store' }, occurredAt: now },
      { customerId: c[2]!, messageId: 's1', name: 'Lifecycle Stage Changed', properties: { from: 'at_risk', to: 'dormant' }, occurredAt: now },
      { customerId: c[3]!, messageId: 's2', name: 'Lifecycle Stage Changed', properties: { from: 'active', to: 'dormant' }, occurredAt: now },
    ]);
    await s.customers.upsertMany(ws, [{ externalId: 'j-4', attributes: { vip: true } }]);
    await s.segments.refresh(ws, vip.id);

    const first = await s.journeys.runUntilIdle(ws);
    assert.equal(first.entered, 3);
    assert.deepEqual(await Promise.all(c.map((id) => enteredBy(ws, id))), ['order', undefined, 'stage', undefined, 'segment', undefined]);
    // Read again (the scanner overlaps its cursor): nobody enters twice.
    assert.equal((await s.journeys.runUntilIdle(ws)).entered, 0);
    assert.equal((await s.journeys.stats(ws, orders.id)).entrants, 1);
  });

  test('date triggers: birthday, renewal and points expiry enter on the day, at the time of day in the customer zone', async () => {
    const { ws, customerIds: c } = await journeyWorkspace(s, 3, { cohort: 'd' });
    const now = new Date();
    const today = localDate(now, 'Asia/Tokyo');
    await s.customers.upsertMany(ws, [{ externalId: 'd-0', birthday: `1990-${today.slice(5)}` }]);
    await s.customers.upsertMany(ws, [{ externalId: 'd-1', accountExternalId: 'acme' }]);
    const renewsAt = new Date(`${addDays(today, 30)}T12:00:00+09:00`);
    await s.accounts.upsertSubscriptions(ws, [{ accountExternalId: 'acme', externalId: 'sub-1', plan: 'pro', seats: 1, mrrMinor: 50_000, currency: 'JPY', status: 'active', startedAt: new Date('2025-01-01T00:00:00Z'), renewsAt }]);
    // A lot earned 12 months before it expires: a week from today.
    const earnedAt = new Date(`${addDays(today, 7)}T12:00:00+09:00`);
    earnedAt.setUTCFullYear(earnedAt.getUTCFullYear() - 1);
    await s.loyalty.adjust(ws, { customer: c[2]!, points: 100, reason: 'test lot' }, earnedAt);

    const birthday = await liveJourney(s, ws, withTrigger({ type: 'date', field: 'birthday', offsetDays: 0, at: '23:59' }, 'birthday'));
    await liveJourney(s, ws, withTrigger({ type: 'date', field: 'renewal', offsetDays: -30, at: '00:00' }, 'renewal'));
    await liveJourney(s, ws, withTrigger({ type: 'date', field: 'pointsExpiry', offsetDays: -7, at: '00:00' }, 'points'));

    const scan = await s.journeys.scan(ws, now);
    assert.equal(scan.entered, 3);
    const run = (await s.journeys.runsOf(ws, c[0]!))[0]!;
    assert.equal(run.journeyId, birthday.id);
    // 23:59 Tokyo today, unless that has passed already (then at once).
    const at = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit' }).format(run.dueAt!);
    assert.ok(at === '23:59' || run.dueAt!.getTime() === now.getTime(), `birthday run due at ${run.dueAt!.toISOString()}`);
    await s.journeys.runUntilIdle(ws, { now: new Date(now.getTime() + 86_400_000) });
    assert.deepEqual(await Promise.all(c.map((id) => enteredBy(ws, id))), ['birthday', 'renewal', 'points']);
    // Once a day: a second scan the same day finds nothing new.
    assert.equal((await s.journeys.scan(ws, now)).entered, 0);
  });

  test('API trigger, entry rules (once, once per period, always) and one live run per customer', async () => {
    const { ws, customerIds: c } = await journeyWorkspace(s, 1);
    const waitThenTag = [
      { id: 'wait', type: 'wait' as const, duration: { days: 1, hours: 0, minutes: 0 }, next: 'tag' },
      { id: 'tag', type: 'attribute' as const, key: 'k', value: 1, next: null },
    ];
    const once = await liveJourney(s, ws, apiJourney(waitThenTag, { entry: { mode: 'once' } }));
    const periodic = await liveJourney(s, ws, apiJourney(waitThenTag, { entry: { mode: 'oncePerPeriod', periodDays: 30 } }));
    const always = await liveJourney(s, ws, apiJourney(waitThenTag, { entry: { mode: 'always' } }));
    const t0 = new Date();
    const day = (n: number) => new Date(t0.getTime() + n * 86_400_000);
    const enter = (id: string, at: Date, key?: string) => s.journeys.enter(ws, id, 'j-0', { now: at, idempotencyKey: key });
    const finish = (at: Date) => s.journeys.runUntilIdle(ws, { now: at });

    for (const j of [once, periodic, always]) assert.equal((await enter(j.id, t0)).reason, 'entered');
    // While a run lives, nobody enters again, whatever the rule; concurrent calls cannot break that.
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => enter(always.id, t0)));
    assert.deepEqual([...new Set(concurrent.map((r) => r.reason))], ['already_in_journey']);
    await finish(t0);
    await finish(day(2));
    assert.equal((await enter(once.id, day(3))).reason, 'entry_rule');
    assert.equal((await enter(periodic.id, day(10))).reason, 'entry_rule');
    assert.equal((await enter(periodic.id, day(31))).reason, 'entered');
    assert.equal((await enter(always.id, day(3), 'k1')).reason, 'entered');
    // The same idempotency key is the same entry.
    const again = await enter(always.id, day(3), 'k1');
    assert.equal(again.entered, false);
    assert.equal(again.reason, 'already_in_journey');
    assert.equal((await s.journeys.runsOf(ws, c[0]!)).length, 5);
  });

  test('versions: an edit of a live journey is a new version for new entrants; running customers finish on theirs', async () => {
    const { ws, customerIds: c } = await journeyWorkspace(s, 2);
    const v = (value: number) => apiJourney([
      { id: 'wait', type: 'wait', duration: { days: 1, hours: 0, minutes: 0 }, next: 'tag' },
      { id: 'tag', type: 'attribute', key: 'version_seen', value, next: null },
    ]);
    const draft = await s.journeys.create(ws, { name: 'versions', definition: v(0) });
    assert.equal((await s.journeys.update(ws, draft.id, { definition: v(1) })).version, 1, 'a draft is edited in place');
    const live = await s.journeys.activate(ws, draft.id);
    const t0 = new Date();
    await s.journeys.enter(ws, live.id, c[0]!, { now: t0 });
    const edited = await s.journeys.update(ws, live.id, { definition: v(2) });
    assert.equal(edited.version, 2);
    assert.deepEqual(edited.versions.map((x) => [x.version, x.runs, x.publishedAt !== null]), [[2, 0, true], [1, 1, true]]);
    await s.journeys.enter(ws, live.id, c[1]!, { now: t0 });
    await s.journeys.runUntilIdle(ws, { now: t0 });
    await s.journeys.runUntilIdle(ws, { now: new Date(t0.getTime() + 2 * 86_400_000) });
    assert.equal((await s.customers.get(ws, c[0]!)).attributes.version_seen, 1);
    assert.equal((await s.customers.get(ws, c[1]!)).attributes.version_seen, 2);
    // A live journey refuses a broken definition, naming the step.
    await assert.rejects(
      s.journeys.update(ws, live.id, { definition: { ...v(3), steps: [{ id: 'wait', type: 'wait', duration: { days: 1 }, next: 'gone' }] } }),
      (err: { issues: { path: unknown[]; message: string }[] }) => {
        assert.deepEqual(err.issues[0]!.path, ['definition', 'steps', 0, 'next']);
        assert.match(err.issues[0]!.message, /"wait" points at "gone"/);
        return true;
      },
    );
  });

  test('a paused journey takes no entrants and holds its runs until activated again', async () => {
    const { ws, customerIds: c } = await journeyWorkspace(s, 1);
    const j = await liveJourney(s, ws, apiJourney([
      { id: 'wait', type: 'wait', duration: { days: 0, hours: 1, minutes: 0 }, next: 'tag' },
      { id: 'tag', type: 'attribute', key: 'resumed', value: true, next: null },
    ]));
    const t0 = new Date();
    await s.journeys.enter(ws, j.id, c[0]!, { now: t0 });
    await s.journeys.runUntilIdle(ws, { now: t0 });
    await s.journeys.pause(ws, j.id);
    await assert.rejects(s.journeys.enter(ws, j.id, c[0]!), { status: 409 });
    const later = new Date(t0.getTime() + 2 * 3_600_000);
    assert.equal((await s.journeys.runDue({ workspaceId: ws, now: later })).claimed, 0);
    await s.journeys.activate(ws, j.id);
    await s.journeys.runUntilIdle(ws, { now: later });
    assert.equal((await s.customers.get(ws, c[0]!)).attributes.resumed, true);
  });
});
