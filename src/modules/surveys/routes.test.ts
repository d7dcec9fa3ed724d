import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { suiteApps, testApp } from '../../app/testApp.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { customerInput } from '../customers/types.ts';
import { readSurveyLink, signSurveyLink } from './tokens.ts';

const tokenOf = (url: string) => url.slice(url.lastIndexOf('/s/') + 3);

describeEachDatabase('surveys API', (t) => {
  const open = suiteApps(t);
  async function setup() {
    const ctx = await open();
    const admin = await ctx.headers('admin');
    const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = admin) =>
      ctx.app.inject({ method, url, headers, payload: payload as object });
    await ctx.services.customers.upsertMany(ctx.workspace.id, ['aoi', 'ren', 'mio', 'sho', 'yui'].map((externalId) => customerInput.parse({ externalId, familyName: '山田', locale: 'ja-JP' })));
    const created = await call('POST', '/v1/surveys', { slug: 'nps-2026', kind: 'nps', title: { ja: 'ご利用についてのアンケート', en: 'How are we doing?' } });
    assert.equal(created.statusCode, 201, created.body);
    return { ...ctx, admin, call, survey: created.json() as { id: string; questions: { id: string; type: string }[] } };
  }

  test('validation errors name the field', async () => {
    const { call } = await setup();
    const bad = await call('POST', '/v1/surveys', { slug: 'X!', kind: 'nps', title: {} });
    assert.equal(bad.statusCode, 400);
    const paths = bad.json().issues.map((i: { path: string[] }) => i.path.join('.'));
    assert.ok(paths.includes('body.slug'), paths.join());
    assert.ok(paths.includes('body.title'), paths.join());
    const noScore = await call('POST', '/v1/surveys', { slug: 'csat-x', kind: 'csat', title: { en: 'x' }, locale: 'en', questions: [{ id: 'why', type: 'text', label: { en: 'Why?' } }] });
    assert.equal(noScore.statusCode, 400);
    assert.deepEqual(noScore.json().issues.map((i: { path: string[] }) => i.path), [['questions']]);
    const choice = await call('POST', '/v1/surveys', { slug: 'c-x', kind: 'custom', locale: 'en', title: { en: 'x' }, questions: [{ id: 'pick', type: 'single', label: { en: 'Pick' } }] });
    assert.deepEqual(choice.json().issues.map((i: { path: (string | number)[] }) => i.path), [['body', 'questions', 0, 'options']]);
    assert.equal((await call('POST', '/v1/surveys', { slug: 'nps-2026', kind: 'nps', title: { ja: '重複' } })).statusCode, 409);
    const links = await call('POST', '/v1/surveys/nps-2026/links', { customers: ['aoi', 'nobody'] });
    assert.equal(links.statusCode, 400);
    assert.deepEqual(links.json().issues[0].path, ['customers', 1]);
  });

  test('tokens: one answer each, forged, expired and tampered ones refused; answers validated per question', async () => {
    const { call, workspace, services } = await setup();
    const links = (await call('POST', '/v1/surveys/nps-2026/links', { customers: ['aoi', 'ren'] })).json().data;
    assert.equal(links.length, 2);
    const [aoi, ren] = links.map((l: { url: string }) => tokenOf(l.url));
    assert.notEqual(aoi, ren);

    const page = await call('GET', `/s/${aoi}`, undefined, {});
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
    assert.match(page.body, /lang="ja"/); // the customer's locale
    assert.match((await call('GET', `/s/${aoi}?lang=en`, undefined, {})).body, /How likely are you to recommend us/);

    const invalid = await call('POST', `/s/${aoi}`, { answers: { score: 11, nope: 'x' } }, {});
    assert.equal(invalid.statusCode, 400);
    assert.deepEqual(invalid.json().issues.map((i: { path: string[] }) => i.path.join('.')).sort(), ['answers.nope', 'answers.score']);

    for (const body of [{ answers: null }, { answers: [3] }, 'not json']) {
      const refused = await call('POST', `/s/${aoi}`, body, typeof body === 'string' ? { 'content-type': 'application/json' } : {});
      assert.equal(refused.statusCode, 400, JSON.stringify(body));
    }

    const answered = await call('POST', `/s/${aoi}`, 'q_score=3&q_reason=%E9%85%8D%E9%80%81%E3%81%8C%E9%81%85%E3%81%84&lang=ja', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(answered.statusCode, 200, answered.body);
    assert.match(answered.body, /ご回答ありがとうございました/);
    const again = await call('POST', `/s/${aoi}`, 'q_score=10', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /すでにご回答/);
    assert.equal((await call('GET', `/s/${aoi}`, undefined, {})).statusCode, 409);

    // Forged: a link for another customer with a made-up signature, and one signed with another secret.
    const claims = readSurveyLink(aoi)!;
    const otherCustomer = (await services.customers.find(workspace.id, 'mio')).id;
    const forged = signSurveyLink('not-the-secret', { ...claims, customerId: otherCustomer });
    assert.equal((await call('POST', `/s/${forged}`, { answers: { score: 10 } }, {})).statusCode, 400);
    const tampered = `${forged.split('.')[0]}.${aoi.split('.')[1]}`;
    assert.equal((await call('GET', `/s/${tampered}`, undefined, {})).statusCode, 400);
    assert.equal((await call('GET', '/s/garbage', undefined, {})).statusCode, 400);

    const expired = (await call('POST', '/v1/surveys/nps-2026/links', { customers: ['mio'], ttlDays: 1 })).json().data[0];
    await assert.rejects(services.surveys.answerLink(tokenOf(expired.url), { score: 9 }, 'ja', new Date(Date.now() + 2 * 86_400_000)), /expired/);

    // Two answers on one link at once: exactly one is recorded.
    const renBoth = await Promise.all([1, 2].map(() => call('POST', `/s/${ren}`, { answers: { score: 9 } }, {})));
    assert.deepEqual(renBoth.map((r) => r.statusCode).sort(), [200, 409]);
    const events = await services.events.forCustomer(workspace.id, (await services.customers.find(workspace.id, 'aoi')).id, { limit: 10 });
    assert.ok(JSON.stringify(events).includes('Survey Answered'));
  });

  test('a detractor opens a case that is assigned, noted and closed; a promoter is asked for a review', async () => {
    const { call, workspace, services } = await setup();
    await call('PUT', '/v1/feedback/settings', { reviewUrl: 'https://example.com/review', caseDueDays: 3 });
    const subscribed = await call('POST', '/v1/webhooks', { url: 'https://hooks.example.com/cs', events: ['survey.detractor'] });
    assert.equal(subscribed.statusCode, 201, subscribed.body);
    const { webhook } = subscribed.json() as { webhook: { id: string } };
    const [aoi, ren] = (await call('POST', '/v1/surveys/nps-2026/links', { customers: ['aoi', 'ren'] })).json().data.map((l: { url: string }) => tokenOf(l.url));
    await services.loyalty.updateSettings(workspace.id, {
      referral: { refereeReward: { points: 100, couponCampaignId: null }, referrerReward: { points: 300, couponCampaignId: null }, linkBase: 'https://shop.example.com/invite' },
    });
    const promoter = await call('POST', `/s/${ren}`, { answers: { score: 10, reason: 'Great service' }, lang: 'en' }, {});
    assert.match(promoter.body, /https:\/\/example\.com\/review/);
    const { code } = await services.loyalty.referral(workspace.id, (await services.customers.find(workspace.id, 'ren')).id);
    assert.ok(promoter.body.includes('https://shop.example.com/invite') && promoter.body.includes(code), 'the referral link of the promoter');
    await call('POST', `/s/${aoi}`, { answers: { score: 2, reason: '対応が遅い' } }, {});

    const cases = (await call('GET', '/v1/feedback/cases')).json();
    assert.equal(cases.data.length, 1);
    const c = cases.data[0];
    assert.equal(c.status, 'open');
    assert.equal(c.score, 2);
    assert.equal(c.customerExternalId, 'aoi');
    const dueInDays = (Date.parse(c.dueAt) - Date.parse(c.createdAt)) / 86_400_000;
    assert.equal(Math.round(dueInDays), 3);

    const alerts = await services.webhooks.deliveries(workspace.id, webhook.id);
    assert.equal(alerts.length, 1, 'one alert, for the detractor only');
    assert.equal(alerts[0]!.eventType, 'survey.detractor');
    const { rows: payloads } = await services.db.query<{ payload: { caseId: string; score: number } }>('SELECT payload FROM webhook_deliveries WHERE workspace_id = $1', [workspace.id]);
    assert.deepEqual([payloads[0]!.payload.caseId, payloads[0]!.payload.score], [c.id, 2]);

    const user = await services.users.create(workspace.id, { email: 'cs@example.com', password: 'correct horse battery', role: 'marketer', name: '佐藤' });
    assert.equal((await call('PATCH', `/v1/feedback/cases/${c.id}`, { status: 'done' })).statusCode, 400);
    assert.deepEqual((await call('PATCH', `/v1/feedback/cases/${c.id}`, { assigneeId: '018f0000-0000-7000-8000-000000000000' })).json().issues[0].path, ['assigneeId']);
    const assigned = (await call('PATCH', `/v1/feedback/cases/${c.id}`, { assigneeId: user.id, status: 'in_progress' })).json();
    assert.equal(assigned.assigneeName, '佐藤');
    assert.equal(assigned.status, 'in_progress');
    assert.equal((await call('POST', `/v1/feedback/cases/${c.id}/notes`, { body: '  ' })).statusCode, 400);
    const noted = (await call('POST', `/v1/feedback/cases/${c.id}/notes`, { body: 'お電話でお詫び済み' })).json();
    assert.equal(noted.notes[0].body, 'お電話でお詫び済み');
    const closed = (await call('PATCH', `/v1/feedback/cases/${c.id}`, { status: 'closed' })).json();
    assert.equal(closed.status, 'closed');
    assert.ok(closed.closedAt);
    assert.equal((await call('GET', '/v1/feedback/cases')).json().data.length, 0);
    assert.equal((await call('GET', '/v1/feedback/cases?status=all')).json().data.length, 1);

    // Overdue: a case past its due date.
    const [mio] = (await call('POST', '/v1/surveys/nps-2026/links', { customers: ['mio'] })).json().data.map((l: { url: string }) => tokenOf(l.url));
    await services.surveys.answerLink(mio, { score: 0 }, 'ja', new Date(Date.now() - 10 * 86_400_000));
    const overdue = (await call('GET', '/v1/feedback/cases?overdue=true')).json();
    assert.equal(overdue.data.length, 1);
    assert.equal(overdue.counts.overdue, 1);
    const panel = (await call('GET', `/v1/feedback/customers/${c.customerId}`)).json();
    assert.equal(panel.responses.length, 1);
    assert.equal(panel.cases.length, 1);
  });

  test('NPS and its interval match a hand computation; CSV export; anonymous link', async () => {
    const { call, workspace, services } = await setup();
    const ids = ['aoi', 'ren', 'mio', 'sho', 'yui'];
    const scores = [10, 9, 7, 6, 0];
    const links = (await call('POST', '/v1/surveys/nps-2026/links', { customers: ids })).json().data.map((l: { url: string }) => tokenOf(l.url));
    for (const [i, token] of links.entries()) await call('POST', `/s/${token}`, { answers: { score: scores[i], reason: `comment ${i}, "quoted"` } }, {});
    // 2 promoters, 1 passive, 2 detractors of 5: NPS = 100·(2−2)/5 = 0; variance = (0.4 + 0.4 − 0²)/5 = 0.16, SE = 0.4 → ±1.96·40 = ±78.4.
    const nps = (await call('GET', '/v1/feedback/nps')).json();
    assert.equal(nps.responses, 5);
    assert.equal(nps.nps, 0);
    assert.ok(Math.abs(nps.ciHigh - 78.3985) < 0.01, String(nps.ciHigh));
    assert.ok(Math.abs(nps.ciLow + 78.3985) < 0.01, String(nps.ciLow));
    const trend = (await call('GET', '/v1/feedback/nps/trend')).json().data;
    assert.equal(trend.length, 1);
    assert.equal(trend[0].responses, 5);
    assert.equal(trend[0].partial, true, 'answered this month: a period still running');
    const byTier = (await call('GET', '/v1/feedback/nps/by/tier')).json().data;
    assert.deepEqual(byTier.map((g: { key: string; responses: number }) => [g.key, g.responses]), [['-', 5]]);

    const csv = await call('GET', '/v1/surveys/nps-2026/responses.csv?lang=en');
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /text\/csv; charset=utf-8/);
    assert.ok(csv.body.startsWith('\uFEFFResponse ID,Answered at,'));
    const rows = parseCsv(csv.body.slice(1), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 5);
    assert.deepEqual(rows.map((r) => Number(r.Score)).sort((a, b) => a - b), [...scores].sort((a, b) => a - b));
    assert.ok(rows.some((r) => r.reason === 'comment 0, "quoted"' && r['External ID'] === 'aoi'));
    assert.equal(rows.find((r) => r.Score === '0')!.Category, 'detractor');
    assert.match(rows[0]!['Answered at']!, /\+09:00$/, "in the workspace's time zone");
    const sjis = await call('GET', '/v1/surveys/nps-2026/responses.csv?encoding=shift_jis');
    assert.ok(iconv.decode(sjis.rawPayload, 'cp932').startsWith('回答ID,回答日時,'), 'Japanese headers (the workspace locale) in Shift_JIS');

    const anon = (await call('POST', '/v1/surveys/nps-2026/anonymous-link')).json();
    assert.match(anon.iframe, /<iframe src=".*\/s\/p\//);
    const path = anon.url.slice(anon.url.indexOf('/s/p/'));
    // The widget is framed by nobody until the workspace names its sites, then by those only.
    const unframed = await call('GET', `${path}?embed=1`, undefined, {});
    assert.match(unframed.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
    assert.equal(unframed.headers['x-frame-options'], 'DENY');
    const origins = await call('PUT', '/v1/feedback/settings', { embedOrigins: ['https://Shop.example.jp', 'https://*.shop.example.jp:8443'] });
    assert.deepEqual(origins.json().embedOrigins, ['https://shop.example.jp', 'https://*.shop.example.jp:8443']);
    const framed = await call('GET', `${path}?embed=1`, undefined, {});
    assert.match(framed.headers['content-security-policy'] as string, /frame-ancestors https:\/\/shop\.example\.jp https:\/\/\*\.shop\.example\.jp:8443$/);
    assert.equal(framed.headers['x-frame-options'], undefined);
    assert.match((await call('GET', path, undefined, {})).headers['content-security-policy'] as string, /frame-ancestors 'none'/);
    const badOrigin = await call('PUT', '/v1/feedback/settings', { embedOrigins: ["https://shop.example.jp; script-src 'unsafe-inline'"] });
    assert.equal(badOrigin.statusCode, 400);
    assert.deepEqual(badOrigin.json().issues[0].path.slice(-2), ['embedOrigins', 0]);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await call('POST', path, { answers: { score: 8 } }, {})).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    const anonymous = await services.surveys.listResponses(workspace.id, { survey: 'nps-2026', limit: 100 });
    assert.equal(anonymous.data.filter((r) => r.source === 'anonymous' && r.customerId === null).length, 5);
    assert.equal((await call('GET', '/s/p/not-a-key', undefined, {})).statusCode, 400);
  });
});

describeEachDatabase('surveys API documentation', (t) => {
  test('the survey endpoints are in /openapi.json with their request schemas', async () => {
    const { app } = await testApp(t.db);
    try {
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
      assert.ok(doc.paths['/v1/surveys'].post.requestBody, 'create has a documented body');
      assert.ok(doc.paths['/v1/feedback/cases/{id}'].patch.requestBody);
      assert.ok(doc.paths['/v1/feedback/nps'].get);
      assert.equal(doc.paths['/s/{token}'], undefined, 'the public page is not API');
    } finally {
      await app.close();
    }
  });
});
