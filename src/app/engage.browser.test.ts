/**
 * The segment builder, campaigns, loyalty and the customer 360's scores in a real browser (Debian's
 * Chromium via playwright-core) against the built SPA and the real server on a test database.
 * Screenshots go to test-artifacts/screenshots/engage-*.png. Without /usr/bin/chromium the suite is
 * skipped with a notice, except in CI (CI=true), where that is a failure.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type Page } from 'playwright-core';
import { GLOSSARY_EN } from '../lib/glossary.ts';
import { nextTokyoNoon } from '../modules/messaging/testKit.ts';
import { adminShop, browserSuite, describeInBrowser, failureScreenshot, recordErrors, screenshot } from './browserHarness.ts';
import type { App } from './server.ts';
import type { Services } from './services.ts';

const PASSWORD = 'engage browser passphrase';
const DAY = 86_400_000;

describeInBrowser('engage pages in Chromium', (t) => {

  const suite = browserSuite(t);
  let shop: Awaited<ReturnType<typeof seedShop>>;
  const errors: string[] = [];

  before(async () => {
    shop = await seedShop(suite.app, suite.services);
  });

  const newPage = async () => {
    errors.length = 0;
    const context = await suite.browser.newContext({ locale: 'en-US', viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    // Failed requests (the signed-out 401, a preview of an unfinished rule) are shown in the page.
    recordErrors(page, errors);
    return page;
  };
  const shot = (page: Page, name: string) => screenshot(page, `engage-${name}`);
  /** Runs a test's steps; on failure the page's last state is kept as a screenshot, with any page errors in the message. */
  const steps = async (page: Page, name: string, body: () => Promise<void>) => {
    try {
      await body();
    } catch (err) {
      await failureScreenshot(page, `engage-failed-${name}`);
      if (errors.length > 0) (err as Error).message += `\npage errors: ${errors.join('\n')}`;
      throw err;
    }
  };

  const signIn = async (page: Page) => {
    await page.goto(`${suite.base}/`);
    await page.getByLabel('Email').fill(shop.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  };
  const previewCount = (rule: unknown) =>
    suite.services.segments.preview(shop.workspaceId, rule as Parameters<Services['segments']['preview']>[1], { sampleSize: 1 }).then((p) => p.count);

  test('build a segment: live count as conditions change, JSON view, save, see it in the list with its count', async () => {
    const page = await newPage();
    await steps(page, 'segment', async () => {
      await signIn(page);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Segments', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Segments' }).waitFor();
      await page.getByRole('heading', { name: 'No segments of your own yet' }).waitFor();
      await page.getByRole('link', { name: 'New segment' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'New segment' }).waitFor();

      // Condition 1.1: prefecture is 東京都.
      const first = page.getByRole('group', { name: 'Condition 1.1' });
      await first.getByLabel('Kind', { exact: true }).selectOption('field');
      await first.getByLabel('Field', { exact: true }).selectOption('prefecture');
      await first.getByLabel('Value', { exact: true }).fill('東京都');
      const tokyo = await previewCount({ version: 1, match: { type: 'field', field: 'prefecture', op: 'eq', value: '東京都' } });
      assert.ok(tokyo > 1 && tokyo < shop.customers);
      await page.getByTestId('preview-count').getByText(String(tokyo), { exact: true }).waitFor();

      // Condition 1.2: at least 2 orders in the last 365 days (the default of an orders condition).
      await page.getByLabel('Add a condition to group 1').selectOption('orders');
      const second = page.getByRole('group', { name: 'Condition 1.2' });
      await second.getByLabel('Value', { exact: true }).fill('2');
      const rule = {
        version: 1,
        match: {
          type: 'and',
          conditions: [
            { type: 'field', field: 'prefecture', op: 'eq', value: '東京都' },
            { type: 'orders', aggregate: 'count', op: 'gte', value: 2, window: { lastDays: 365 } },
          ],
        },
      };
      const repeaters = await previewCount(rule);
      assert.ok(repeaters > 0 && repeaters < tokyo, `${repeaters} of ${tokyo}`);
      await page.getByTestId('preview-count').getByText(String(repeaters), { exact: true }).waitFor();
      assert.ok((await page.locator('.sample-list li').count()) > 0);
      await shot(page, '01-segment-builder');

      // The JSON view shows the same rule; editing it there updates the form and the count.
      await page.getByRole('button', { name: 'JSON', exact: true }).click();
      const json = page.getByLabel('Rule (JSON, docs/segments.md)');
      assert.deepEqual(JSON.parse(await json.inputValue()), rule);
      await json.fill(JSON.stringify({ ...rule, match: { ...rule.match, conditions: [rule.match.conditions[0]] } }));
      await page.getByTestId('preview-count').getByText(String(tokyo), { exact: true }).waitFor();
      await json.fill(JSON.stringify(rule));
      await page.getByTestId('preview-count').getByText(String(repeaters), { exact: true }).waitFor();
      await shot(page, '02-segment-json');
      await page.getByRole('button', { name: 'Form', exact: true }).click();
      assert.equal(await page.getByRole('group', { name: 'Condition 1.2' }).getByLabel('Value', { exact: true }).inputValue(), '2');

      // An unfinished condition says so in plain words instead of a count.
      await page.getByLabel('Add a condition to group 1').selectOption('event');
      await page.getByText('Finish the conditions marked in red to see the count.').waitFor();
      await page.getByRole('button', { name: 'Remove condition 1.3' }).click();
      await page.getByTestId('preview-count').getByText(String(repeaters), { exact: true }).waitFor();

      await page.getByLabel('Name', { exact: true }).fill('Tokyo repeat buyers');
      await page.getByRole('button', { name: 'Save and count' }).click();
      await page.getByRole('heading', { level: 1, name: 'Segments' }).waitFor();
      const row = page.getByRole('region', { name: 'Your segments' }).getByRole('row', { name: /Tokyo repeat buyers/ });
      await row.getByTestId('segment-count').getByText(String(repeaters), { exact: true }).waitFor();
      // Segments of one RFM segment or stage show how they changed over the scoring runs of the last 30 days.
      const { points } = await suite.services.intelligence.sizesOverTime(shop.workspaceId);
      const champions = (p: (typeof points)[number]) => p.segments.Champions ?? 0;
      const change = champions(points.at(-1)!) - champions(points.at(-2)!);
      const championsRow = page.getByRole('region', { name: 'Built-in segments' }).getByRole('row', { name: /^RFM: Champions/ });
      await championsRow.getByText(`${change > 0 ? '+' : change < 0 ? '−' : '±'}${Math.abs(change)}`, { exact: true }).waitFor();
      await shot(page, '03-segment-list');
      const saved = (await suite.services.segments.list(shop.workspaceId)).find((s) => s.name === 'Tokyo repeat buyers')!;
      assert.equal(saved.memberCount, repeaters);
      shop.segmentId = saved.id;
      assert.deepEqual(errors, []);
    });
  });

  test('create a campaign to the segment with a holdout, preview it, send it, read its report', async () => {
    assert.ok(shop.segmentId, 'the segment test runs first');
    const page = await newPage();
    await steps(page, 'campaign', async () => {
      await signIn(page);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns', exact: true }).click();
      await page.getByRole('heading', { name: 'No campaigns yet' }).waitFor();
      await page.getByRole('link', { name: 'New campaign' }).first().click();
      await page.getByLabel('Campaign name').fill('Autumn thanks');
      await page.getByLabel('Segment', { exact: true }).selectOption(shop.segmentId);
      await page.getByLabel('Subject').fill('{{ customer.family_name }} 様へ 秋のお礼');
      await page.getByLabel('Holdout').fill('40');
      await shot(page, '04-campaign-form');
      await page.getByRole('button', { name: 'Save as draft' }).click();
      await page.getByRole('heading', { level: 1, name: 'Autumn thanks' }).waitFor();
      await page.getByText('Nothing sent yet').waitFor();

      // Preview with a real member of the segment: their family name is in the subject.
      const subject = page.getByTestId('preview-subject');
      await subject.waitFor();
      assert.match((await subject.textContent()) ?? '', /^(佐藤|鈴木|高橋) 様へ 秋のお礼$/);
      await page.getByRole('document', { name: 'Email preview' }).getByText('いつもご利用いただき、ありがとうございます。').waitFor();

      // A proof goes to the seed list, which is empty here: the page says what to do.
      await page.getByRole('button', { name: 'Send proof to the seed list' }).click();
      await page.getByText('The seed list has no address for this channel').waitFor();

      await page.getByRole('button', { name: 'Send now' }).click();
      await page.getByRole('button', { name: 'Yes, send' }).click();
      await page.getByText(/deliveries queued/).waitFor();
      const campaign = (await suite.services.messaging.listCampaigns(shop.workspaceId))[0]!;
      assert.equal(campaign.status, 'sending');

      // The worker finds no email provider set up: the report says so, by reason.
      await suite.services.messaging.drain({ workspaceId: shop.workspaceId, now: nextTokyoNoon() });
      const report = await suite.services.messaging.report(shop.workspaceId, campaign.id);
      const failed = report.outcomes.find((o) => o.state === 'failed')!;
      assert.equal(failed.reason, 'not_configured:email');
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Autumn thanks' }).waitFor();
      const outcomes = page.getByRole('region', { name: 'Delivery outcomes' });
      await outcomes.getByRole('row', { name: /Failed.*Channel not set up: email/ }).getByText(String(failed.count), { exact: true }).waitFor();
      const heldOut = report.outcomes.find((o) => o.state === 'held_out')?.count ?? 0;
      // 40 % of 13 held out at random: none held out happens about once in a thousand runs.
      assert.ok(heldOut > 0);
      await outcomes.getByRole('row', { name: /Held out/ }).getByText(String(heldOut), { exact: true }).waitFor();
      await page.getByRole('img', { name: 'Conversion-rate lift with 95% confidence intervals' }).locator('canvas').waitFor();
      await page.getByRole('region', { name: 'Lift' }).waitFor();
      await shot(page, '05-campaign-report');

      await page.getByRole('link', { name: 'All campaigns' }).click();
      // Every delivery is settled (failed or held out), so the campaign is finished.
      assert.equal((await suite.services.messaging.getCampaign(shop.workspaceId, campaign.id)).status, 'sent');
      await page.getByRole('row', { name: /Autumn thanks/ }).getByText('Sent', { exact: true }).waitFor();
      await shot(page, '06-campaign-list');
      assert.deepEqual(errors, []);
    });
  });

  test('a customer 360 shows scores, recommendations, coupons, loyalty and messages; the loyalty page its figures; in Japanese too', async () => {
    const page = await newPage();
    await steps(page, 'customer-360', async () => {
      await signIn(page);
      await page.goto(`${suite.base}/customers/${shop.hanakoId}`);
      await page.getByRole('heading', { level: 1, name: '佐藤 花子' }).waitFor();
      // The current scores are in the header cards; their history is in the Scores card.
      const header = page.getByTestId('c360-header');
      const current = (await suite.services.intelligence.scoresFor(shop.workspaceId, shop.hanakoId))!;
      await header.getByText(GLOSSARY_EN[`glossary.stage.${current.stage}`], { exact: true }).first().waitFor();
      await header.getByText('P(alive)', { exact: true }).waitFor();
      await header.getByText(`${Math.round(current.pAlive! * 100)}%`).first().waitFor();
      await page.getByRole('region', { name: 'Scores' }).locator('.chart canvas').waitFor();

      const loyalty = page.getByRole('region', { name: 'Loyalty' });
      const account = await suite.services.loyalty.account(shop.workspaceId, shop.hanakoId);
      assert.ok(account.balance > 0);
      await loyalty.getByTestId('loyalty-balance').getByText(`${account.balance.toLocaleString('en-US')} pt`).waitFor();
      await loyalty.getByText(account.referralCode).waitFor();
      // The points history lists the ledger entries of her orders.
      await loyalty.locator('tbody tr').first().waitFor();
      await page.getByRole('region', { name: 'Coupons' }).getByText(shop.couponCode).waitFor();
      await page.getByRole('region', { name: 'Messages' }).waitFor();
      await shot(page, '07-customer-360');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Loyalty', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Loyalty programme' }).waitFor();
      const report = await suite.services.loyalty.report(shop.workspaceId);
      await page.getByRole('region', { name: 'Programme figures' }).getByText(`¥${report.liabilityMinor.toLocaleString('en-US')}`).first().waitFor();
      await shot(page, '08-loyalty');

      await page.getByLabel('Language').selectOption('ja');
      await page.getByRole('heading', { level: 1, name: 'ロイヤルティプログラム' }).waitFor();
      await page.getByRole('navigation', { name: 'メイン' }).getByRole('link', { name: 'セグメント' }).waitFor();
      await page.goto(`${suite.base}/customers/${shop.hanakoId}`);
      await page.getByTestId('c360-header').getByText('生存確率 P(alive)').waitFor();
      await page.getByRole('region', { name: 'ロイヤルティ' }).getByText('ポイント残高').waitFor();
      await shot(page, '09-customer-360-ja');
      await page.goto(`${suite.base}/segments/new`);
      await page.getByRole('heading', { level: 1, name: '新しいセグメント' }).waitFor();
      await page.getByTestId('preview-count').waitFor();
      await page.getByRole('button', { name: '保存して集計' }).waitFor();
      await shot(page, '10-segment-builder-ja');
      assert.deepEqual(errors, []);
    });
  });

  test('loyalty: members by tier, a reward with stock, a surprise rule run, earning settings saved', async () => {
    const page = await newPage();
    await steps(page, 'loyalty', async () => {
      await signIn(page);
      await page.goto(`${suite.base}/loyalty?tab=members`);
      const silver = (await suite.services.loyalty.report(shop.workspaceId)).membersByTier.find((m) => m.tier === 'Silver')!;
      await page.getByLabel('Tier', { exact: true }).selectOption('Silver');
      await page.waitForURL(/tier=Silver/);
      // The unfiltered page also has Silver rows: wait until no row of another tier is left before counting.
      await page.getByRole('table').getByRole('cell', { name: 'Silver', exact: true }).first().waitFor();
      await page.locator('tbody tr').filter({ hasNot: page.getByRole('cell', { name: 'Silver', exact: true }) }).first().waitFor({ state: 'detached' });
      assert.equal(await page.locator('tbody tr').count(), Math.min(silver.members, 50));
      await shot(page, '11-loyalty-members');

      await page.getByRole('link', { name: 'Rewards', exact: true }).click();
      await page.getByRole('heading', { name: 'The rewards catalog is empty' }).or(page.getByText('The rewards catalog is empty')).first().waitFor();
      await page.getByRole('button', { name: 'Add a reward' }).click();
      await page.getByLabel('Reward', { exact: true }).fill('手ぬぐい');
      await page.getByLabel('Kind', { exact: true }).selectOption('gift');
      await page.getByLabel('Cost (points)').fill('300');
      await page.getByLabel('Stock', { exact: true }).fill('5');
      await page.getByRole('button', { name: 'Add reward' }).click();
      const row = page.getByRole('row', { name: /手ぬぐい/ });
      await row.waitFor();
      await row.getByLabel('Stock of 手ぬぐい').fill('4');
      await row.getByRole('button', { name: 'Save' }).click();
      await row.getByRole('button', { name: 'Save' }).waitFor({ state: 'detached' });
      const [reward] = (await suite.services.loyalty.listRewards(shop.workspaceId)).filter((r) => r.name === '手ぬぐい');
      assert.equal(reward!.stock, 4);
      await shot(page, '12-loyalty-rewards');

      await page.getByRole('link', { name: 'Surprise and delight', exact: true }).click();
      await page.getByLabel('Rule', { exact: true }).fill('Tokyo thanks');
      await page.getByLabel('Segment', { exact: true }).selectOption(shop.segmentId);
      await page.getByRole('button', { name: 'Add rule' }).click();
      await page.getByRole('row', { name: /Tokyo thanks/ }).waitFor();
      await page.getByRole('button', { name: 'Run the rules now' }).click();
      // Four in stock for thirteen members: the rule stops when the gift runs out.
      await page.getByText(/^4 rewards granted/).waitFor();
      await shot(page, '13-loyalty-surprises');

      await page.getByRole('link', { name: 'Settings', exact: true }).click();
      await page.getByLabel('Points earned', { exact: true }).fill('2');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Saved. New earning rules apply to orders from now on.').waitFor();
      const settings = await suite.services.loyalty.settings(shop.workspaceId);
      assert.deepEqual([settings.earn.points, settings.tiers.map((x) => x.name)], [2, ['Silver', 'Gold']]);
      await shot(page, '14-loyalty-settings');
      assert.deepEqual(errors, []);
    });
  });
});

/**
 * A shop of 80 customers in three prefectures with orders over the last year (some repeat buyers),
 * scored, with a loyalty programme synced, a coupon issued to one customer, and messaging set up
 * without an email provider.
 */
async function seedShop(app: App, services: Services) {
  const { ws, email, post } = await adminShop(app, services, 'Engage test shop', PASSWORD);
  const families = ['佐藤', '鈴木', '高橋'];
  const prefectures = ['東京都', '東京都', '大阪府', '北海道'];
  const customers = Array.from({ length: 80 }, (_, i) => ({
    externalId: i === 0 ? 'C-HANAKO' : `C-${String(i).padStart(3, '0')}`,
    email: `c${i}@example.jp`,
    familyName: families[i % 3],
    givenName: i === 0 ? '花子' : `太郎${i}`,
    prefecture: prefectures[i % 4],
    timeZone: 'Asia/Tokyo',
    createdAt: '2024-01-05T01:00:00Z',
    consents: [{ channel: 'email', status: 'opted_in', source: 'signup_form', recordedAt: '2024-01-05T01:00:00Z' }],
  }));
  await post('/v1/customers', { customers });
  const now = Date.now();
  const orders = customers.flatMap((c, i) =>
    // Every customer buys once; every third buys again (enough repeat buyers to fit the models), the first customer four times.
    Array.from({ length: i === 0 ? 4 : i % 3 === 0 ? 2 + (i % 2) : 1 }, (_, k) => ({
      externalId: `O-${i}-${k}`,
      customerExternalId: c.externalId,
      currency: 'JPY',
      orderedAt: new Date(now - (300 - k * 60 - (i % 20)) * DAY).toISOString(),
      lines: [{ sku: `TEA-0${(i + k) % 4}`, name: '煎茶', quantity: 1 + (k % 2), unitPriceMinor: 2400 + 200 * (i % 5) }],
    })),
  );
  await post('/v1/orders', { orders });
  const hanakoId = (await services.customers.find(ws, 'C-HANAKO')).id;

  await services.intelligence.score(ws, { asOf: new Date(now - 30 * DAY), mode: 'full' });
  await services.intelligence.score(ws, { asOf: new Date(now - 20 * DAY), mode: 'full' });
  await services.intelligence.score(ws, { mode: 'full' });
  await services.loyalty.updateSettings(ws, {
    pendingDays: 0,
    tiers: [
      { name: 'Silver', threshold: 5000 },
      { name: 'Gold', threshold: 15000, earnMultiplier: 1.5, earlyAccess: true },
    ],
    referral: { refereeReward: { points: 200 }, referrerReward: { points: 500 } },
  });
  await services.loyalty.process(ws);

  const coupon = await post('/v1/coupon-campaigns', { name: '秋の感謝クーポン', kind: 'amount', value: 500 });
  const issued = await post(`/v1/coupon-campaigns/${coupon.id}/codes`, { customers: ['C-HANAKO'] });
  await services.messaging.putSettings(ws, {
    sender: { name: '絆ストア', email: 'news@kizuna-shop.example.jp', postalAddress: '東京都千代田区丸の内1-1-1', postalCode: '1000005', contactEmail: 'support@kizuna-shop.example.jp' },
    publicBaseUrl: 'https://kizuna.example.jp',
  });
  return { workspaceId: ws, email, hanakoId, customers: customers.length, couponCode: issued.codes[0].code as string, segmentId: '' };
}
