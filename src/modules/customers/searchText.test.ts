import assert from 'node:assert/strict';
import { test } from 'node:test';
import { customerSearchText, foldForSearch, searchPattern } from './searchText.ts';

const watanabe = {
  email: 'Yui.Watanabe@Example.JP',
  externalId: 'SHOP-0042',
  phone: '+818089902788',
  familyName: '渡辺',
  givenName: '結衣',
  familyNameKana: 'ワタナベ',
  givenNameKana: 'ユイ',
};

/** What SQL's LIKE does with the pattern (no wildcard other than the surrounding %; escapes undone). */
const matches = (text: string, query: string) => text.includes(searchPattern(query).slice(1, -1).replace(/\\(.)/g, '$1'));

test('the fold: NFKC, lower case, hiragana to katakana, no whitespace', () => {
  assert.equal(foldForSearch('わたなべ'), 'ワタナベ');
  assert.equal(foldForSearch('ﾜﾀﾅﾍﾞ'), 'ワタナベ');
  assert.equal(foldForSearch('Ｗａｔａｎａｂｅ　Ｙｕｉ'), 'watanabeyui');
  assert.equal(foldForSearch('ゝゞ'), 'ヽヾ');
});

test('the stored text holds names, kana, romaji in both orders, email in lower case and phone digits in two forms', () => {
  const text = customerSearchText(watanabe);
  for (const query of ['わたなべ', 'ワタナベ', 'ﾜﾀﾅﾍﾞ', 'なべゆい', '渡辺 結衣', 'watanabe', 'WATANABE', 'Ｗａｔａｎａｂｅ', 'yui watanabe', 'yui.watanabe@example', 'shop-0042', 'Shop-00']) {
    assert.ok(matches(text, query), `${query} in ${text}`);
  }
  for (const phone of ['080-8990-2788', '08089902788', '+81 80-8990-2788', '+818089902788', '(080) 8990 2788', '０８０－８９９０－２７８８', '8990-2788']) {
    assert.ok(matches(text, phone), `${phone} in ${text}`);
  }
  for (const query of ['suzuki', 'すずき', '090-1234-5678', 'example.com']) assert.ok(!matches(text, query), query);
});

test('fields stay apart and LIKE wildcards in a query are literal', () => {
  const text = customerSearchText({ ...watanabe, phone: null });
  assert.ok(!matches(text, 'example.jpshop'), 'a match cannot span the email and the external id');
  assert.equal(searchPattern('50%_off'), '%50\\%\\_off%');
  assert.ok(!matches(customerSearchText({ ...watanabe, email: 'a@b.jp' }), '%'));
});

test('a customer without kana gets no romaji; an unparsable phone keeps its digits; "12" is not a phone query', () => {
  const text = customerSearchText({ email: null, externalId: 'x', phone: '12345', familyName: 'Smith', givenName: null, familyNameKana: null, givenNameKana: null });
  assert.equal(text, 'x smith 12345');
  assert.equal(searchPattern('1-2'), '%1-2%');
  assert.equal(searchPattern('1-2-3'), '%123%');
});
