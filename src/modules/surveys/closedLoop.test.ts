import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createServices, recipientVariablesOf, type Services } from '../../app/services.ts';
import { describeEachDatabase } from '../../db/testDatabase.ts';
import { customerInput } from '../customers/types.ts';
import { customerScope, loadRecipients } from '../messaging/facts.ts';
import { compileTemplate } from '../messaging/render.ts';
import { messagingSettingsInput } from '../messaging/settings.ts';
import { settingsFor, startSmtpSink } from '../messaging/testKit.ts';
import { simpleParser } from 'mailparser';
import { runOneJob } from '../../worker/worker.ts';

describeEachDatabase('surveys in KPIs, account health and messages', (t) => {
  let services: Services;
  let ws: string;
  before(async () => {
    services = createServices(t.db);
    ws = (await services.workspaces.create({ name: 'loop', timeZone: 'Asia/Tokyo' })).workspace.id;
    await services.customers.upsertMany(ws, ['u1', 'u2', 'u3'].map((externalId) => customerInput.parse({ externalId, accountExternalId: 'acme', email: `${externalId}@example.jp` })));
    await services.surveys.create(ws, { slug: 'nps-q1', kind: 'nps', title: { ja: 'NPS調査' } });
  });

  const answer = async (customer: string, score: number, at: Date) => {
    const [link] = await services.surveys.mintLinks(ws, 'nps-q1', [customer], { now: at });
    return services.surveys.answerLink(link!.url.slice(link!.url.lastIndexOf('/') + 1), { score }, 'ja', at);
  };

  test('NPS enters the KPIs per period with its interval, and the account health score', async () => {
    await answer('u1', 10, new Date('2026-02-10T03:00:00Z'));
    await answer('u2', 3, new Date('2026-02-11T03:00:00Z'));
    await answer('u3', 9, new Date('2026-03-05T03:00:00Z'));
    const periods = await services.intelligence.kpis(ws, { from: '2026-01-01', to: '2026-03-31', granularity: 'month' });
    const byMonth = Object.fromEntries(periods.periods.map((p: { start: string; kpis: Record<string, { value: number | null }> }) => [p.start, p.kpis]));
    assert.equal(byMonth['2026-01-01']!.nps!.value, null, 'no answers: no NPS');
    // February: one promoter, one detractor: NPS 0, SE = 100·√(1/2) → ±138.6, clipped.
    assert.equal(byMonth['2026-02-01']!.nps!.value, 0);
    assert.equal(byMonth['2026-02-01']!.nps_ci_low!.value, -100);
    assert.equal(byMonth['2026-03-01']!.nps!.value, 100);

    const health = await services.intelligence.accountHealth(ws, 'acme', new Date('2026-03-10T00:00:00Z'));
    const nps = health.signals.find((s) => s.signal === 'nps')!;
    assert.equal(nps.raw, (10 + 3 + 9) / 3);
    assert.ok(Math.abs(nps.score! - 22 / 30) < 1e-9);
    assert.ok(nps.points > 0);
  });

  test('a template renders a per-customer survey link that opens the survey', async () => {
    const settings = messagingSettingsInput.parse(settingsFor(undefined));
    const u1 = await services.customers.find(ws, 'u1');
    const recipientVariables = recipientVariablesOf(services.loyalty);
    const recipient = (await loadRecipients(t.db, ws, [u1.id], new Date(), recipientVariables)).get(u1.id)!;
    const compiled = await compileTemplate({ channel: 'sms', text: 'ご意見をお聞かせください {{ survey_links.nps-q1 }} / {{ survey_links.nps_q1 }}' }, settings, false, [...recipientVariables.keys()]);
    const scope = { customer: customerScope(recipient), coupon: null, recommendations: [], campaign: { id: 'c', name: 'c' }, sender: { name: 's', postal_address: 'a' }, unsubscribe_url: null, footer_lang: 'ja' as const };
    const content = await compiled.render(scope);
    assert.equal(content.channel, 'sms');
    const urls = (content as { text: string }).text.match(/https?:\/\/\S+\/s\/\S+/g)!;
    assert.equal(urls.length, 2);
    const opened = await services.surveys.openLink(urls[0]!.slice(urls[0]!.lastIndexOf('/') + 1));
    assert.equal(opened.survey.slug, 'nps-q1');
    // The link is u1's: answering it records u1.
    const outcome = await services.surveys.answerLink(urls[0]!.slice(urls[0]!.lastIndexOf('/') + 1), { score: 8 }, 'ja');
    const responses = await services.surveys.listResponses(ws, { customerId: u1.id });
    assert.ok(responses.data.some((r) => r.id === outcome.responseId));
  });

  test('erasing a customer removes what they wrote and keeps their score', async () => {
    const [link] = await services.surveys.mintLinks(ws, 'nps-q1', ['u2']);
    await services.surveys.answerLink(link!.url.slice(link!.url.lastIndexOf('/') + 1), { score: 2, reason: '配送が遅くて困りました（山田）' }, 'ja');
    const u2 = await services.customers.find(ws, 'u2');
    const before = await services.surveys.forCustomer(ws, u2.id);
    assert.ok(before.responses.some((r) => r.comment?.includes('山田')));
    await services.surveys.addNote(ws, before.cases[0]!.id, '山田様に電話済み', null);
    await services.privacy.eraseCustomer(ws, 'u2');
    const after = await services.surveys.forCustomer(ws, u2.id);
    assert.equal(after.responses.length, before.responses.length);
    assert.ok(after.responses.every((r) => r.comment === null && r.score !== null));
    const { rows } = await t.db.query(`SELECT body FROM survey_case_notes WHERE workspace_id = $1`, [ws]);
    assert.ok(rows.every((r) => !String(r.body).includes('山田')));
  });

  test('a detractor case emails the team through the worker; without addresses no job is queued', async () => {
    const sink = await startSmtpSink();
    try {
      await services.messaging.putSettings(ws, settingsFor(sink.url));
      const alerts = async () => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE workspace_id = $1 AND kind = 'surveys.alert'`, [ws])).rows[0]!.n;
      const queued = await alerts();
      await answer('u3', 4, new Date());
      assert.equal(await alerts(), queued, 'no addresses: no alert job');

      await services.surveys.updateSettings(ws, { alertEmails: ['cs@example.jp', 'lead@example.jp'] });
      const [link] = await services.surveys.mintLinks(ws, 'nps-q1', ['u1']);
      const outcome = await services.surveys.answerLink(link!.url.slice(link!.url.lastIndexOf('/') + 1), { score: 1, reason: '二度と買いません' }, 'ja');
      assert.ok(outcome.caseId);
      assert.equal(await alerts(), queued + 1);
      while (await runOneJob(services, 'alerts-test')) {
        // drain the queue: the alert job sends the emails
      }
      await sink.waitFor(2);
      assert.deepEqual(sink.received.flatMap((m) => m.to).sort(), ['cs@example.jp', 'lead@example.jp']);
      const mail = await simpleParser(sink.received[0]!.raw);
      assert.match(mail.subject ?? '', /NPS 1/);
      assert.match(mail.text ?? '', /二度と買いません/);
    } finally {
      await sink.close();
    }
  });
});
