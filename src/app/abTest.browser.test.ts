/**
 * An A/B test run to its winner in the demo, in Japanese and in English: the marketer sets two
 * subject variants in the campaign form, sends; the worker sends the test share; recipients click
 * (variant B far more); time is run forward to the decision (the decision job's pass with a clock,
 * as `kizuna worker` runs it), and the campaign page shows the winner, its interval and the rest
 * sent. Screenshots in test-artifacts/screenshots/abtest-{ja,en}-*.png.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { en as campaignsEn, ja as campaignsJa } from '../../web/src/areas/campaigns/messages.ts';
import { en as coreEn } from '../../web/src/i18n/en.ts';
import { ja as coreJa } from '../../web/src/i18n/ja.ts';
import { ensureDemoWorkspace } from '../modules/demo/demo.ts';
import { nextTokyoNoon } from '../modules/messaging/testKit.ts';
import { browserSuite, describeInBrowser, inPage, signIn } from './browserHarness.ts';
import type { Services } from './services.ts';

const PASSWORD = 'ab test browser passphrase';
const HOUR = 3_600_000;
const DICTIONARIES = { ja: { ...coreJa, ...campaignsJa }, en: { ...coreEn, ...campaignsEn } };
type Lang = keyof typeof DICTIONARIES;

describeInBrowser('an A/B test to its winner in the demo, time run forward (ja and en)', (t) => {
  const suite = browserSuite(t);
  let services: Services;
  let base = '';
  let workspaceId = '';
  let segmentId = '';
  const email = `ab-${Math.random().toString(36).slice(2)}@example.jp`;
  let clock = nextTokyoNoon();

  before(async () => {
    ({ services, base } = suite);
    await ensureDemoWorkspace(services, { customers: 400 });
    workspaceId = (await services.workspaces.list()).find((w) => w.name === 'Demo')!.id;
    await services.users.create(workspaceId, { email, name: 'Marketer', role: 'admin', password: PASSWORD });
    const segment = await services.segments.create(workspaceId, { name: 'メールのあるお客様', rule: { version: 1, match: { type: 'field', field: 'email', op: 'exists' } } });
    await services.segments.refresh(workspaceId, segment.id);
    segmentId = segment.id;
  });

  /** Recipients' clicks: a share of each variant's sent test deliveries (what the tracking links record). */
  const click = async (campaignId: string, shares: Record<string, number>, at: Date) => {
    for (const [variant, share] of Object.entries(shares)) {
      await t.db.query(
        `UPDATE deliveries d SET opened_at = $4, clicked_at = $4 FROM (
           SELECT id, row_number() OVER (ORDER BY id) AS i, count(*) OVER () AS n FROM deliveries
           WHERE workspace_id = $1 AND campaign_id = $2 AND variant = $3 AND ab_group = 'test' AND state = 'sent') x
         WHERE d.workspace_id = $1 AND d.id = x.id AND x.i <= round(x.n * $5::float8)`,
        [workspaceId, campaignId, variant, at, share],
      );
    }
  };

  const run = (lang: Lang, name: string, subjects: [string, string]) =>
    inPage(suite.browser, { locale: lang === 'ja' ? 'ja-JP' : 'en-US', viewport: { width: 1360, height: 900 }, shots: `abtest-${lang}` }, async (page, shot) => {
      const l = DICTIONARIES[lang];
      await signIn(page, base, l, email, PASSWORD);
      await page.getByRole('navigation', { name: l['nav.label'] }).getByRole('link', { name: l['campaigns.nav'], exact: true }).click();
      await page.getByRole('link', { name: l['campaigns.new'] }).first().click();
      await page.getByLabel(l['campaigns.form.name']).fill(name);
      await page.getByLabel(l['campaigns.form.segment'], { exact: true }).selectOption(segmentId);
      await page.getByLabel(l['campaigns.tpl.subject']).fill(subjects[0]);
      await page.getByLabel(l['campaigns.form.holdout']).fill('10');

      // The A/B test: B changes the subject; half of the treated in the test, decided after 2 hours by clicks.
      await page.getByLabel(l['campaigns.ab.enable']).check();
      await page.getByLabel(l['campaigns.ab.dimension']).selectOption('subject');
      await page.getByLabel(l['campaigns.ab.variant'].replace('{key}', 'B')).fill(subjects[1]);
      await page.getByLabel(l['campaigns.ab.testShare']).fill('50');
      await page.getByLabel(l['campaigns.ab.decideAfter']).fill('2');
      // The form says the decision waits for the last test message (a usual-hour variant can leave up to 24 h later).
      await page.getByText(l['campaigns.ab.decideAfterHint']).waitFor();
      await page.getByLabel(l['campaigns.ab.metric'], { exact: true }).selectOption('clicks');
      await page.getByLabel(l['campaigns.ab.minPerVariant']).fill('20');
      await shot('01-form');
      await page.getByRole('button', { name: l['campaigns.form.submit.draft'] }).click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      await page.getByRole('button', { name: l['campaigns.send'] }).click();
      await page.getByRole('button', { name: l['campaigns.send.yes'] }).click();
      await page.locator('.notice-success').waitFor();

      // The worker's pass sends the test share only; the rest waits.
      const campaign = (await services.messaging.listCampaigns(workspaceId)).find((c) => c.name === name)!;
      assert.equal(campaign.abTest?.variants[1]?.subject, subjects[1]);
      clock = new Date(Math.max(clock.getTime(), Date.now()) + 24 * HOUR);
      await services.messaging.drain({ workspaceId, now: clock, limit: 5000 });
      await click(campaign.id, { A: 0.04, B: 0.45 }, new Date(clock.getTime() + HOUR));
      await page.reload();
      const decision = page.getByTestId('ab-decision');
      await decision.waitFor();
      const waiting = (await services.messaging.report(workspaceId, campaign.id)).abTest!;
      assert.ok(waiting.rest.waiting > 0, 'the rest waits for the winner');
      assert.match((await decision.textContent())!, new RegExp(String(waiting.rest.waiting)));
      // Before the decision nothing is called the winner, even a variant ahead by a wide margin.
      assert.equal(await page.getByText(l['campaigns.ab.winnerBadge'], { exact: true }).count(), 0);
      await page.getByText(l['campaigns.ab.leadingBadge']).waitFor();
      await shot('02-test-running');

      // Time run forward past the decision: the decision job's pass, then the worker's.
      const decideAt = (await services.messaging.getCampaign(workspaceId, campaign.id)).abDecideAt!;
      clock = new Date(Math.max(decideAt.getTime(), clock.getTime()) + 2 * HOUR);
      const decided = await services.messaging.decideAbTests({ workspaceId, now: clock });
      assert.equal(decided.find((d) => d.campaignId === campaign.id)?.decision.winner, 'B');

      // Decided, not yet sent: the page says the rest was released and is queued, not that it was sent.
      const releasedNow = (await services.messaging.report(workspaceId, campaign.id)).abTest!;
      assert.ok(releasedNow.rest.queued > 0 && releasedNow.rest.sent === 0);
      const fmt = new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-US');
      // Every released recipient is accounted for: queued, sent, or stopped at the gate.
      const releasedText = (queued: number, sent: number) =>
        l['campaigns.ab.released'].replace('{key}', 'B').replace('{released}', fmt.format(releasedNow.rest.n)).replace('{queued}', fmt.format(queued)).replace('{sent}', fmt.format(sent))
          .replace('{stopped}', fmt.format(releasedNow.rest.n - queued - sent));
      await page.reload();
      await page.getByTestId('ab-decision').filter({ hasText: releasedText(releasedNow.rest.queued, 0) }).waitFor();
      // The campaign list accounts for the queued rest.
      await page.getByRole('navigation', { name: l['nav.label'] }).getByRole('link', { name: l['campaigns.nav'], exact: true }).click();
      const listRow = page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
      assert.equal((await listRow.locator('td[data-state="queued"]').textContent())?.trim(), fmt.format(releasedNow.rest.queued));
      assert.equal((await listRow.locator('td[data-state="waiting"]').textContent())?.trim(), '0');
      await page.goBack();

      await services.messaging.drain({ workspaceId, now: clock, limit: 5000 });

      await page.reload();
      const sentNow = (await services.messaging.report(workspaceId, campaign.id)).abTest!;
      await page.getByTestId('ab-decision').filter({ hasText: releasedText(sentNow.rest.queued, sentNow.rest.sent) }).waitFor();
      // The comparison's confidence reads 95%, not 95.0%; B's subject shows as the subject template.
      assert.match((await page.getByTestId('ab-interval').textContent())!, /\(?95%|（95%/);
      await page.getByText(`${l['campaigns.ab.col.subjectTemplate']}: ${subjects[1]}`).waitFor();
      await page.getByTestId('ab-interval').waitFor();
      const report = (await services.messaging.report(workspaceId, campaign.id)).abTest!;
      assert.equal(report.rest.waiting, 0);
      assert.ok(report.rest.sent > 0, 'the winner went to the rest');
      await page.getByRole('row', { name: new RegExp(`^B ${l['campaigns.ab.winnerBadge']}`) }).waitFor();
      await shot('03-winner');
    });

  test('日本語: 件名のA/Bテストを作って送り、時間を進めて勝者を確かめる', async () => {
    await run('ja', '冬のセール 件名テスト', ['冬のセールのお知らせ', '【本日限り】冬のセール 20%オフ']);
  });

  test('English: a subject A/B test, time run forward, the winner on the campaign page', async () => {
    await run('en', 'Winter sale subject test', ['Winter sale', 'Today only: 20% off the winter sale']);
  });
});
