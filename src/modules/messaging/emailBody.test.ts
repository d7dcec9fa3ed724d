import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileEmailBody } from './emailBody.ts';

const doc = (body: string) => `<mjml><mj-body><mj-section><mj-column>${body}</mj-column></mj-section></mj-body></mjml>`;

test('Liquid control flow between MJML components keeps its meaning', async () => {
  const body = compileEmailBody(
    doc(`<mj-text>こんにちは</mj-text>
{% if coupon %}<mj-text>クーポンコード: {{ coupon.code }}</mj-text>{% endif %}
{% for r in recommendations %}<mj-text>・{{ r.name }}</mj-text>{% endfor %}`),
    true,
  );
  const without = await body.render({ coupon: null, recommendations: [] });
  assert.doesNotMatch(without.text, /クーポン/);
  assert.doesNotMatch(without.html, /クーポン/);
  const withAll = await body.render({ coupon: { code: 'BDAY-123' }, recommendations: [{ name: 'タオル' }, { name: '緑茶' }] });
  assert.match(withAll.text, /クーポンコード: BDAY-123/);
  assert.match(withAll.text, /・タオル\n・緑茶/);
  // Each loop item is its own MJML component (a table row), not text MJML threw away.
  assert.equal(withAll.html.match(/・(タオル|緑茶)/g)?.length, 2);
  assert.doesNotMatch(withAll.html + withAll.text, /\{%|\{\{|kz[0-9a-f]{10}o/i);
});

test('values are HTML-escaped in the HTML part and plain in the text part, whatever the shape cache holds', async () => {
  const body = compileEmailBody(doc('<mj-text>{{ name }} 様</mj-text><mj-button href="https://shop.example.jp/?ref={{ ref }}">見る</mj-button>'));
  const first = await body.render({ name: '山田', ref: 'a' });
  const hostile = await body.render({ name: `<b>"O'Neil" & co</b>`, ref: 'x&y"z' });
  assert.match(first.html, /山田 様/);
  assert.match(hostile.html, /&lt;b&gt;&#34;O&#39;Neil&#34; &amp; co&lt;\/b&gt; 様/);
  assert.match(hostile.html, /href="https:\/\/shop\.example\.jp\/\?ref=x&amp;y&#34;z"/);
  assert.doesNotMatch(hostile.html, /<b>/);
  assert.match(hostile.text, /<b>"O'Neil" & co<\/b> 様/);
  // The first recipient's values never leak into the next one's message (one shape, two fills).
  assert.doesNotMatch(hostile.html + hostile.text, /山田/);
});

test('captured text holds real values, so it can be tested; `raw` outputs go through MJML unescaped', async () => {
  const body = compileEmailBody(doc('<mj-text>{% capture n %}{{ name }}{% endcapture %}{% if n == "" %}お客様{% else %}{{ n }} 様{% endif %}</mj-text><mj-text>{{ note | raw }}</mj-text>'));
  assert.match((await body.render({ name: '' })).text, /^お客様/);
  const named = await body.render({ name: '佐藤', note: '<em>限定</em>' });
  assert.match(named.text, /^佐藤 様/);
  assert.match(named.html, /<em>限定<\/em>/);
});

test('a value in an attribute MJML computes with is compiled with the message (no placeholder survives)', async () => {
  const body = compileEmailBody(doc('<mj-image src="https://cdn.example.jp/{{ file }}.png" width="{{ w }}px" />'));
  const out = await body.render({ file: 'a&b', w: 120 });
  assert.match(out.html, /width="120"/);
  assert.match(out.html, /src="https:\/\/cdn\.example\.jp\/a&amp;b\.png"/);
  assert.doesNotMatch(out.html, /kz[0-9a-f]{10}o/i);
});
