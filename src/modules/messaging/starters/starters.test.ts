import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROVIDED_VARIABLES } from '../../../app/services.ts';
import { DEMO_MESSAGING } from '../../demo/messagingSetup.ts';
import { customerBatch, DEFAULT_END, observationEnd, planDemo } from '../../demo/generator.ts';
import { smsSegments } from '../channels/smsSegments.ts';
import { customerScope, type Recipient } from '../facts.ts';
import type { Content } from '../messenger.ts';
import { compileTemplate, templateIssues, type RenderScope } from '../render.ts';
import { SAMPLE_POSTAL } from '../sampleScopes.ts';
import { templateInput, type Template } from '../types.ts';
import { STARTER_LANGS, STARTERS, type StarterLang } from './index.ts';

/**
 * Every starter, in ja and en and on each of its channels, through the real pipeline (Liquid in the
 * sandboxed engine, MJML, the legal footer) for customers of the demo data set: it must save
 * (templateIssues), and render with no leftover tag, no empty label, the customer's name, the
 * 特定電子メール法 footer with its unsubscribe link, and a coupon code exactly when one was issued.
 */
const plan = planDemo({ customers: 6, months: 12, seed: 42, end: observationEnd(DEFAULT_END) });
const demo = customerBatch(plan, 0, 6).customers;
const products = plan.products.slice(0, 3).map((p) => ({ name: p.name ?? null, sku: p.sku, category: p.category ?? null, price: p.priceMinor ?? null }));
const providedNames: string[] = [...PROVIDED_VARIABLES];
const sender = DEMO_MESSAGING.sender;
const UNSUBSCRIBE = 'https://kizuna.example.jp/m/u/token-123';
const SURVEY = 'https://kizuna.example.jp/s/survey-token';
const REFERRAL_LINK = 'https://shop.example.jp/join?ref=HANA7Q';
const MEMBER = { points: 1500, pending_points: 0, tier: 'ゴールド', referral_code: 'HANA7Q', referral_link: REFERRAL_LINK, expiring_points: 300, expiring_on: '2027-01-05' };
const NON_MEMBER = { points: 0, pending_points: 0, tier: null, referral_code: null, referral_link: null, expiring_points: 0, expiring_on: null };
/** What a member's copy of each loyalty starter must show (a phone notification may leave it out). */
const LOYALTY_SHOWN: Record<string, string> = { points_expiry: '300', tier_upgrade: 'ゴールド', referral: REFERRAL_LINK };

const recipientOf = (c: (typeof demo)[number], i: number): Recipient => ({
  id: `00000000-0000-7000-8000-0000000000${String(10 + i)}`,
  externalId: c.externalId,
  email: c.email ?? null,
  phone: c.phone ?? null,
  lineUserId: null,
  // The last customer without a name: starters must greet them without a bare 様.
  familyName: i === demo.length - 1 ? null : (c.familyName ?? null),
  givenName: i === demo.length - 1 ? null : (c.givenName ?? null),
  birthday: c.birthday ?? null,
  postalCode: c.postalCode ?? null,
  prefecture: c.prefecture ?? null,
  city: c.city ?? null,
  addressLine1: c.addressLine1 ?? null,
  addressLine2: c.addressLine2 ?? null,
  timeZone: 'Asia/Tokyo',
  locale: c.locale ?? null,
  attributes: c.attributes ?? {},
  erased: false,
  consents: new Map(),
  recentSends: [],
  // Half the customers have a survey link, half a coupon (the others a campaign without them);
  // half are loyalty members with points lapsing soon, a tier and a referral link.
  variables: { survey_links: i % 2 === 0 ? { nps: SURVEY } : {}, loyalty: i % 2 === 0 ? MEMBER : NON_MEMBER },
});

const cases = demo.map((c, i) => {
  const recipient = recipientOf(c, i);
  return {
    recipient,
    coupon: i % 2 === 1 ? { code: `DEMO-${i}X7Q` } : null,
    survey: i % 2 === 0,
    recommendations: i % 3 === 0 ? [] : products,
  };
});

const scopeOf = (k: (typeof cases)[number], lang: StarterLang): RenderScope => ({
  customer: customerScope(k.recipient),
  coupon: k.coupon,
  recommendations: k.recommendations,
  campaign: { id: '00000000-0000-7000-8000-0000000000ca', name: 'starter' },
  sender: { name: sender.name, postal_address: sender.postalAddress },
  unsubscribe_url: UNSUBSCRIBE,
  footer_lang: lang,
});

/** The text a reader sees; LINE flex as its text components (each must be non-empty: LINE refuses empty text). */
function visible(content: Content): string {
  switch (content.channel) {
    case 'email':
      return `${content.subject}\n${content.text}`;
    case 'line':
      return content.messages.map((m) => (m.type === 'flex' ? `${String(m.altText)}\n${flexTexts(m.contents).join('\n')}` : String(m.text))).join('\n');
    case 'sms':
      return content.text;
    case 'push':
      return `${content.title}\n${content.body}`;
    default:
      throw new Error(`no starter on ${content.channel}`);
  }
}

function flexTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(flexTexts);
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  const own = o.type === 'text' ? [String(o.text)] : o.type === 'button' ? [String((o.action as Record<string, unknown>).label)] : [];
  return [...own, ...Object.entries(o).flatMap(([k, v]) => (k === 'action' ? [] : flexTexts(v)))];
}

const all = STARTERS.flatMap((s) => STARTER_LANGS.flatMap((lang) => Object.values(s.templates[lang]).map((template: Template) => ({ s, lang, template }))));

test('the library has the moments of issue 21, each in ja and en with an email, and unique keys', () => {
  const keys = STARTERS.map((s) => s.key);
  assert.equal(new Set(keys).size, keys.length);
  for (const k of ['welcome', 'onboarding', 'thank_you', 'review_request', 'birthday', 'second_purchase', 'reactivation', 'points_expiry', 'tier_upgrade', 'referral', 'nps', 'newsletter']) {
    assert.ok(keys.includes(k), k);
  }
  for (const s of STARTERS) for (const lang of STARTER_LANGS) assert.equal(s.templates[lang].email.channel, 'email', `${s.key} ${lang}`);
  // Each phone channel has starters to preview.
  for (const channel of ['line', 'sms', 'push'] as const) assert.ok(STARTERS.filter((s) => s.templates.ja[channel]).length >= 3, channel);
  assert.ok(STARTERS.some((s) => (s.templates.ja.line?.flex as { type?: string } | undefined)?.type === 'carousel'), 'a flex carousel');
  assert.ok(STARTERS.some((s) => (s.templates.ja.line?.flex as { type?: string } | undefined)?.type === 'bubble'), 'a flex bubble');
});

test('every email starter opens in the visual editor: no Liquid tag compares with < or > (the editor escapes them in text)', () => {
  for (const s of STARTERS) {
    for (const lang of STARTER_LANGS) {
      const tags = [...s.templates[lang].email.mjml.matchAll(/\{%[\s\S]*?%\}/g)].map((m) => m[0]);
      assert.deepEqual(tags.filter((tag) => /[<>]/.test(tag)), [], `${s.key} ${lang}`);
    }
  }
});

test('every starter is a valid template that saves: schema, Liquid, MJML and sample renders (templateIssues)', async () => {
  for (const { s, lang, template } of all) {
    assert.ok(templateInput.safeParse(template).success, `${s.key} ${lang} ${template.channel}`);
    assert.deepEqual(await templateIssues(template, ['template'], providedNames), [], `${s.key} ${lang} ${template.channel}`);
  }
});

test('every starter renders for demo customers with no leftover tag or empty value, the footer, the greeting and the coupon only when issued', async () => {
  const segments: number[] = [];
  for (const { s, lang, template } of all) {
    const compiled = await compileTemplate(template, { sender }, true, providedNames);
    for (const k of cases) {
      const what = `${s.key} ${lang} ${template.channel} for ${k.recipient.externalId}`;
      const content = await compiled.render(scopeOf(k, lang), { postal: SAMPLE_POSTAL });
      const text = visible(content);
      assert.doesNotMatch(text, /\{\{|\{%|%\}|\}\}|undefined|null|NaN|\[object Object\]/, `${what}: leftover or missing value\n${text}`);
      for (const line of text.split('\n').map((l) => l.trim())) {
        assert.doesNotMatch(line, /[:：]$/, `${what}: a label with nothing after it: "${line}"`);
        assert.doesNotMatch(line, /^様|^、|（円）|\(\)|（）|^・$|^・（|Dear ,/, `${what}: an empty value: "${line}"`);
      }
      const named = k.recipient.familyName !== null;
      if (template.channel === 'email') {
        if (lang === 'ja') assert.match(text, named ? new RegExp(`${k.recipient.familyName} ${k.recipient.givenName} 様`) : /お客様/, `${what}: greeting`);
        else assert.match(text, named ? new RegExp(`Dear ${k.recipient.givenName},`) : /Dear customer,/, `${what}: greeting`);
        const html = content.channel === 'email' ? content.html : '';
        assert.match(html, new RegExp(`href="${UNSUBSCRIBE}"`), `${what}: the unsubscribe link`);
        if (lang === 'ja') assert.match(text, /配信元: 絆ストア[\s\S]*住所: 〒100-0005 東京都千代田区丸の内1-1-1[\s\S]*お問い合わせ[\s\S]*配信停止はこちら/, `${what}: 特定電子メール法 footer`);
        else assert.match(text, /Sent by: 絆ストア[\s\S]*Address: 〒100-0005[\s\S]*Contact[\s\S]*Unsubscribe/, `${what}: the footer`);
      }
      if (s.uses.includes('coupon') && k.coupon) assert.ok(text.includes(k.coupon.code) || template.channel === 'push', `${what}: the coupon code`);
      if (!k.coupon) assert.doesNotMatch(text, /クーポン|coupon/i, `${what}: a coupon the customer has not got`);
      if (s.uses.includes('loyalty') && k.recipient.variables?.loyalty === MEMBER && template.channel !== 'push') {
        assert.ok(JSON.stringify(content).includes(LOYALTY_SHOWN[s.key]!), `${what}: the member's ${LOYALTY_SHOWN[s.key]}`);
      }
      if (s.key === 'points_expiry' && k.recipient.variables?.loyalty === MEMBER && template.channel === 'email') {
        assert.match(text, lang === 'ja' ? /2027年1月5日に失効/ : /expire on January 5, 2027/, `${what}: the lapse date`);
      }
      if (s.uses.includes('survey_links.nps') && k.survey) assert.ok(JSON.stringify(content).includes(SURVEY), `${what}: the survey link`);
      if (content.channel === 'line') for (const m of content.messages) if (m.type === 'flex') assert.ok(String(m.altText).length <= 400, `${what}: altText`);
      if (content.channel === 'sms') segments.push(smsSegments(content.text).segments);
      if (content.channel === 'push') assert.ok(content.title.length <= 40, `${what}: a push title a lock screen shows whole`);
    }
  }
  // With the unsubscribe link a marketing SMS needs, Japanese SMS starters stay within three UCS-2 parts.
  assert.ok(segments.length > 0 && Math.max(...segments) <= 3, `segments: ${segments.join(',')}`);
});
