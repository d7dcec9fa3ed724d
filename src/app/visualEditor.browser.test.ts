/**
 * The visual email editor in a real browser, in Japanese and in English: a campaign built from
 * blocks clicked in the block panel (GrapesJS with its MJML preset), an image uploaded to Kizuna
 * through the editor's image picker, the live preview for a demo customer at desktop and phone
 * widths, then saved; the saved template is MJML + Liquid that the server renders. Screenshots in
 * test-artifacts/screenshots/visual-editor-{ja,en}-*.png.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { en as campaignsEn, ja as campaignsJa } from '../../web/src/areas/campaigns/messages.ts';
import { en as coreEn } from '../../web/src/i18n/en.ts';
import { ja as coreJa } from '../../web/src/i18n/ja.ts';
import { ensureDemoWorkspace } from '../modules/demo/demo.ts';
import { PNG } from '../modules/ugc/testKit.ts';
import { browserSuite, describeInBrowser, inPage, signIn } from './browserHarness.ts';
import type { Services } from './services.ts';

const PASSWORD = 'visual editor passphrase';
const DICTIONARIES = { ja: { ...coreJa, ...campaignsJa }, en: { ...coreEn, ...campaignsEn } };
type Lang = keyof typeof DICTIONARIES;

describeInBrowser('the visual email editor in Chromium (ja and en)', (t) => {
  const suite = browserSuite(t);
  let services: Services;
  let base = '';
  let workspaceId = '';
  const email = `editor-${Math.random().toString(36).slice(2)}@example.jp`;
  let segmentId = '';

  before(async () => {
    ({ services, base } = suite);
    await ensureDemoWorkspace(services, { customers: 120 });
    workspaceId = (await services.workspaces.list()).find((w) => w.name === 'Demo')!.id;
    await services.users.create(workspaceId, { email, name: 'Marketer', role: 'admin', password: PASSWORD });
    segmentId = (await services.segments.create(workspaceId, { name: '東京都のお客様', rule: { version: 1, match: { type: 'field', field: 'prefecture', op: 'eq', value: '東京都' } } })).id;
    await services.segments.refresh(workspaceId, segmentId);
  });

  const run = (lang: Lang) =>
    inPage(suite.browser, { locale: lang === 'ja' ? 'ja-JP' : 'en-US', viewport: { width: 1400, height: 1000 }, shots: `visual-editor-${lang}`, consoleErrors: true }, async (page, shot) => {
      await signIn(page, base, DICTIONARIES[lang], email, PASSWORD);
      await build(page, lang, shot);
    });

  const build = async (page: Page, lang: Lang, shot: (name: string) => Promise<unknown>) => {
    const l = DICTIONARIES[lang];
    const name = lang === 'ja' ? 'ビジュアルエディターの配信' : 'Built in the visual editor';
    await page.goto(`${base}/campaigns/new`);
    await page.getByLabel(l['campaigns.form.name']).fill(name);
    await page.getByLabel(l['campaigns.form.segment'], { exact: true }).selectOption(segmentId);
    // From the library's Japanese points-expiry starter: it opens in the visual editor, its Liquid kept.
    await page.getByLabel(l['campaigns.starter.label']).selectOption('points_expiry');
    await page.getByRole('radio', { name: l['campaigns.starter.lang.ja'] }).check();
    await page.getByRole('button', { name: l['campaigns.starter.use'] }).click();
    await page.getByLabel(l['campaigns.tpl.subject']).fill(lang === 'ja' ? '{{ customer.family_name }} 様へのお知らせ' : 'News for {{ customer.family_name }}');

    // The editor opens by default (lazy-loaded), its block panel labelled in the UI's language.
    const blocks = page.getByRole('complementary', { name: l['campaigns.visual.blocks'] });
    const block = (id: 'points' | 'coupon' | 'recommendations' | 'survey' | 'image' | 'footer') => blocks.locator(`.gjs-block[data-block=${id}]`, { hasText: l[`campaigns.visual.block.${id}`] });
    await block('points').waitFor();
    const canvas = page.frameLocator('.visual-editor-canvas iframe.gjs-frame');
    await canvas.getByText('ポイントの有効期限が近づいております').first().waitFor();
    assert.equal(await page.getByText(l['campaigns.visual.incompatible'].slice(0, 10)).count(), 0, 'the starter stays in the visual editor');

    // Real clicks in the block panel add the blocks at the end of the email.
    for (const id of ['points', 'coupon', 'recommendations', 'footer'] as const) await block(id).click();
    // The points block shows its Liquid in the canvas, as the marketer placed it.
    await canvas.getByText('{{ loyalty.points }} pt').waitFor();

    // An image block, then a picture uploaded through the editor's image picker (to Kizuna's storage).
    await block('image').click();
    await page.getByRole('button', { name: l['campaigns.visual.images'] }).click();
    const modal = page.locator('.gjs-mdl-dialog');
    await modal.waitFor();
    await modal.locator('input[type=file]').setInputFiles({ name: `banner-${lang}.png`, mimeType: 'image/png', buffer: PNG });
    const asset = modal.locator('.gjs-am-asset-image').first();
    await asset.waitFor();
    const stored = (await services.media.list(workspaceId))[0]!;
    assert.equal(stored.contentType, 'image/png');
    await asset.click();
    await modal.locator('.gjs-mdl-btn-close').click();
    await canvas.locator(`img[src$="${stored.path}"]`).waitFor();
    await shot('01-editor');

    // The phone width in the editor's canvas.
    await page.getByRole('button', { name: l['campaigns.visual.device.phone'], exact: true }).click();
    await page.waitForFunction(() => (document.querySelector('.visual-editor-canvas iframe.gjs-frame') as HTMLIFrameElement | null)?.getBoundingClientRect().width === 375);
    await shot('02-editor-phone');
    await page.getByRole('button', { name: l['campaigns.visual.device.desktop'], exact: true }).click();

    // The live preview: the server renders the unsaved template for a real demo customer, at two widths.
    const customerId = await page.getByLabel(l['campaigns.preview.customer']).first().inputValue();
    const customer = await services.customers.get(workspaceId, customerId);
    const points = (await services.loyalty.recipientVariables(services.db, workspaceId, [customerId])).get(customerId) as { points: number } | undefined;
    const desktop = page.frameLocator('[data-testid=draft-preview-desktop]');
    const phone = page.frameLocator('[data-testid=draft-preview-phone]');
    const greeting = `${[customer.familyName, customer.givenName].filter(Boolean).join(' ')} 様`;
    await desktop.getByText(greeting).first().waitFor();
    await phone.getByText(greeting).first().waitFor();
    if (points) await desktop.getByText(`${points.points} pt`).waitFor();
    await desktop.locator(`img[src$="${stored.path}"]`).waitFor();
    const widths = await page.evaluate(() => ['desktop', 'phone'].map((d) => document.querySelector(`[data-testid=draft-preview-${d}]`)!.getBoundingClientRect().width));
    assert.ok(widths[0]! >= 600, `desktop preview ${widths[0]}px`);
    assert.equal(widths[1], 375);
    // MJML stacks columns on the phone: its media query for wide screens does not apply there.
    const stacked = await page.evaluate(() => {
      const frame = document.querySelector('[data-testid=draft-preview-phone]') as HTMLIFrameElement;
      return frame.contentWindow!.matchMedia('(min-width:480px)').matches;
    });
    assert.equal(stacked, false);
    await page.getByRole('region', { name: l['campaigns.visual.preview'] }).scrollIntoViewIfNeeded();
    await shot('03-preview');

    // Raw MJML stays available: the same document, with the blocks' Liquid.
    await page.getByRole('radio', { name: l['campaigns.visual.mode.mjml'] }).check();
    const raw = await page.locator('#tpl-mjml').inputValue();
    assert.match(raw, /^<mjml>/);
    assert.ok(raw.includes('{{ loyalty.points }}') && raw.includes('{{ coupon.code }}'), raw);
    // Liquid between two sections survives the editor's round trip (kept as text between the components).
    const between = '{% if coupon %}<mj-section><mj-column><mj-text>only with a coupon</mj-text></mj-column></mj-section>{% endif %}';
    await page.locator('#tpl-mjml').fill(raw.replace('</mj-body>', `${between}</mj-body>`));
    await page.getByRole('radio', { name: l['campaigns.visual.mode.visual'] }).check();
    await canvas.getByText('only with a coupon').waitFor();
    await page.getByRole('radio', { name: l['campaigns.visual.mode.mjml'] }).check();
    const roundTrip = await page.locator('#tpl-mjml').inputValue();
    assert.ok(roundTrip.includes('{% if coupon %}<mj-section>') && roundTrip.includes('</mj-section>{% endif %}</mj-body>'), roundTrip);
    await page.locator('#tpl-mjml').fill(raw);
    await page.getByRole('radio', { name: l['campaigns.visual.mode.visual'] }).check();
    await block('points').waitFor();
    await canvas.getByText('{{ loyalty.points }} pt').waitFor();

    await page.getByRole('button', { name: l['campaigns.form.submit.draft'] }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();

    // Saved as MJML + Liquid with the real merge tags and the uploaded image; the server renders it.
    const campaign = (await services.messaging.listCampaigns(workspaceId)).find((c) => c.name === name)!;
    assert.equal(campaign.template.channel, 'email');
    const mjml = campaign.template.channel === 'email' ? campaign.template.mjml : '';
    for (const piece of ['<mjml>', '</mj-body>', '{% if loyalty.expiring_on %}', '{% if loyalty.points and loyalty.points != 0 %}', '{{ coupon.code }}', '{% for r in named %}', stored.path, '{{ sender.name }}']) assert.ok(mjml.includes(piece), `${piece} in ${mjml}`);
    assert.doesNotMatch(mjml, /<body|data-gjs|id="i[a-z0-9]{3,}"/, 'only MJML, no editor markup');
    const rendered = await services.messaging.preview(workspaceId, campaign.id, customerId);
    assert.equal(rendered.channel, 'email');
    if (rendered.channel === 'email') {
      assert.ok(rendered.html.includes(greeting), 'the customer greeted by name');
      assert.ok(rendered.html.includes(stored.path));
      if (points) assert.ok(rendered.text.includes(`${points.points} pt`), rendered.text);
    }
    // And the image is served to a mail client without sign-in.
    const image = await fetch(`${base}${stored.path}`);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  };

  test('日本語: ブロックをクリックして配信を作り、画像をアップロードし、パソコンとスマートフォンでプレビューして保存する', () => run('ja'));
  test('English: build a campaign from blocks, upload an image, preview it on desktop and phone, save it', () => run('en'));
});
