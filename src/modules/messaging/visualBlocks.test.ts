/**
 * The visual editor's blocks (web/src/areas/campaigns/visualEditor/kizunaBlocks.ts) through the
 * server's pipeline: each compiles as a save checks it, shows the real merge tags' values to a
 * recipient who has them, and prints no orphan label to one who has none.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROVIDED_VARIABLES } from '../../app/services.ts';
import { MERGE_TAGS } from '../../lib/glossary.ts';
import { BLOCK_IDS, blockMjml, documentOf, type BlockId, type BlockLocale } from '../../../web/src/areas/campaigns/visualEditor/kizunaBlocks.ts';
import { compileTemplate, type RenderScope } from './render.ts';
import { SAMPLE_SCOPES, SAMPLE_SENDER } from './sampleScopes.ts';

const providedNames: string[] = [...PROVIDED_VARIABLES];
const SURVEY_URL = 'https://kizuna.example.jp/s/abc123';
const full: RenderScope = {
  ...SAMPLE_SCOPES[0]!,
  customer: { ...SAMPLE_SCOPES[0]!.customer, survey_links: { nps: SURVEY_URL }, loyalty: { points: 1200, tier: 'gold' } },
};
const empty: RenderScope = SAMPLE_SCOPES[1]!;

const render = async (mjml: string, scope: RenderScope) => {
  const compiled = await compileTemplate({ channel: 'email', subject: 's', mjml }, SAMPLE_SENDER, true, providedNames);
  const content = await compiled.render(scope);
  assert.equal(content.channel, 'email');
  return content.channel === 'email' ? content : { html: '', text: '' };
};

/** What a recipient with every value sees, per block: the value, in the text part. */
const SHOWN: Partial<Record<BlockId, Record<BlockLocale, string[]>>> = {
  recommendations: { ja: ['あなたへのおすすめ', '今治タオル（2200円）', '緑茶 100g（1080円）'], en: ['Picked for you', '今治タオル（2200yen）'] },
  coupon: { ja: ['クーポンコード', 'SAMPLE-CODE'], en: ['Your coupon code', 'SAMPLE-CODE'] },
  points: { ja: ['現在のポイント残高: 1200 pt'], en: ['Your points balance: 1200 pt'] },
  survey: { ja: ['アンケートに答える'], en: ['Answer the survey'] },
  footer: { ja: ['hanako@example.com', '© Kizuna'], en: ['hanako@example.com', '© Kizuna'] },
};
/** Labels that must not appear when the value behind them is missing. */
const HIDDEN: Partial<Record<BlockId, Record<BlockLocale, string[]>>> = {
  recommendations: { ja: ['おすすめ', '円'], en: ['Picked for you'] },
  coupon: { ja: ['クーポンコード', 'お会計時'], en: ['coupon code', 'checkout'] },
  points: { ja: ['ポイント', 'pt'], en: ['points', 'pt'] },
  survey: { ja: ['アンケート'], en: ['survey'] },
  footer: { ja: ['宛にお送り'], en: ['was sent to'] },
};

test('every block, in ja and en, passes the save check and renders for a full and an empty recipient', async () => {
  for (const locale of ['ja', 'en'] as const) {
    for (const id of BLOCK_IDS) {
      const mjml = documentOf([blockMjml(id, locale)]);
      const shown = await render(mjml, full);
      for (const value of SHOWN[id]?.[locale] ?? []) assert.ok(shown.text.includes(value), `${locale} ${id}: "${value}" in ${shown.text}`);
      const hidden = await render(mjml, empty);
      const body = hidden.text.slice(0, hidden.text.indexOf('配信元') >= 0 ? hidden.text.indexOf('配信元') : hidden.text.indexOf('Sent by'));
      for (const label of HIDDEN[id]?.[locale] ?? []) assert.ok(!body.includes(label), `${locale} ${id}: "${label}" shown without its value: ${body}`);
    }
  }
});

test('the survey block links to the recipient’s own signed survey link, and the slug is the one chosen', async () => {
  const { html } = await render(documentOf([blockMjml('survey', 'ja')]), full);
  assert.ok(html.includes(`href="${SURVEY_URL}"`), html);
  const other = blockMjml('survey', 'en', { surveySlug: 'post-purchase' });
  assert.match(other, /survey_links\.post_purchase/);
});

test('the blocks use only the documented merge tags (and their own loop and assigned names)', () => {
  const roots = new Set(MERGE_TAGS.map((tag) => tag.split('.')[0]));
  const local = new Set(['r', 'named', 'blank', 'else', 'endif', 'endfor']);
  for (const id of BLOCK_IDS) {
    const mjml = blockMjml(id, 'ja');
    const names = [...mjml.matchAll(/\{[{%]-?\s*(?:if|for\s+\w+\s+in|assign\s+\w+\s*=)?\s*([a-z_]+)/g)].map((m) => m[1]!);
    for (const name of names) assert.ok(roots.has(name) || local.has(name), `${id} uses ${name}`);
    // Liquid in an attribute value has no < > & (the editor escapes them there) and no tag (only outputs).
    for (const attr of mjml.matchAll(/="([^"]*)"/g)) assert.ok(!attr[1]!.includes('{%') && !(attr[1]!.includes('{{') && /[<>&]/.test(attr[1]!)), `${id}: ${attr[0]}`);
    // Nor does Liquid in text compare with < or >: written as &lt; &gt;, Liquid would not parse it.
    for (const tag of mjml.matchAll(/\{%[^%]*%\}/g)) assert.ok(!/[<>]/.test(tag[0]), `${id}: ${tag[0]}`);
  }
  assert.ok(blockMjml('points', 'ja').includes('{{ loyalty.points }}'));
  assert.ok(blockMjml('coupon', 'ja').includes('{{ coupon.code }}'));
  assert.ok(blockMjml('recommendations', 'ja').includes('{% for r in named %}'));
});

test('a newsletter of every block renders as one document', async () => {
  const { html, text } = await render(documentOf(BLOCK_IDS.map((id) => blockMjml(id, 'ja'))), full);
  assert.match(html, /<html/);
  for (const value of ['SAMPLE-CODE', '1200 pt', '今治タオル', 'アンケートに答える']) assert.ok(text.includes(value), value);
});
