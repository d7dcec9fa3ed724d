/**
 * One glossary on every screen, in Japanese and in English: the RFM grid, the segment builder,
 * Customer 360, the segment list, the campaign picker and the NPS breakdown give each RFM segment
 * id the same label (src/lib/glossary.ts), and Customer 360 opens with its header cards, above the
 * timeline and within the first viewport. Real Chromium (playwright-core) against the built SPA;
 * screenshots in test-artifacts/screenshots/glossary-{ja,en}-*.png.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { AREA_EN, AREA_JA } from '../../web/src/areas/messages.ts';
import { en as coreEn } from '../../web/src/i18n/en.ts';
import { ja as coreJa } from '../../web/src/i18n/ja.ts';
import { GLOSSARY_EN, GLOSSARY_JA, RFM_SEGMENTS, type RfmSegment } from '../lib/glossary.ts';
import { adminShop, browserSuite, describeInBrowser, inPage, signIn } from './browserHarness.ts';
import type { App } from './server.ts';
import type { Services } from './services.ts';

const PASSWORD = 'glossary browser passphrase';
const DAY = 86_400_000;
const VIEWPORT = { width: 1360, height: 900 };
const DICTIONARIES = {
  ja: { ...coreJa, ...AREA_JA, ...GLOSSARY_JA } as Record<string, string>,
  en: { ...coreEn, ...AREA_EN, ...GLOSSARY_EN } as Record<string, string>,
};
type Lang = keyof typeof DICTIONARIES;

describeInBrowser('one glossary across the screens; Customer 360 opens with its header cards (ja and en)', (t) => {
  const suite = browserSuite(t);
  let shop: Awaited<ReturnType<typeof seedShop>>;

  before(async () => {
    shop = await seedShop(suite.app, suite.services, suite.base);
  });

  const run = (lang: Lang, body: (page: Page, l: Record<string, string>, shot: (name: string, full?: boolean) => Promise<unknown>) => Promise<void>) =>
    inPage(suite.browser, { locale: lang === 'ja' ? 'ja-JP' : 'en-US', viewport: VIEWPORT, shots: `glossary-${lang}` }, async (page, shot) => {
      await signIn(page, suite.base, DICTIONARIES[lang], shop.email, PASSWORD);
      await body(page, DICTIONARIES[lang], shot);
    });

  const apiGet = async (page: Page, url: string) => {
    const res = await page.request.get(`${suite.base}${url}`);
    assert.equal(res.status(), 200, url);
    return res.json();
  };

  for (const lang of ['ja', 'en'] as const) {
    test(`${lang}: the same RFM segment has the same label on every screen; the 360 header cards come first`, async () => {
      await run(lang, async (page, l, shot) => {
        const label = (id: string) => l[`glossary.rfm.${id}`]!;
        const builtinName = (id: string) => l['glossary.rfmBuiltinSegment']!.replace('{segment}', label(id));
        const allLabels = RFM_SEGMENTS.map(label);
        assert.equal(new Set(allLabels).size, RFM_SEGMENTS.length, 'a label per id');

        // The RFM grid: each scored cell under its segment's label.
        await page.goto(`${suite.base}/customers`);
        const grid = page.locator('table.rfm-grid');
        await grid.locator('.rfm-segment').first().waitFor();
        const cells: { segment: RfmSegment }[] = (await apiGet(page, '/v1/segments/rfm')).cells;
        assert.ok(cells.length > 1);
        assert.deepEqual((await grid.locator('.rfm-segment').allTextContents()).sort(), cells.map((c) => label(c.segment)).sort());
        await shot('01-rfm-grid');

        // The segment builder offers every RFM segment under the same labels, in the glossary's order.
        await page.goto(`${suite.base}/segments/new`);
        const condition = page.getByRole('group', { name: l['segments.builder.condition']!.replace('{n}', '1.1') });
        await condition.getByLabel(l['segments.builder.kind']!, { exact: true }).selectOption('score');
        await condition.getByLabel(l['segments.builder.field']!, { exact: true }).selectOption('rfmSegment');
        const values = condition.getByLabel(l['segments.builder.value']!, { exact: true });
        assert.deepEqual(await values.locator('option').allTextContents(), allLabels);
        await shot('02-segment-builder');

        // The segment list: the built-in RFM segments under "RFM: <label>".
        await page.goto(`${suite.base}/segments`);
        const builtIn = page.getByRole('region', { name: l['segments.builtIn'] });
        for (const id of RFM_SEGMENTS) await builtIn.getByRole('row', { name: new RegExp(`^${escape(builtinName(id))}`) }).waitFor();
        assert.equal(await builtIn.getByText(/^RFM: [A-Z]/).count(), lang === 'ja' ? 0 : RFM_SEGMENTS.length, 'no English id left in Japanese');
        await shot('03-segment-list');

        // The campaign picker names them the same way.
        await page.goto(`${suite.base}/campaigns/new`);
        const picker = page.getByLabel(l['campaigns.form.segment']!, { exact: true });
        await picker.waitFor();
        const offered = await picker.locator('option').allTextContents();
        // Each option is the name with the member count: "RFM: 優良顧客 (5)".
        for (const id of RFM_SEGMENTS) assert.ok(offered.some((o) => o.startsWith(`${builtinName(id)} (`)), `${builtinName(id)} in ${offered.join(', ')}`);

        // The NPS breakdown by segment: every RFM group under the same name.
        await page.goto(`${suite.base}/feedback?tab=nps`);
        const groups: { key: string }[] = (await apiGet(page, '/v1/feedback/nps/by/segment')).data;
        const rfmGroups = RFM_SEGMENTS.filter((id) => groups.some((g) => g.key === `RFM: ${id}`));
        assert.ok(rfmGroups.length > 0, 'respondents sit in RFM segments');
        const byTable = page.getByRole('region', { name: l['feedback.tab.nps'] }).locator('table');
        await byTable.locator('tbody tr').first().waitFor();
        const shown = await byTable.locator('tbody tr td:first-child').allTextContents();
        for (const id of rfmGroups) assert.ok(shown.includes(builtinName(id)), `${builtinName(id)} in ${shown.join(', ')}`);
        await shot('04-nps-breakdown');

        // Customer 360: the header cards first, within the first viewport, above the timeline.
        await page.goto(`${suite.base}/customers/${shop.hanakoId}`);
        const header = page.getByTestId('c360-header');
        const scores = (await suite.services.intelligence.scoresFor(shop.workspaceId, shop.hanakoId))!;
        const rfmCard = header.locator('[data-card="rfm"]');
        await rfmCard.getByText(label(scores.rfmSegment!), { exact: true }).waitFor();
        await header.locator('[data-card="stage"]').getByText(l[`glossary.stage.${scores.stage}`]!, { exact: true }).waitFor();
        await header.locator('[data-card="pAlive"]').getByText(`${Math.round(scores.pAlive! * 100)}%`, { exact: true }).waitFor();
        await header.locator('[data-card="pAlive"] .stat-note').waitFor();
        const account = await suite.services.loyalty.account(shop.workspaceId, shop.hanakoId);
        await header.locator('[data-card="loyalty"]').getByText(account.tier!, { exact: true }).waitFor();
        await header.locator('[data-card="consent"]').getByText(`${l['glossary.channel.email']}: ${l['consent.status.opted_in']}`).waitFor();
        await header.locator('[data-card="consent"]').getByText(`${l['glossary.channel.line']}: ${l['c360.consentCard.unknown']}`).waitFor();
        const timeline = page.getByTestId('c360-timeline');
        await timeline.waitFor();
        const headerBox = (await header.boundingBox())!;
        const timelineBox = (await timeline.boundingBox())!;
        assert.ok(headerBox.y < timelineBox.y, `header cards (top ${headerBox.y}) above the timeline (top ${timelineBox.y})`);
        assert.ok(headerBox.y + headerBox.height <= VIEWPORT.height, `header cards end at ${headerBox.y + headerBox.height}, within the first ${VIEWPORT.height} px`);
        for (const card of ['stage', 'pAlive', 'clv', 'next', 'churn', 'rfm', 'loyalty', 'consent']) assert.ok(await header.locator(`[data-card="${card}"]`).isVisible(), card);

        // Segment entries are collapsed, and named as the segment list names them.
        const system = page.getByTestId('c360-system-events');
        assert.equal(await system.getAttribute('open'), null, 'collapsed');
        await system.locator('summary').click();
        const entered = l['c360.timeline.segmentEntered']!.replace('{name}', builtinName(scores.rfmSegment!));
        await system.getByText(entered).first().waitFor();
        assert.equal(await system.getByText(/[0-9a-f]{8}-[0-9a-f]{4}-/).count(), 0, 'no segment ids');
        await system.locator('summary').click();
        await shot('05-customer-360-first-viewport', false);
        await shot('06-customer-360');
      });
    });
  }
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A shop with scored customers over three runs, loyalty tiers, refreshed segments and NPS answers. */
async function seedShop(app: App, services: Services, base: string) {
  const { ws, email, post } = await adminShop(app, services, 'Glossary test shop', PASSWORD);
  const customers = Array.from({ length: 60 }, (_, i) => ({
    externalId: i === 0 ? 'C-HANAKO' : `C-${String(i).padStart(3, '0')}`,
    email: `c${i}@example.jp`,
    familyName: ['佐藤', '鈴木', '高橋'][i % 3],
    givenName: i === 0 ? '花子' : `太郎${i}`,
    timeZone: 'Asia/Tokyo',
    createdAt: '2024-01-05T01:00:00Z',
    attributes: { acquisitionChannel: 'instagram', favouriteTea: 'sencha' },
    consents: [{ channel: 'email', status: 'opted_in', source: 'signup_form', recordedAt: '2024-01-05T01:00:00Z' }],
  }));
  await post('/v1/customers', { customers });
  const now = Date.now();
  // Recency and frequency spread over the customers, so the grid has several segments.
  const orders = customers.flatMap((c, i) =>
    Array.from({ length: i === 0 ? 5 : 1 + (i % 4) }, (_, k) => ({
      externalId: `O-${i}-${k}`,
      customerExternalId: c.externalId,
      currency: 'JPY',
      orderedAt: new Date(now - (20 + (i % 10) * 35 + k * 40) * DAY).toISOString(),
      lines: [{ sku: `TEA-0${(i + k) % 4}`, name: '煎茶', quantity: 1, unitPriceMinor: 1800 + 700 * (i % 6) }],
    })),
  );
  await post('/v1/orders', { orders });
  const hanakoId = (await services.customers.find(ws, 'C-HANAKO')).id;
  await services.intelligence.score(ws, { asOf: new Date(now - 20 * DAY), mode: 'full' });
  await services.intelligence.score(ws, { asOf: new Date(now - 10 * DAY), mode: 'full' });
  await services.intelligence.score(ws, { mode: 'full' });
  await services.loyalty.updateSettings(ws, { pendingDays: 0, tiers: [{ name: 'Silver', threshold: 3000 }, { name: 'Gold', threshold: 15000 }] });
  await services.loyalty.process(ws);
  await services.segments.list(ws);
  await services.segments.refreshAll(ws);

  await services.surveys.updateSettings(ws, { publicBaseUrl: base });
  await services.surveys.create(ws, { slug: 'nps', kind: 'nps', title: { ja: 'ご利用についてのアンケート', en: 'How are we doing?' } });
  const links = await services.surveys.mintLinks(ws, 'nps', customers.map((c) => c.externalId));
  for (const [i, link] of links.entries()) await services.surveys.answerLink(link.url.slice(link.url.lastIndexOf('/') + 1), { score: i % 11 }, 'ja');
  return { workspaceId: ws, email, hanakoId };
}
