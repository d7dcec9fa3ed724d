/**
 * The scope matrix in docs/security.md ("Scopes and roles") is the contract: every route declares its
 * access (a `requireScope` pre-handler or `config.access`), and the doc's table lists exactly those
 * routes with that access and the roles that follow from ROLE_SCOPES. Then the parts that matter most
 * are exercised: an ingest key cannot reach customers, and test sends go only to known addresses.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { describeEachDatabase } from '../db/testDatabase.ts';
import { apiJourney } from '../modules/journeys/testKit.ts';
import { NEWSLETTER_MJML, seedAudience, settingsFor, startSmtpSink, type SmtpSink } from '../modules/messaging/testKit.ts';
import { ROLE_SCOPES, ROLES, type Role } from '../modules/users/service.ts';
import type { Scope } from '../modules/workspaces/service.ts';
import { routeTable } from './routeAccess.ts';
import type { Access } from '../kernel/access.ts';
import { testApp } from './testApp.ts';

/** Routes the app gets from plugins rather than declares: the Swagger UI pages and the built SPA's files. */
const FRAMEWORK = (url: string) => /^\/docs(\/|$)/.test(url) || url === '/' || url === '/*';

interface DocRow {
  method: string;
  path: string;
  access: string;
  roles: Record<Role, string>;
}

function docMatrix(): DocRow[] {
  const doc = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('Scopes and roles'));
  assert.ok(section, 'docs/security.md has a "Scopes and roles" section');
  const header = `| Method | Path | Access | ${ROLES.join(' | ')} |`;
  const lines = section.split('\n');
  const start = lines.indexOf(header);
  assert.ok(start >= 0, `the matrix starts with the header ${header}`);
  const rows: DocRow[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [method, path, access, ...roleCells] = line.split('|').slice(1, -1).map((c) => c.trim());
    rows.push({ method: method!, path: path!.replace(/^`|`$/g, ''), access: access!, roles: Object.fromEntries(ROLES.map((r, i) => [r, roleCells[i] ?? ''])) as Record<Role, string> });
  }
  return rows;
}

/** Whether a signed-in person of `role` may call a route with this access ("n/a": not a staff route). */
function roleCell(access: Access, role: Role): string {
  if (access === 'public' || access === 'storefront') return 'n/a';
  if (access === 'session') return 'yes';
  return ROLE_SCOPES[role].includes('admin') || ROLE_SCOPES[role].includes(access) ? 'yes' : 'no';
}

describeEachDatabase('scopes: the matrix in docs/security.md, ingest keys, test sends', (t) => {
  let ctx: Awaited<ReturnType<typeof testApp>>;
  let sink: SmtpSink;
  before(async () => {
    sink = await startSmtpSink();
    ctx = await testApp(t.db);
    await ctx.services.messaging.putSettings(ctx.workspace.id, settingsFor(sink.url, { policy: { quietHours: null } }));
  });
  after(async () => {
    await ctx?.services.messaging.close();
    await ctx?.app.close();
    await sink?.close();
  });
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, scope: Scope, payload?: object) =>
    ctx.app.inject({ method, url, payload, headers: await ctx.headers(scope) });

  test('every route declares its access, and the doc lists exactly the routes, their access and the roles', async () => {
    await ctx.app.ready();
    const routes = routeTable(ctx.app).filter((r) => !FRAMEWORK(r.url));
    assert.ok(routes.length > 100, `the route table is filled (${routes.length})`);
    const undeclared = routes.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(undeclared, [], 'routes without a requireScope pre-handler or config.access');

    const doc = new Map(docMatrix().map((row) => [`${row.method} ${row.path}`, row]));
    const missing = routes.filter((r) => !doc.has(`${r.method} ${r.url}`)).map((r) => `${r.method} ${r.url} (${r.access})`);
    assert.deepEqual(missing, [], 'routes missing from the matrix in docs/security.md');
    const live = new Set(routes.map((r) => `${r.method} ${r.url}`));
    assert.deepEqual([...doc.keys()].filter((k) => !live.has(k)), [], 'matrix rows for routes that do not exist');
    for (const r of routes) {
      const row = doc.get(`${r.method} ${r.url}`)!;
      assert.equal(row.access, r.access, `${r.method} ${r.url}: the doc says ${row.access}, the route requires ${r.access}`);
      for (const role of ROLES) assert.equal(row.roles[role], roleCell(r.access!, role), `${r.method} ${r.url}: role ${role}`);
    }
  });

  test('an ingest key cannot create, send or test-send campaigns, start journeys, create coupons or grant points', async () => {
    const ws = ctx.workspace.id;
    const { segmentId } = await seedAudience(ctx.services, ws, 1, { cohort: 'scopes' });
    const campaignBody = { name: 'Winter', segmentId, template: { channel: 'email', subject: 'こんにちは', mjml: NEWSLETTER_MJML } };
    const journeyBody = { name: 'Welcome', definition: apiJourney([{ id: 'end', type: 'exit' }]) };
    const campaign = await call('POST', '/v1/campaigns', 'messaging', campaignBody);
    assert.equal(campaign.statusCode, 200, campaign.body);
    const id = campaign.json().id as string;

    const attempts: [string, 'POST', string, object?][] = [
      ['campaign create', 'POST', '/v1/campaigns', campaignBody],
      ['campaign send', 'POST', `/v1/campaigns/${id}/send`],
      ['campaign test send', 'POST', `/v1/campaigns/${id}/test`, { customer: 'scopes-0', to: 'scopes-0@example.jp' }],
      ['journey create', 'POST', '/v1/journeys', journeyBody],
      ['journey start', 'POST', `/v1/journeys/${id}/activate`],
      ['journey entry', 'POST', `/v1/journeys/${id}/enter`, { customer: 'scopes-0' }],
      ['coupon create', 'POST', '/v1/coupon-campaigns', { name: '10 % off', kind: 'percent', value: 10 }],
      ['loyalty grant', 'POST', '/v1/loyalty/customers/scopes-0/adjustments', { points: 100, reason: 'goodwill' }],
    ];
    for (const [what, method, url, payload] of attempts) {
      const res = await call(method, url, 'ingest', payload);
      assert.equal(res.statusCode, 403, `${what} with an ingest key: ${res.body}`);
      assert.match(res.json().message, /lacks the "(messaging|admin)" scope/);
    }
    // The same key still writes data, and nothing above was stored.
    assert.equal((await call('POST', '/v1/track', 'ingest', { userId: 'scopes-0', event: 'Viewed' })).statusCode, 200);
    assert.equal((await call('GET', '/v1/campaigns', 'read')).json().data.length, 1);
    const journey = await call('POST', '/v1/journeys', 'messaging', journeyBody);
    assert.equal(journey.statusCode, 200, journey.body);
  });

  test('test sends reach only the workspace users and the seed list an admin keeps; anything else is a 400 naming "to"', async () => {
    const ws = ctx.workspace.id;
    const { segmentId } = await seedAudience(ctx.services, ws, 1, { cohort: 'seed' });
    const id = (await call('POST', '/v1/campaigns', 'messaging', { name: 'Seed', segmentId, template: { channel: 'email', subject: 'テスト', mjml: NEWSLETTER_MJML } })).json().id as string;
    await ctx.services.users.create(ws, { email: 'Marketer@kizuna-shop.example.jp', role: 'marketer', password: 'correct horse battery' });
    const testSend = (to: string) => call('POST', `/v1/campaigns/${id}/test`, 'messaging', { customer: 'seed-0', to });

    const before = sink.received.length;
    const outsider = await testSend('attacker@evil.example');
    assert.equal(outsider.statusCode, 400, outsider.body);
    assert.deepEqual(outsider.json().issues.map((i: { path: string[] }) => i.path), [['to']]);
    assert.equal((await testSend('qa@kizuna-shop.example.jp')).statusCode, 400, 'not on the seed list yet');

    assert.equal((await call('PUT', '/v1/messaging/seed-list', 'messaging', { addresses: ['qa@kizuna-shop.example.jp'] })).statusCode, 403, 'the seed list is for admins');
    assert.equal((await call('GET', '/v1/messaging/seed-list', 'messaging')).statusCode, 403);
    const put = await call('PUT', '/v1/messaging/seed-list', 'admin', { addresses: [' QA@kizuna-shop.example.jp', 'qa@kizuna-shop.example.jp'] });
    assert.deepEqual(put.json(), { addresses: ['qa@kizuna-shop.example.jp'] });
    assert.equal((await call('PUT', '/v1/messaging/seed-list', 'admin', { addresses: [''] })).json().issues[0].path.join('.'), 'body.addresses.0');
    assert.deepEqual((await call('GET', '/v1/messaging/seed-list', 'admin')).json(), { addresses: ['qa@kizuna-shop.example.jp'] });

    assert.equal((await testSend('QA@kizuna-shop.example.jp')).statusCode, 200, 'on the seed list');
    assert.equal((await testSend('marketer@kizuna-shop.example.jp')).statusCode, 200, "one of the workspace's users");
    await sink.waitFor(before + 2);
    assert.deepEqual(sink.received.slice(before).flatMap((m) => m.to.map((a) => a.toLowerCase())).sort(), ['marketer@kizuna-shop.example.jp', 'qa@kizuna-shop.example.jp']);
    // A user of another workspace is an outsider here.
    const other = await ctx.services.workspaces.create({ name: `other-${Date.now()}` });
    await ctx.services.users.create(other.workspace.id, { email: 'someone@other.example', role: 'admin', password: 'correct horse battery' });
    assert.equal((await testSend('someone@other.example')).statusCode, 400);
    assert.equal(sink.received.length, before + 2);
  });
});
