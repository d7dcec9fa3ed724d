/**
 * The template library in the campaign page, in Japanese and in English: pick a starter, save it as
 * a draft, preview it for a demo customer at desktop and phone widths, and see the same starter's
 * LINE (flex), SMS (with its segments) and push messages on phone mocks. Real Chromium against the
 * built SPA and the demo workspace; screenshots in test-artifacts/screenshots/starters-{ja,en}-*.png.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { en as campaignsEn, ja as campaignsJa } from '../../web/src/areas/campaigns/messages.ts';
import { en as coreEn } from '../../web/src/i18n/en.ts';
import { ja as coreJa } from '../../web/src/i18n/ja.ts';
import { GLOSSARY_EN, GLOSSARY_JA } from '../lib/glossary.ts';
import { ensureDemoWorkspace } from '../modules/demo/demo.ts';
import { browserSuite, describeInBrowser, inPage, signIn } from './browserHarness.ts';
import type { Services } from './services.ts';

const PASSWORD = 'starters browser passphrase';
const DICTIONARIES = {
  ja: { ...coreJa, ...campaignsJa, ...GLOSSARY_JA },
  en: { ...coreEn, ...campaignsEn, ...GLOSSARY_EN },
};
type Lang = keyof typeof DICTIONARIES;
type Dictionary = (typeof DICTIONARIES)[Lang];

describeInBrowser('the starter library in Chromium: pick, preview at two widths, phone previews (ja and en)', (t) => {
  const suite = browserSuite(t);
  let services: Services;
  let base = '';
  let segmentId = '';
  const email = `starters-${Math.random().toString(36).slice(2)}@example.jp`;

  before(async () => {
    ({ services, base } = suite);
    await ensureDemoWorkspace(services, { customers: 150 });
    const workspaceId = (await services.workspaces.list()).find((w) => w.name === 'Demo')!.id;
    await services.users.create(workspaceId, { email, name: 'Marketer', role: 'admin', password: PASSWORD });
    segmentId = (await services.segments.create(workspaceId, { name: 'Tokyo (starters)', rule: { version: 1, match: { type: 'field', field: 'prefecture', op: 'eq', value: '東京都' } } })).id;
    const refreshed = await services.segments.refresh(workspaceId, segmentId);
    assert.ok(refreshed.members >= 2, `demo customers in Tokyo: ${JSON.stringify(refreshed)}`);
  });

  /** The email's text in its shadow root (what the customer reads). */
  const emailText = (page: Page) => page.locator('.email-frame').evaluate((el) => el.shadowRoot?.textContent ?? '');

  /** New campaign from a starter (the birthday one unless named) on `channel`, saved as a draft; lands on its page. */
  const createFromStarter = async (page: Page, l: Dictionary, lang: Lang, channel: 'email' | 'line' | 'sms' | 'push', shot?: () => Promise<unknown>, starter = 'birthday') => {
    await page.goto(`${base}/campaigns/new`);
    await page.getByLabel(l['campaigns.starter.label']).selectOption(starter);
    await page.getByTestId('starter-description').waitFor();
    await page.getByRole('radio', { name: l[`campaigns.starter.lang.${lang}`] }).check();
    await page.getByRole('button', { name: l['campaigns.starter.use'] }).click();
    await page.getByRole('status').filter({ hasText: l['campaigns.starter.used'].slice(-8) }).waitFor();
    const name = `${starter} ${channel} ${Math.random().toString(36).slice(2, 6)}`;
    await page.getByLabel(l['campaigns.form.name']).fill(name);
    await page.getByLabel(l['campaigns.form.segment'], { exact: true }).selectOption(segmentId);
    await page.getByRole('radio', { name: l[`glossary.channel.${channel}`], exact: true }).check();
    // The demo has coupon campaigns: attach the first, so the preview shows the coupon block (PREVIEW-CODE).
    await page.getByLabel(l['campaigns.form.coupon']).selectOption({ index: 1 });
    if (channel === 'email') assert.match(await page.getByLabel(l['campaigns.tpl.subject']).inputValue(), lang === 'ja' ? /お誕生日おめでとうございます/ : /Happy birthday/);
    if (channel === 'line' && starter === 'birthday') assert.match(await page.getByLabel(l['campaigns.tpl.lineFlex']).inputValue(), /"type": "bubble"/);
    await shot?.();
    await page.getByRole('button', { name: l['campaigns.form.submit.draft'] }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.getByLabel(l['campaigns.preview.customer']).waitFor();
  };

  const run = (lang: Lang) =>
    inPage(suite.browser, { locale: lang === 'ja' ? 'ja-JP' : 'en-US', viewport: { width: 1360, height: 900 }, shots: `starters-${lang}` }, async (page, shot) => {
      const l = DICTIONARIES[lang];
      await signIn(page, base, l, email, PASSWORD);

      // Email: the starter for the second demo customer of the segment, at desktop then phone width.
      await createFromStarter(page, l, lang, 'email', () => shot('01-form'));
      const select = page.getByLabel(l['campaigns.preview.customer']);
      const second = await select.locator('option').nth(1).getAttribute('value');
      await select.selectOption(second!);
      const chosen = (await select.locator('option:checked').textContent())!.trim().split(' <')[0]!;
      await page.getByTestId('preview-subject').filter({ hasText: lang === 'ja' ? `${chosen} 様、お誕生日おめでとうございます` : 'Happy birthday' }).waitFor();
      await page.locator('.email-frame').getByText(/配信停止はこちら/).waitFor();
      const text = await emailText(page);
      assert.doesNotMatch(text, /\{\{|\{%|undefined|null/);
      assert.match(text, lang === 'ja' ? new RegExp(`${chosen} 様`) : /Dear /);
      assert.match(text, /配信元: 絆ストア/);
      assert.match(text, /PREVIEW-CODE/);
      const desktop = (await page.locator('.email-frame').boundingBox())!.width;
      await shot('02-email-desktop');
      await page.getByRole('button', { name: l['campaigns.width.phone'] }).click();
      const phone = (await page.locator('.email-frame').boundingBox())!.width;
      assert.ok(phone <= 375 && desktop > 500, `widths ${desktop} → ${phone}`);
      await shot('03-email-phone');
      await page.setViewportSize({ width: 390, height: 844 });
      await shot('04-email-phone-viewport');
      await page.setViewportSize({ width: 1360, height: 900 });

      await createFromStarter(page, l, lang, 'line');
      await page.getByTestId('flex-bubble').waitFor();
      await page.getByRole('figure', { name: l['campaigns.phone.line'] }).getByText(lang === 'ja' ? /様、お誕生日おめでとうございます。/ : /happy birthday from 絆ストア/).waitFor();
      await page.getByTestId('flex-bubble').getByText(/PREVIEW-CODE/).waitFor();
      await shot('05-line');

      // The newsletter's flex carousel (three article bubbles), and the welcome starter's text bubble.
      await createFromStarter(page, l, lang, 'line', undefined, 'newsletter');
      // The preview renders after the template loads: wait for the third bubble, then check there are no more.
      await page.getByTestId('flex-carousel').getByTestId('flex-bubble').nth(2).waitFor();
      assert.equal(await page.getByTestId('flex-carousel').getByTestId('flex-bubble').count(), 3);
      await page.getByTestId('flex-carousel').getByText(lang === 'ja' ? '今月の特集' : 'This month’s feature').waitFor();
      await shot('05b-line-carousel');
      await createFromStarter(page, l, lang, 'line', undefined, 'welcome');
      await page.getByTestId('line-bubble').getByText(lang === 'ja' ? /様、友だち追加ありがとうございます。/ : /thank you for adding 絆ストア as a friend/).waitFor();
      await shot('05c-line-text');

      await createFromStarter(page, l, lang, 'sms');
      const segments = await page.getByTestId('sms-segments').textContent();
      // A Japanese SMS (and an English one with a customer's Japanese name) is UCS-2.
      assert.match(segments!, /UCS-2/);
      assert.match(await page.getByTestId('sms-bubble').textContent() ?? '', lang === 'ja' ? /^【絆ストア】/ : /^絆ストア: /);
      assert.match(await page.getByTestId('sms-bubble').textContent() ?? '', /PREVIEW-CODE/);
      await shot('06-sms');

      await createFromStarter(page, l, lang, 'push');
      await page.getByTestId('push-ios').getByText(lang === 'ja' ? 'お誕生日おめでとうございます' : 'Happy birthday!').waitFor();
      await page.getByTestId('push-android').waitFor();
      await shot('07-push');
    });

  test('日本語: テンプレートを選び、デモ顧客でパソコン幅・スマホ幅とLINE・SMS・プッシュをプレビュー', () => run('ja'));
  test('English: pick a starter, preview it for a demo customer at two widths and on LINE, SMS and push', () => run('en'));
});
