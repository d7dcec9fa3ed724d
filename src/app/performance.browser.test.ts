/**
 * The performance pages as a marketer reads them, in Japanese and in English: the demo's sale
 * campaign and its post-purchase journey (delivered, opens with machine opens apart, clicks, last
 * touch beside incremental revenue with its interval) and the Overview's revenue from campaigns
 * and journeys. Screenshots in test-artifacts/screenshots/performance-{ja,en}-*.png.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { en as campaignsEn, ja as campaignsJa } from '../../web/src/areas/campaigns/messages.ts';
import { en as insightsEn, ja as insightsJa } from '../../web/src/areas/insights/messages.ts';
import { en as coreEn } from '../../web/src/i18n/en.ts';
import { ja as coreJa } from '../../web/src/i18n/ja.ts';
import { ensureDemoWorkspace } from '../modules/demo/demo.ts';
import { DEMO_CAMPAIGN_NAME } from '../modules/demo/messageHistory.ts';
import { browserSuite, describeInBrowser, inPage, signIn } from './browserHarness.ts';
import type { Services } from './services.ts';

const PASSWORD = 'performance browser passphrase';
const DICTIONARIES = { ja: { ...coreJa, ...campaignsJa, ...insightsJa }, en: { ...coreEn, ...campaignsEn, ...insightsEn } };
type Lang = keyof typeof DICTIONARIES;

describeInBrowser('performance pages in Chromium: a demo campaign, a demo journey, the Overview card (ja and en)', (t) => {
  const suite = browserSuite(t);
  let services: Services;
  let base = '';
  let campaignId = '';
  let journeyId = '';
  const email = `analyst-${Math.random().toString(36).slice(2)}@example.jp`;

  before(async () => {
    ({ services, base } = suite);
    await ensureDemoWorkspace(services, { customers: 600 });
    const ws = (await services.workspaces.list()).find((w) => w.name === 'Demo')!.id;
    campaignId = (await services.messaging.listCampaigns(ws)).find((c) => c.name === DEMO_CAMPAIGN_NAME)!.id;
    journeyId = (await services.journeys.list(ws)).find((j) => j.templateKey === 'post-purchase-recommendations')!.id;
    await services.users.create(ws, { email, name: 'Analyst', role: 'analyst', password: PASSWORD });
  });

  const digits = async (page: Page, testId: string) => Number((await page.getByTestId(testId).first().innerText()).replace(/[^0-9-]/g, '').replace(/^-$/, ''));

  for (const lang of ['ja', 'en'] as const) {
    test(`${lang}: the campaign's and the journey's performance, and the Overview's revenue from messages`, () =>
      inPage(suite.browser, { locale: lang === 'ja' ? 'ja-JP' : 'en-US', viewport: { width: 1360, height: 900 }, shots: `performance-${lang}` }, async (page, shot) => {
        const l = DICTIONARIES[lang as Lang];
        await signIn(page, base, l, email, PASSWORD);

        await page.goto(`${base}/campaigns/${campaignId}`);
        const panel = page.getByTestId('performance');
        await panel.getByRole('heading', { name: l['campaigns.perf.title'] }).waitFor();
        await panel.getByText(l['campaigns.perf.machineOpens']).waitFor();
        await panel.getByTestId('perf-last-touch-revenue').waitFor();
        assert.ok((await digits(page, 'perf-human-opens')) > 0, 'opens by people');
        assert.ok((await digits(page, 'perf-last-touch-revenue')) > 0, 'last-touch revenue');
        assert.match(await panel.getByTestId('perf-incremental-revenue').innerText(), lang === 'ja' ? /％\]|%］/ : /%\]/);
        await shot('campaign');

        // At 1400 px the lift table fits its card: no column (RELATIVE LIFT last) is cut off behind a scroll.
        await page.setViewportSize({ width: 1400, height: 900 });
        const liftTable = page.locator('.lift-table');
        await liftTable.scrollIntoViewIfNeeded();
        const fit = await liftTable.evaluate((table) => ({ table: table.scrollWidth, wrap: table.parentElement!.clientWidth }));
        assert.ok(fit.table <= fit.wrap, `lift table ${fit.table}px in ${fit.wrap}px`);
        const lastHeader = await liftTable.locator('thead th').last().boundingBox();
        const wrapBox = await liftTable.locator('..').boundingBox();
        assert.ok(lastHeader && wrapBox && lastHeader.x + lastHeader.width <= wrapBox.x + wrapBox.width + 1, 'the relative lift column is visible');
        await shot('lift-1400');
        await page.setViewportSize({ width: 1360, height: 900 });

        await page.goto(`${base}/journeys/${journeyId}`);
        const journeyPanel = page.getByTestId('performance');
        await journeyPanel.getByTestId('perf-human-opens').waitFor();
        assert.ok((await digits(page, 'perf-human-opens')) > 0, 'journey opens by people');
        await journeyPanel.getByText(l['campaigns.perf.vsHoldout'].split('{')[0]!.trim()).waitFor();
        await journeyPanel.scrollIntoViewIfNeeded();
        await shot('journey');

        await page.goto(`${base}/overview`);
        const card = page.getByTestId('message-revenue');
        await card.getByRole('heading', { name: l['insights.messageRevenue.title'] }).waitFor();
        await card.getByTestId('message-revenue-attributed').waitFor();
        assert.ok((await digits(page, 'message-revenue-attributed')) > 0, 'attributed revenue on the Overview');
        await card.scrollIntoViewIfNeeded();
        await shot('overview');
      }),
    );
  }
});
