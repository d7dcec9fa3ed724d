/**
 * UGC in a real browser (Debian's Chromium through playwright-core): the public entry page on a
 * phone-sized screen in Japanese and English, a photo entry through a personal link, an anonymous
 * SNS-post entry by email, then a signed-in marketer approving the photo in the moderation queue.
 * Screenshots go to test-artifacts/screenshots/ugc-*.png. Without /usr/bin/chromium the suite is
 * skipped with a notice, except in CI (CI=true), where that is a failure.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type Page } from 'playwright-core';
import { customerInput } from '../modules/customers/types.ts';
import { campaignBody, PNG } from '../modules/ugc/testKit.ts';
import { browserSuite, describeInBrowser, recordErrors, screenshot } from './browserHarness.ts';

const PASSWORD = 'browser test passphrase';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

describeInBrowser('UGC in Chromium', (t) => {

  const suite = browserSuite(t);
  const errors: string[] = [];
  let shop = { workspaceId: '', email: '', campaignId: '', link: '' };

  before(async () => {
    const { workspace } = await suite.services.workspaces.create({ name: 'UGC browser shop' });
    const email = `admin-${Math.random().toString(36).slice(2)}@example.jp`;
    await suite.services.users.create(workspace.id, { email, name: 'Admin', role: 'admin', password: PASSWORD });
    await suite.services.customers.upsertMany(workspace.id, [customerInput.parse({ externalId: 'C-HANAKO', email: 'hanako@example.jp', familyName: '佐藤', givenName: '花子' })]);
    const campaign = await suite.services.ugc.createCampaign(workspace.id, campaignBody());
    const link = await suite.services.ugc.entryLink(workspace.id, campaign.id, 'C-HANAKO', 30);
    shop = { workspaceId: workspace.id, email, campaignId: campaign.id, link: `${suite.base}${link.path}` };
  });

  const newPage = async (locale: string, device: object = PHONE) => {
    const context = await suite.browser.newContext({ locale, ...device });
    const page = await context.newPage();
    // The entry page answers a refused entry with its 4xx status, and a signed-out app's first GET /v1/session is a 401.
    recordErrors(page, errors);
    return page;
  };
  const shot = screenshot;
  const fitsScreen = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

  test('a phone in Japanese: a personal link, a refused entry, then a photo entry', async () => {
    const page = await newPage('ja-JP');
    await page.goto(shop.link);
    await page.getByRole('heading', { level: 1, name: '夏の思い出フォトコンテスト' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
    await page.getByText('h***@example.jp として応募します。').waitFor();
    await page.getByText('#夏の思い出').first().waitFor();
    assert.ok(await fitsScreen(page), 'no sideways scrolling on a phone');
    await shot(page, 'ugc-01-entry-ja-phone');

    await page.getByLabel('写真').setInputFiles({ name: 'summer.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: '応募する' }).click();
    await page.getByRole('alert').getByText('コンテンツの利用に同意いただける場合はチェックを入れてください。').waitFor();
    await shot(page, 'ugc-02-entry-ja-consent-missing');

    await page.getByLabel('写真').setInputFiles({ name: 'summer.png', mimeType: 'image/png', buffer: PNG });
    await page.getByLabel('上記の内容に同意します').check();
    await page.getByRole('button', { name: '応募する' }).click();
    await page.getByRole('heading', { name: 'ご応募ありがとうございます' }).waitFor();
    await shot(page, 'ugc-03-entry-ja-done');
    assert.deepEqual(errors, []);
  });

  test('a phone in English: the public page, an SNS post entry by email', async () => {
    const page = await newPage('en-US');
    await page.goto(`${suite.base}/enter/${shop.campaignId}`);
    await page.getByRole('heading', { level: 1, name: 'Summer memories photo contest' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await page.getByRole('link', { name: '日本語' }).waitFor();
    assert.ok(await fitsScreen(page));
    await page.getByLabel('Email address').fill('fan@example.com');
    await page.getByLabel('Link to your post').fill('https://www.instagram.com/p/C0summer/');
    await page.getByLabel('I agree to the above').check();
    await shot(page, 'ugc-04-entry-en-phone');
    await page.getByRole('button', { name: 'Enter' }).click();
    await page.getByRole('heading', { name: 'Thank you for your entry' }).waitFor();
    await shot(page, 'ugc-05-entry-en-done');
    assert.deepEqual(errors, []);
  });

  test('a marketer approves the photo in the moderation queue; the points are granted once', async () => {
    const page = await newPage('en-US', { viewport: { width: 1360, height: 900 } });
    await page.goto(`${suite.base}/`);
    await page.getByLabel('Email').fill(shop.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'UGC campaigns' }).click();
    await page.getByRole('heading', { level: 1, name: 'UGC campaigns' }).waitFor();
    await page.getByRole('link', { name: 'Summer photo contest' }).click();
    await page.getByRole('heading', { level: 1, name: 'Summer photo contest' }).waitFor();

    const photoCard = page.getByRole('article', { name: '佐藤 花子' });
    const image = photoCard.getByRole('img', { name: 'Photo entered by 佐藤 花子' });
    await image.waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('img.ugc-photo')].every((i) => i.complete && i.naturalWidth > 0));
    await page.getByRole('article', { name: 'fan@example.com' }).getByRole('link', { name: 'Open the post on instagram' }).waitFor();
    await shot(page, 'ugc-06-moderation-queue');

    await photoCard.getByRole('button', { name: 'Approve' }).click();
    await photoCard.getByText('Reward granted').waitFor();
    await page.getByLabel('Select fan@example.com').check();
    await page.getByText('1 selected').waitFor();
    await page.getByPlaceholder('Reason for rejecting').fill('The post does not show the hashtag');
    await page.getByRole('button', { name: 'Reject selected' }).click();
    await page.getByRole('article', { name: 'fan@example.com' }).getByText('Rejected: The post does not show the hashtag').waitFor();
    await shot(page, 'ugc-07-approved');
    const hanako = await suite.services.customers.find(shop.workspaceId, 'C-HANAKO');
    const account = await suite.services.loyalty.account(shop.workspaceId, hanako.id);
    assert.equal(account.balance + account.pending, 100);

    await page.getByRole('link', { name: 'Winners' }).click();
    await page.getByLabel('Seed (optional)').fill('browser');
    await page.getByRole('button', { name: 'Draw winners' }).click();
    await page.getByText('1 drawn with seed “browser”.').waitFor();
    await page.getByRole('cell', { name: '佐藤 花子' }).waitFor();
    await shot(page, 'ugc-08-winners');

    // The customer 360 lists the customer's entries.
    await page.getByRole('link', { name: '佐藤 花子' }).click();
    const panel = page.getByRole('region', { name: 'UGC entries' });
    await panel.getByText('Reward granted').waitFor();
    await panel.getByText('Winner').waitFor();
    await panel.getByRole('link', { name: 'Summer photo contest' }).waitFor();
    await screenshot(panel, 'ugc-08b-customer-360-panel', false);
    assert.deepEqual(errors, []);
  });

  test('a marketer creates a campaign in Japanese, then closes it in its settings', async () => {
    const page = await newPage('ja-JP', { viewport: { width: 1360, height: 900 } });
    await page.goto(`${suite.base}/`);
    await page.getByLabel('メールアドレス').fill(shop.email);
    await page.getByLabel('パスワード').fill(PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByRole('navigation', { name: 'メイン' }).getByRole('link', { name: 'UGCキャンペーン' }).click();
    await page.getByRole('link', { name: 'キャンペーンを作成' }).click();
    await page.getByLabel('管理用の名前').fill('秋のレビュー投稿');
    await page.getByLabel('ステータス').selectOption('active');
    await page.getByLabel('タイトル').fill('秋のレビューキャンペーン');
    await page.getByLabel('同意文（応募者が同意する内容）').fill('投稿内容を当社の販促に利用することに同意します。');
    await page.getByLabel('ハッシュタグ').fill('#秋レビュー');
    await page.getByLabel('ポイント', { exact: true }).fill('300');
    await shot(page, 'ugc-09-new-campaign-ja');
    await page.getByRole('button', { name: 'キャンペーンを作成' }).click();
    await page.getByRole('heading', { level: 1, name: '秋のレビュー投稿' }).waitFor();
    await page.getByText('審査待ちの応募はありません').waitFor();
    const created = (await suite.services.ugc.listCampaigns(shop.workspaceId)).find((c) => c.name === '秋のレビュー投稿')!;
    assert.deepEqual([created.status, created.hashtag, created.reward], ['active', '秋レビュー', { kind: 'points', points: 300 }]);

    await page.getByRole('link', { name: '設定' }).click();
    await page.getByLabel('ステータス').selectOption('closed');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('保存しました。').waitFor();
    assert.equal((await suite.services.ugc.getCampaign(shop.workspaceId, created.id)).status, 'closed');
    await shot(page, 'ugc-10-settings-ja');
    assert.deepEqual(errors, []);
  });
});
