import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STARTER_TEMPLATES } from '../../../web/src/areas/campaigns/starters.ts';
import { DEFAULT_MJML } from '../../../web/src/areas/journeys/model.ts';
import { JOURNEY_TEMPLATES } from '../journeys/templates.ts';
import type { Content } from './messenger.ts';
import { compileTemplate, type RenderScope } from './render.ts';
import { SAMPLE_POSTAL } from './sampleScopes.ts';
import { STARTERS } from './starters/index.ts';
import { SENDER } from './testKit.ts';
import { templateInput, type Template } from './types.ts';

/**
 * Every template Kizuna ships (the ten journey templates, the campaign form's and the journey
 * editor's starters) rendered with and without each optional variable: nothing may print a label
 * with nothing after it, a bare 様, an empty price, or mention a coupon the customer did not get.
 */
const shipped: { name: string; template: Template }[] = [
  ...JOURNEY_TEMPLATES.flatMap((t) =>
    t.definition({ couponCampaignId: '00000000-0000-7000-8000-0000000000c0', segmentId: '00000000-0000-7000-8000-0000000000s0' }).steps.flatMap((s) =>
      s.type === 'send' ? [{ name: `journey ${t.key} / ${s.id}`, template: s.template as Template }] : [],
    ),
  ),
  // Starters left blank for the user to write (an SMS text, a push title) are not templates yet.
  ...Object.values(STARTER_TEMPLATES).flatMap((t) => {
    const parsed = templateInput.safeParse(t.channel === 'email' ? { ...t, subject: 'お知らせ' } : t);
    return parsed.success ? [{ name: `campaign starter ${t.channel}`, template: parsed.data }] : [];
  }),
  { name: 'journey editor starter', template: { channel: 'email', subject: 'お知らせ', mjml: DEFAULT_MJML } },
  // The template library's Japanese starters (starters/starters.test.ts renders both languages for demo customers).
  ...STARTERS.flatMap((s) => Object.values(s.templates.ja).map((template: Template) => ({ name: `starter ${s.key} / ${template.channel}`, template }))),
];

const named = { family_name: '山田', given_name: '花子', name: '山田 花子' };
const nameless = { family_name: null, given_name: null, name: '' };
const RECOMMENDED = [
  { name: '今治タオル', sku: 'T-1', category: 'home', price: 2_200 },
  { name: '緑茶 100g', sku: 'G-1', category: 'food', price: null },
  { name: null, sku: 'X-1', category: null, price: 990 },
];

/** Each optional variable present or absent: 16 recipients. */
const recipients = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map((bits) => ({
  coupon: Boolean(bits & 1),
  recommendations: Boolean(bits & 2),
  name: Boolean(bits & 4),
  unsubscribe: Boolean(bits & 8),
}));

const scopeOf = (r: (typeof recipients)[number]): RenderScope => ({
  customer: { id: '00000000-0000-7000-8000-000000000001', external_id: 'c-1', email: 'c@example.jp', birthday: null, prefecture: null, city: null, attributes: {}, ...(r.name ? named : nameless) },
  coupon: r.coupon ? { code: 'GIFT-7Q2X' } : null,
  recommendations: r.recommendations ? RECOMMENDED : [],
  campaign: { id: '00000000-0000-7000-8000-0000000000ca', name: 'test' },
  sender: { name: SENDER.name, postal_address: SENDER.postalAddress },
  unsubscribe_url: r.unsubscribe ? 'https://kizuna.example.jp/m/u/token' : null,
  footer_lang: 'ja',
});

/** What a reader sees: subject and text lines (the email's text part is made from its HTML). */
function visibleText(content: Content): string {
  switch (content.channel) {
    case 'email':
      return `${content.subject}\n${content.text}`;
    case 'line':
    case 'webhook':
      return JSON.stringify(content.channel === 'line' ? content.messages : content.payload, null, 1).replace(/\\n/g, '\n');
    case 'sms':
      return content.text;
    case 'push':
      return `${content.title}\n${content.body}`;
    case 'dm':
      return content.message;
  }
}

test('every shipped template renders without an empty label, with and without each optional variable', async () => {
  assert.ok(shipped.filter((s) => s.name.startsWith('journey ') && !s.name.includes('editor')).length >= 10);
  for (const { name, template } of shipped) {
    const compiled = await compileTemplate(template, { sender: SENDER }, true);
    for (const r of recipients) {
      const what = `${name} ${JSON.stringify(r)}`;
      const text = visibleText(await compiled.render(scopeOf(r), { postal: SAMPLE_POSTAL }));
      for (const line of text.split('\n').map((l) => l.trim())) {
        assert.doesNotMatch(line, /[:：]$/, `${what}: a label with nothing after it: "${line}"`);
        assert.doesNotMatch(line, /^様|（円）|\(\)|（）|^・$|^・（/, `${what}: an empty value: "${line}"`);
      }
      assert.doesNotMatch(text, /\{\{|\{%|undefined|null|NaN|\[object Object\]/, `${what}: leftover or missing value`);
      if (template.channel !== 'email') continue;
      if (r.coupon && /coupon/.test(template.mjml)) assert.match(text, /GIFT-7Q2X/, `${what}: the coupon code`);
      if (!r.coupon) assert.doesNotMatch(text, /クーポン/, `${what}: mentions a coupon the customer has not got`);
      if (r.name) assert.match(text, /山田 花子 様/, `${what}: the greeting`);
      else assert.match(text, /お客様/, `${what}: the greeting without a name`);
      const lists = /recommendations/.test(template.mjml);
      if (lists) assert.equal(/あなたへのおすすめ/.test(text), r.recommendations, `${what}: the recommendations heading`);
      if (lists && r.recommendations) assert.match(text, /・今治タオル（2200円）\n・緑茶 100g\n/, `${what}: named products, a price only when known`);
      assert.equal(/配信停止/.test(text), r.unsubscribe, `${what}: the unsubscribe line`);
    }
  }
});
