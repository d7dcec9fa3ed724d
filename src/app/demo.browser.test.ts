/**
 * The demo as a person meets it, in Japanese and in English: sign in, build (or choose) a segment,
 * create a campaign, send it, and read what a customer received in the Outbox, with no API call
 * and no setup beyond `ensureDemoWorkspace`. Real Chromium (playwright-core) against the built SPA;
 * screenshots in test-artifacts/screenshots/demo-{ja,en}-*.png.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { en as campaignsEn, ja as campaignsJa } from '../../web/src/areas/campaigns/messages.ts';
import { en as outboxEn, ja as outboxJa } from '../../web/src/areas/outbox/messages.ts';
import { en as segmentsEn, ja as segmentsJa } from '../../web/src/areas/segments/messages.ts';
import { en as coreEn } from '../../web/src/i18n/en.ts';
import { ja as coreJa } from '../../web/src/i18n/ja.ts';
import { ensureDemoWorkspace } from '../modules/demo/demo.ts';
import { nextTokyoNoon } from '../modules/messaging/testKit.ts';
import { browserSuite, describeInBrowser, inPage, signIn } from './browserHarness.ts';

const PASSWORD = 'demo browser passphrase';
const DICTIONARIES = {
  ja: { ...coreJa, ...segmentsJa, ...campaignsJa, ...outboxJa },
  en: { ...coreEn, ...segmentsEn, ...campaignsEn, ...outboxEn },
};
type Lang = keyof typeof DICTIONARIES;

describeInBrowser('the demo in Chromium: segment, campaign, send, outbox (ja and en)', (t) => {
  const suite = browserSuite(t);
  let workspaceId = '';
  const email = `marketer-${Math.random().toString(36).slice(2)}@example.jp`;
  let segmentId = '';

  before(async () => {
    await ensureDemoWorkspace(suite.services, { customers: 150 });
    workspaceId = (await suite.services.workspaces.list()).find((w) => w.name === 'Demo')!.id;
    await suite.services.users.create(workspaceId, { email, name: 'Marketer', role: 'admin', password: PASSWORD });
  });

  const run = (lang: Lang, body: (page: Page, l: (typeof DICTIONARIES)[Lang], shot: (name: string) => Promise<unknown>) => Promise<void>) =>
    inPage(suite.browser, { locale: lang === 'ja' ? 'ja-JP' : 'en-US', viewport: { width: 1360, height: 900 }, shots: `demo-${lang}` }, async (page, shot) => {
      await signIn(page, suite.base, DICTIONARIES[lang], email, PASSWORD);
      await body(page, DICTIONARIES[lang], shot);
    });

  /** Create a campaign to the segment, send it, let the worker pass, then read it in the outbox. */
  const campaignToOutbox = async (page: Page, l: (typeof DICTIONARIES)[Lang], shot: (name: string) => Promise<unknown>, name: string, subject: string) => {
    await page.getByRole('navigation', { name: l['nav.label'] }).getByRole('link', { name: l['campaigns.nav'], exact: true }).click();
    await page.getByRole('link', { name: l['campaigns.new'] }).first().click();
    await page.getByLabel(l['campaigns.form.name']).fill(name);
    await page.getByLabel(l['campaigns.form.segment'], { exact: true }).selectOption(segmentId);
    await page.getByLabel(l['campaigns.tpl.subject']).fill(subject);
    await shot('02-campaign-form');
    await page.getByRole('button', { name: l['campaigns.form.submit.draft'] }).click();
    // The draft saves: messaging comes configured (to the outbox) in the demo.
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.getByRole('button', { name: l['campaigns.send'] }).click();
    await page.getByRole('button', { name: l['campaigns.send.yes'] }).click();
    await page.locator('.notice-success').waitFor();
    await shot('03-campaign-sent');

    // What the worker does in `kizuna start`, at a time outside the quiet hours.
    const campaign = (await suite.services.messaging.listCampaigns(workspaceId)).find((c) => c.name === name)!;
    await suite.services.messaging.drain({ workspaceId, now: nextTokyoNoon() });
    const stored = await suite.services.messaging.listOutbox(workspaceId, { limit: 100, campaignId: campaign.id });
    assert.ok(stored.data.length > 0, 'the campaign reached the outbox');

    await page.getByRole('link', { name: l['campaigns.detail.outbox'] }).click();
    await page.getByRole('heading', { level: 1, name: l['outbox.title'] }).waitFor();
    await page.getByText(l['outbox.filteredBy'].replace('{name}', name)).waitFor();
    const list = page.getByRole('region', { name: l['outbox.list'] });
    assert.equal(await list.getByRole('listitem').count(), stored.data.length);
    const first = stored.data[0]!;
    await list.getByRole('link', { name: new RegExp(first.to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).click();
    // The email in its sandboxed frame, as the customer sees it: their name, the sender's footer with 〒.
    const frame = page.frameLocator('iframe.outbox-frame');
    await frame.getByText(/住所: 〒100-0005/).waitFor();
    await page.getByRole('heading', { level: 2, name: first.subject! }).waitFor();
    await shot('04-outbox');
  };

  test('日本語: セグメントを作成し、配信を作って送り、アウトボックスで読む', async () => {
    await run('ja', async (page, l, shot) => {
      await page.getByRole('navigation', { name: l['nav.label'] }).getByRole('link', { name: l['segments.nav'], exact: true }).click();
      await page.getByRole('link', { name: l['segments.new'] }).first().click();
      const condition = page.getByRole('group', { name: l['segments.builder.condition'].replace('{n}', '1.1') });
      await condition.getByLabel(l['segments.builder.kind'], { exact: true }).selectOption('field');
      await condition.getByLabel(l['segments.builder.field'], { exact: true }).selectOption('prefecture');
      await condition.getByLabel(l['segments.builder.value'], { exact: true }).fill('東京都');
      await page.getByLabel(l['segments.name'], { exact: true }).fill('東京都のお客様');
      await shot('01-segment');
      await page.getByRole('button', { name: l['segments.save'] }).click();
      await page.getByRole('region', { name: l['segments.own'] }).getByRole('row', { name: /東京都のお客様/ }).waitFor();
      segmentId = (await suite.services.segments.list(workspaceId)).find((s) => s.name === '東京都のお客様')!.id;
      await campaignToOutbox(page, l, shot, '冬のセールのご案内', '{{ customer.family_name }} 様 冬のセールのお知らせ');
    });
  });

  test('English: choose that segment, create and send a campaign, read it in the outbox', async () => {
    assert.ok(segmentId, 'the Japanese test built the segment');
    await run('en', async (page, l, shot) => {
      await campaignToOutbox(page, l, shot, 'Winter sale', 'Winter sale for {{ customer.family_name }} 様');
    });
  });
});
