/**
 * Tenant isolation, kept by a test: every operation in /openapi.json that takes an id in its path is
 * called with workspace B's admin key on workspace A's objects, and must answer 404 (never 200 with
 * A's data, never 500). Ids inside bodies that name another workspace's objects are refused, not
 * stored. A new route with a path id is covered without anyone adding it here; one whose body this
 * file cannot guess fails with its 400 until a fixture is added below.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { describeEachDatabase } from '../db/testDatabase.ts';
import { apiJourney } from '../modules/journeys/testKit.ts';
import { NEWSLETTER_MJML, settingsFor } from '../modules/messaging/testKit.ts';
import { campaignBody as ugcCampaignBody } from '../modules/ugc/testKit.ts';
import { testApp } from './testApp.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Path parameters that are not ids of a workspace's objects. */
const NOT_IDS: Record<string, string> = {
  'POST /v1/journey-templates/{key}/enable': 'templates ship with Kizuna, the same for every workspace',
};

describeEachDatabase('tenant isolation: workspace B never reaches workspace A', (t) => {
  let ctx: Awaited<ReturnType<typeof testApp>>;
  let b: { authorization: string };
  let bWorkspace: string;
  /** A's objects, by the path parameter that names them. */
  const a: Record<string, string> = {};
  before(async () => {
    ctx = await testApp(t.db);
    const other = await ctx.services.workspaces.create({ name: `tenant-b-${randomUUID()}` });
    bWorkspace = other.workspace.id;
    b = { authorization: `Bearer ${other.apiKey}` };
    for (const ws of [ctx.workspace.id, bWorkspace]) await ctx.services.messaging.putSettings(ws, settingsFor(undefined, { policy: { quietHours: null } }));
  });
  after(async () => {
    await ctx?.services.messaging.close();
    await ctx?.app.close();
  });

  const inA = async (method: Method, url: string, payload?: object) => {
    const res = await ctx.app.inject({ method, url, payload, headers: await ctx.headers('admin') });
    assert.ok(res.statusCode < 300, `setting up A: ${method} ${url} → ${res.statusCode} ${res.body}`);
    return res.statusCode === 204 ? {} : res.json();
  };
  const asB = (method: Method, url: string, payload?: object) => ctx.app.inject({ method, url, payload, headers: b });

  /** One object of each kind in A (kinds that need a customer's own action get random ids in the test). */
  async function createObjectsInA() {
    const customer = await inA('POST', '/v1/customers', { externalId: 'iso-1', email: 'iso-1@example.jp', prefecture: '東京都' });
    a.customer = customer.ids?.['iso-1'] ?? customer.id;
    assert.ok(a.customer, JSON.stringify(customer));
    await inA('POST', '/v1/products', { sku: 'ISO-TEE', name: 'Tシャツ', priceMinor: 1500, currency: 'JPY' });
    a.sku = 'ISO-TEE';
    const order = await inA('POST', '/v1/orders', { externalId: 'iso-o1', customerExternalId: 'iso-1', currency: 'JPY', orderedAt: '2026-03-01T00:00:00Z', lines: [{ sku: 'ISO-TEE', unitPriceMinor: 1500, quantity: 1 }] });
    a.order = order.ids?.['iso-o1'] ?? order.id ?? 'iso-o1';
    a.coupon = (await inA('POST', '/v1/coupon-campaigns', { name: '10 % off', kind: 'percent', value: 10 })).id;
    a.code = (await inA('POST', `/v1/coupon-campaigns/${a.coupon}/codes`, { count: 1 })).codes[0].code;
    a.segment = (await inA('POST', '/v1/segments', { name: 'Tokyo', rule: { version: 1, match: { type: 'field', field: 'prefecture', op: 'eq', value: '東京都' } } })).id;
    a.webhook = (await inA('POST', '/v1/webhooks', { url: 'https://example.com/hooks', events: ['segment.membership_changed'] })).webhook.id;
    a.reward = (await inA('POST', '/v1/loyalty/rewards', { name: 'Tote bag', kind: 'gift', costPoints: 100 })).id;
    a.campaign = (await inA('POST', '/v1/campaigns', { name: 'Winter', segmentId: a.segment, couponCampaignId: a.coupon, template: { channel: 'email', subject: 'こんにちは', mjml: NEWSLETTER_MJML } })).id;
    a.journey = (await inA('POST', '/v1/journeys', { name: 'Welcome', definition: apiJourney([{ id: 'end', type: 'exit' }]) })).id;
    a.survey = (await inA('POST', '/v1/surveys', { slug: 'iso-nps', kind: 'nps', title: { ja: 'ご意見', en: 'Feedback' } })).id;
    a.ugc = (await inA('POST', '/v1/ugc/campaigns', ugcCampaignBody())).id;
    a.apiKey = (await ctx.services.workspaces.listApiKeys(ctx.workspace.id))[0]!.id;
    a.user = (await ctx.services.users.create(ctx.workspace.id, { email: `iso-${randomUUID()}@example.jp`, role: 'analyst', password: 'correct horse battery' })).id;
  }

  /** Which of A's objects a path parameter names; random ids for kinds made only by customers (cases, entries, photos, accounts). */
  function idFor(path: string, param: string): string {
    if (param === 'entryId') return randomUUID();
    if (param === 'sku') return a.sku!;
    if (param === 'code') return a.code!;
    if (param === 'customer' || /^\/v1\/(customers|loyalty\/customers|feedback\/customers)\/\{/.test(path)) return a.customer!;
    const kinds: [RegExp, string | undefined][] = [
      [/^\/v1\/api-keys\//, a.apiKey],
      [/^\/v1\/users\/\{id\}/, a.user],
      [/^\/v1\/orders\//, a.order],
      [/^\/v1\/products\/\{id\}/, a.sku],
      [/^\/v1\/coupon-campaigns\//, a.coupon],
      [/^\/v1\/segments\//, a.segment],
      [/^\/v1\/webhooks\//, a.webhook],
      [/^\/v1\/loyalty\/rewards\//, a.reward],
      [/^\/v1\/campaigns\//, a.campaign],
      [/^\/v1\/journeys\//, a.journey],
      [/^\/v1\/surveys\//, a.survey],
      [/^\/v1\/ugc\/campaigns\//, a.ugc],
    ];
    const hit = kinds.find(([re]) => re.test(path));
    return hit?.[1] ?? randomUUID();
  }

  /** A body that passes validation, so the answer is about the object and not the input. */
  function bodyFor(method: string, path: string): object | undefined {
    const now = new Date().toISOString();
    const bodies: Record<string, object> = {
      'PATCH /v1/customers/{id}': { givenName: '花子' },
      'PATCH /v1/users/{id}': { role: 'admin' },
      'POST /v1/customers/{id}/consents': { channel: 'email', status: 'opted_out', source: 'tenant-test', recordedAt: now },
      'POST /v1/orders/{id}/refunds': { externalId: 'iso-r1', amountMinor: 100, refundedAt: now },
      'PATCH /v1/coupon-campaigns/{id}': { name: 'stolen' },
      'POST /v1/coupon-campaigns/{id}/codes': { count: 1 },
      'PATCH /v1/segments/{id}': { name: 'stolen' },
      'POST /v1/segments/{id}/refresh': {},
      'POST /v1/loyalty/customers/{customer}/adjustments': { points: 100, reason: 'stolen' },
      'POST /v1/loyalty/customers/{customer}/redemptions': { rewardId: a.reward!, idempotencyKey: 'iso-1' },
      'POST /v1/loyalty/customers/{customer}/token': {},
      'PATCH /v1/loyalty/rewards/{id}': { active: false },
      'POST /v1/campaigns/{id}/preview': { customer: a.customer! },
      'POST /v1/campaigns/{id}/test': { customer: a.customer!, to: 'iso-1@example.jp' },
      'POST /v1/campaigns/{id}/proof': {},
      'PATCH /v1/journeys/{id}': { name: 'stolen' },
      'POST /v1/journeys/{id}/enter': { customer: a.customer! },
      'PATCH /v1/surveys/{id}': { status: 'closed' },
      'POST /v1/surveys/{id}/links': { customers: [a.customer!] },
      'PATCH /v1/feedback/cases/{id}': { status: 'closed' },
      'POST /v1/feedback/cases/{id}/notes': { body: 'stolen' },
      'PATCH /v1/ugc/campaigns/{id}': { name: 'stolen' },
      'POST /v1/ugc/campaigns/{id}/links': { customer: a.customer! },
      'POST /v1/ugc/entries/{id}/reject': { reason: 'stolen' },
      'POST /v1/ugc/entries/{id}/publish': { public: true },
      'POST /v1/ugc/campaigns/{id}/winners': { entryId: randomUUID() },
      'POST /v1/ugc/campaigns/{id}/winners/draw': { count: 1 },
    };
    return bodies[`${method} ${path}`];
  }

  test('every operation with a path id answers 404 to another workspace', async () => {
    await createObjectsInA();
    const spec = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { security?: unknown[]; parameters?: { in: string; name: string; schema?: { enum?: unknown[] } }[] }>>;
    };
    const failures: string[] = [];
    let checked = 0;
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [lower, op] of Object.entries(operations)) {
        const method = lower.toUpperCase() as Method;
        // Public routes (security: []) are authorised by the id itself, not by a workspace's key.
        if (Array.isArray(op.security) && op.security.length === 0) continue;
        const ids = (op.parameters ?? []).filter((p) => p.in === 'path' && !p.schema?.enum);
        if (ids.length === 0 || NOT_IDS[`${method} ${path}`]) continue;
        const url = ids.reduce((u, p) => u.replace(`{${p.name}}`, encodeURIComponent(idFor(path, p.name))), path);
        const res = await asB(method, url, bodyFor(method, path));
        checked++;
        if (res.statusCode !== 404) failures.push(`${method} ${path} (${url}) → ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    assert.deepEqual(failures, [], `operations that did not answer 404 to workspace B (${checked} checked)`);
    assert.ok(checked > 70, `the spec's operations with path ids were found (${checked})`);
    // Nothing of A changed: its key still works and its objects are as created.
    assert.equal((await inA('GET', `/v1/segments/${a.segment}`)).name, 'Tokyo');
    assert.equal((await inA('GET', `/v1/campaigns/${a.campaign}`)).status, 'draft');
    assert.equal((await inA('GET', `/v1/loyalty/customers/${a.customer}`)).balance, 0);
  });

  test("ids inside bodies must be the caller's own: another workspace's segment, coupon campaign is a 400 naming the field", async () => {
    const cases: [string, string, object, (string | number)[]][] = [
      ['POST', '/v1/webhooks', { url: 'https://example.com/b', events: ['segment.membership_changed'], segmentIds: [a.segment!] }, ['segmentIds', 0]],
      ['POST', '/v1/loyalty/rewards', { name: 'Coupon', kind: 'coupon', costPoints: 10, couponCampaignId: a.coupon! }, ['couponCampaignId']],
      ['POST', '/v1/campaigns', { name: 'x', segmentId: a.segment!, template: { channel: 'email', subject: 'x', mjml: NEWSLETTER_MJML } }, ['segmentId']],
    ];
    const bSegment = (await asB('POST', '/v1/segments', { name: 'B', rule: { version: 1, match: { type: 'field', field: 'prefecture', op: 'eq', value: '大阪府' } } })).json().id as string;
    cases.push(['POST', '/v1/campaigns', { name: 'x', segmentId: bSegment, couponCampaignId: a.coupon!, template: { channel: 'email', subject: 'x', mjml: NEWSLETTER_MJML } }, ['couponCampaignId']]);
    for (const [method, url, payload, field] of cases) {
      const res = await asB(method as Method, url, payload);
      assert.equal(res.statusCode, 400, `${method} ${url}: ${res.body}`);
      assert.deepEqual(res.json().issues.map((i: { path: unknown[] }) => i.path), [field], `${method} ${url}`);
    }
    // A customer of A named in B's bodies is unknown in B.
    const bSurvey = (await asB('POST', '/v1/surveys', { slug: 'b-nps', kind: 'nps', title: { ja: 'ご意見' } })).json().id as string;
    const links = await asB('POST', `/v1/surveys/${bSurvey}/links`, { customers: [a.customer!] });
    assert.ok([400, 404].includes(links.statusCode), `survey links for A's customer: ${links.body}`);
    const order = await asB('POST', '/v1/orders', { externalId: 'b-o1', customerId: a.customer!, currency: 'JPY', orderedAt: '2026-03-01T00:00:00Z', totalMinor: 100 });
    assert.equal(order.statusCode, 400, order.body);
    assert.deepEqual(order.json().issues[0].path, [0, 'customerId']);
    const stored = await t.db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM webhooks WHERE workspace_id = $1) + (SELECT count(*) FROM loyalty_rewards WHERE workspace_id = $1) + (SELECT count(*) FROM campaigns WHERE workspace_id = $1) AS n`,
      [bWorkspace],
    );
    assert.equal(Number(stored.rows[0]!.n), 0, 'nothing was stored in B');
  });
});
